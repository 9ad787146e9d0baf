import { type Static, Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import { HandlerChecked, Maybe, StringMap } from '../typedInput.ts';
import { defineOperation, type Operation, type PathLabels } from '../types.ts';
import { badRequest, checkStatusCode, integrationNotFound, missing, notFound } from './errors.ts';
import {
  INTEGRATION_TYPES,
  type IntegrationRecord,
  type IntegrationResponseRecord,
  type IntegrationType,
  type MethodRecord,
} from './model.ts';
import { checkOp, patchMap, readPatchOperations, unescapePointer, unknownPath, type PatchOperation } from './patch.ts';
import { getMethod, METHOD_PATH } from './methodOperations.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { toIntegration, toIntegrationResponse } from './shapes.ts';
import { defineTypedOperation } from './typedOperation.ts';

/** PutIntegration's body; `type` keeps AWS's enum message (validateIntegration). */
const PutIntegrationBody = Type.Object({
  type: HandlerChecked(),
  httpMethod: Maybe(Type.String()),
  uri: Maybe(Type.String()),
  connectionType: Maybe(Type.String()),
  connectionId: Maybe(Type.String()),
  credentials: Maybe(Type.String()),
  requestParameters: Maybe(StringMap),
  requestTemplates: Maybe(StringMap),
  passthroughBehavior: Maybe(Type.String()),
  contentHandling: Maybe(Type.String()),
  timeoutInMillis: Maybe(Type.Integer()),
  cacheNamespace: Maybe(Type.String()),
  cacheKeyParameters: Maybe(Type.Array(Type.String())),
});
type PutIntegrationBody = Static<typeof PutIntegrationBody>;

const PutIntegrationResponseBody = Type.Object({
  selectionPattern: Maybe(Type.String()),
  responseParameters: Maybe(StringMap),
  responseTemplates: Maybe(StringMap),
  contentHandling: Maybe(Type.String()),
});

const INTEGRATION_PATH = `${METHOD_PATH}/integration`;

export function getIntegration(method: MethodRecord): IntegrationRecord {
  if (!method.integration) throw integrationNotFound();
  return method.integration;
}

export function integrationOperations({ store }: ApiGatewayContext): Operation[] {
  const methodOf = (input: PathLabels<typeof METHOD_PATH>, region: string) =>
    getMethod(store.getForResource(region, input.restApiId), input.resourceId, input.method);

  return [
    defineTypedOperation({
      name: 'PutIntegration',
      http: { method: 'PUT', path: INTEGRATION_PATH, status: 201 },
      body: PutIntegrationBody,
      handler(input, ctx) {
        const type = validateIntegration(input);
        const method = methodOf(input, ctx.region);
        const integration: IntegrationRecord = {
          type,
          httpMethod: input.httpMethod ?? undefined,
          // LocalStack drops a MOCK integration's uri; AWS never reports one.
          uri: type === 'MOCK' ? undefined : (input.uri ?? undefined),
          connectionType: input.connectionType ?? (type === 'HTTP' || type === 'HTTP_PROXY' ? 'INTERNET' : undefined),
          connectionId: input.connectionId ?? undefined,
          credentials: input.credentials ?? undefined,
          requestParameters: input.requestParameters ?? undefined,
          requestTemplates: input.requestTemplates ?? undefined,
          passthroughBehavior: input.passthroughBehavior ?? 'WHEN_NO_MATCH',
          contentHandling: input.contentHandling ?? undefined,
          timeoutInMillis: input.timeoutInMillis ?? 29000,
          cacheNamespace: input.cacheNamespace ?? input.resourceId,
          cacheKeyParameters: input.cacheKeyParameters ?? [],
          integrationResponses: {},
        };
        if (integration.timeoutInMillis < 50 || integration.timeoutInMillis > 29000) {
          throw badRequest('Timeout should be between 50 ms and 29000 ms');
        }
        method.integration = integration;
        return toIntegration(integration);
      },
    }),
    defineOperation({
      name: 'GetIntegration',
      http: { method: 'GET', path: INTEGRATION_PATH },
      handler: (input, ctx) => toIntegration(getIntegration(methodOf(input, ctx.region))),
    }),
    defineOperation({
      name: 'DeleteIntegration',
      http: { method: 'DELETE', path: INTEGRATION_PATH, status: 204 },
      handler(input, ctx) {
        const method = methodOf(input, ctx.region);
        getIntegration(method);
        method.integration = undefined;
      },
    }),
    defineTypedOperation({
      name: 'PutIntegrationResponse',
      http: { method: 'PUT', path: `${INTEGRATION_PATH}/responses/{statusCode}`, status: 201 },
      body: PutIntegrationResponseBody,
      handler(input, ctx) {
        const statusCode = input.statusCode;
        checkStatusCode(statusCode);
        // AWS accepts an integration response before (or without) the method response of the
        // same status code (201); the data plane then answers with that status all the same.
        const integration = getIntegration(methodOf(input, ctx.region));
        const response = {
          statusCode,
          selectionPattern: input.selectionPattern ?? undefined,
          responseParameters: input.responseParameters ?? undefined,
          responseTemplates: input.responseTemplates ?? undefined,
          contentHandling: input.contentHandling ?? undefined,
        };
        integration.integrationResponses[statusCode] = response;
        return toIntegrationResponse(response);
      },
    }),
    defineOperation({
      name: 'GetIntegrationResponse',
      http: { method: 'GET', path: `${INTEGRATION_PATH}/responses/{statusCode}` },
      handler(input, ctx) {
        checkStatusCode(input.statusCode);
        const response = getIntegration(methodOf(input, ctx.region)).integrationResponses[input.statusCode];
        if (!response) throw notFound('Invalid Response status code specified');
        return toIntegrationResponse(response);
      },
    }),
    defineOperation({
      name: 'DeleteIntegrationResponse',
      http: { method: 'DELETE', path: `${INTEGRATION_PATH}/responses/{statusCode}`, status: 204 },
      handler(input, ctx) {
        const statusCode = input.statusCode;
        checkStatusCode(statusCode);
        const integration = getIntegration(methodOf(input, ctx.region));
        if (!integration.integrationResponses[statusCode]) throw notFound('Invalid Response status code specified');
        delete integration.integrationResponses[statusCode];
      },
    }),
    defineOperation({
      name: 'UpdateIntegration',
      http: { method: 'PATCH', path: INTEGRATION_PATH },
      handler(input, ctx) {
        const ops = readPatchOperations(input, 'updateIntegrationInput');
        const integration = getIntegration(methodOf(input, ctx.region));
        const next: IntegrationRecord = { ...integration, cacheKeyParameters: [...integration.cacheKeyParameters] };
        for (const op of ops) applyIntegrationPatch(next, op);
        if (next.timeoutInMillis < 50 || next.timeoutInMillis > 29000) throw badRequest('Timeout should be between 50 ms and 29000 ms');
        Object.assign(integration, next);
        return toIntegration(integration);
      },
    }),
    defineOperation({
      name: 'UpdateIntegrationResponse',
      http: { method: 'PATCH', path: `${INTEGRATION_PATH}/responses/{statusCode}` },
      handler(input, ctx) {
        const ops = readPatchOperations(input, 'updateIntegrationResponseInput');
        checkStatusCode(input.statusCode);
        const integration = getIntegration(methodOf(input, ctx.region));
        const response = integration.integrationResponses[input.statusCode];
        if (!response) throw notFound('Invalid Integration Response identifier specified');
        const next = { ...response };
        for (const op of ops) applyIntegrationResponsePatch(next, op);
        Object.assign(response, next);
        return toIntegrationResponse(response);
      },
    }),
  ];
}

/**
 * PutIntegration's checks, in the order and with the messages of localstack's provider
 * (`put_integration`, snapshot-tested against AWS). An unknown type is a coral
 * ValidationException, not a BadRequestException.
 */
function validateIntegration(input: PutIntegrationBody): IntegrationType {
  const type = input.type;
  if (type === undefined || type === null || type === '') throw missing('putIntegrationInput', 'type');
  const integrationType = INTEGRATION_TYPES.find((known) => known === type);
  if (!integrationType) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(type)}' at 'putIntegrationInput.type' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]',
      { status: 400 },
    );
  }
  if (integrationType === 'AWS' || integrationType === 'AWS_PROXY') {
    if (!input.httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
    const uri = input.uri ?? '';
    const arn = /^arn:[^:]+:apigateway:([^:]*):([^:]+):(.+)$/.exec(uri);
    if (!uri.startsWith('arn:') || !arn) throw badRequest('Invalid ARN specified in the request');
    const [, , service, resource] = arn;
    if (!resource!.startsWith('path') && !resource!.startsWith('action')) {
      throw badRequest('AWS ARN for integration must contain path or action');
    }
    if (integrationType === 'AWS_PROXY' && (service !== 'lambda' || !resource!.startsWith('path/2015-03-31/functions/'))) {
      throw badRequest("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.");
    }
  }
  if (integrationType === 'HTTP' || integrationType === 'HTTP_PROXY') {
    if (!input.httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
    if (!/^https?:\/\/[^/]+/.test(input.uri ?? '')) {
      throw badRequest('Invalid HTTP endpoint specified for URI');
    }
  }
  return integrationType;
}

const INTEGRATION_SCALARS = [
  '/cacheNamespace',
  '/connectionId',
  '/connectionType',
  '/contentHandling',
  '/credentials',
  '/httpMethod',
  '/passthroughBehavior',
  '/timeoutInMillis',
  '/uri',
] as const;

/**
 * UpdateIntegration's paths (AWS's patch-operations table): the maps `/requestParameters/{name}`
 * and `/requestTemplates/{type}` take add, replace and remove; `/cacheKeyParameters/{name}` add
 * and remove; the scalars replace only.
 */
function applyIntegrationPatch(integration: IntegrationRecord, op: PatchOperation): void {
  const map = /^\/(requestParameters|requestTemplates|cacheKeyParameters)\/(.+)$/.exec(op.path);
  if (map) {
    const key = unescapePointer(map[2]!);
    if (map[1] === 'cacheKeyParameters') {
      checkOp(op, ['add', 'remove']);
      integration.cacheKeyParameters = integration.cacheKeyParameters.filter((k) => k !== key);
      if (op.op === 'add') integration.cacheKeyParameters.push(key);
      return;
    }
    checkOp(op, ['add', 'replace', 'remove']);
    const member = map[1] as 'requestParameters' | 'requestTemplates';
    integration[member] = patchMap(integration[member], op, key, op.value ?? '');
    return;
  }
  if (!(INTEGRATION_SCALARS as readonly string[]).includes(op.path)) {
    throw unknownPath(op, [
      ...INTEGRATION_SCALARS,
      '/requestParameters/{name}',
      '/requestTemplates/{contentType}',
      '/cacheKeyParameters/{name}',
    ]);
  }
  checkOp(op, ['replace']);
  const value = op.value === '' ? undefined : op.value;
  if (op.path === '/timeoutInMillis') {
    integration.timeoutInMillis = value === undefined ? 29000 : Number(value);
    if (!Number.isInteger(integration.timeoutInMillis)) throw badRequest(`Invalid timeout specified: ${value}`);
  } else if (op.path === '/passthroughBehavior') {
    integration.passthroughBehavior = value ?? 'WHEN_NO_MATCH';
  } else if (op.path === '/cacheNamespace') {
    integration.cacheNamespace = value ?? integration.cacheNamespace;
  } else {
    const member = op.path.slice(1) as 'connectionId' | 'connectionType' | 'contentHandling' | 'credentials' | 'httpMethod' | 'uri';
    integration[member] = value;
  }
}

/** UpdateIntegrationResponse: the two maps take add/replace/remove; the scalars replace only. */
function applyIntegrationResponsePatch(response: IntegrationResponseRecord, op: PatchOperation): void {
  const map = /^\/(responseParameters|responseTemplates)\/(.+)$/.exec(op.path);
  if (map) {
    checkOp(op, ['add', 'replace', 'remove']);
    const member = map[1] as 'responseParameters' | 'responseTemplates';
    response[member] = patchMap(response[member], op, unescapePointer(map[2]!), op.value ?? '');
    return;
  }
  if (op.path !== '/selectionPattern' && op.path !== '/contentHandling') {
    throw unknownPath(op, ['/selectionPattern', '/contentHandling', '/responseParameters/{name}', '/responseTemplates/{contentType}']);
  }
  checkOp(op, ['replace']);
  if (op.path === '/selectionPattern') response.selectionPattern = op.value;
  else response.contentHandling = op.value || undefined;
}
