import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';
import { badRequest, integrationNotFound, missing, notFound, responseNotFound } from './errors.ts';
import { INTEGRATION_TYPES, type IntegrationRecord, type IntegrationType, type MethodRecord } from './model.ts';
import { getMethod, METHOD_PATH } from './methodOperations.ts';
import { optionalString, param, readStringMap, type ApiGatewayContext } from './restApiOperations.ts';
import { toIntegration, toIntegrationResponse } from './shapes.ts';

const INTEGRATION_PATH = `${METHOD_PATH}/integration`;

export function getIntegration(method: MethodRecord): IntegrationRecord {
  if (!method.integration) throw integrationNotFound();
  return method.integration;
}

export function integrationOperations({ store }: ApiGatewayContext): Operation[] {
  const methodOf = (input: Record<string, unknown>, region: string) =>
    getMethod(store.get(region, param(input, 'restApiId')), param(input, 'resourceId'), param(input, 'method'));

  return [
    {
      name: 'PutIntegration',
      http: { method: 'PUT', path: INTEGRATION_PATH, status: 201 },
      handler(input, ctx) {
        const type = validateIntegration(input);
        const method = methodOf(input, ctx.region);
        const integration: IntegrationRecord = {
          type,
          httpMethod: optionalString(input.httpMethod),
          // LocalStack drops a MOCK integration's uri; AWS never reports one.
          uri: type === 'MOCK' ? undefined : optionalString(input.uri),
          connectionType: optionalString(input.connectionType) ?? (type === 'HTTP' || type === 'HTTP_PROXY' ? 'INTERNET' : undefined),
          connectionId: optionalString(input.connectionId),
          credentials: optionalString(input.credentials),
          requestParameters: input.requestParameters === undefined ? undefined : readStringMap(input.requestParameters),
          requestTemplates: input.requestTemplates === undefined ? undefined : readStringMap(input.requestTemplates),
          passthroughBehavior: optionalString(input.passthroughBehavior) ?? 'WHEN_NO_MATCH',
          contentHandling: optionalString(input.contentHandling),
          timeoutInMillis: typeof input.timeoutInMillis === 'number' ? input.timeoutInMillis : 29000,
          cacheNamespace: optionalString(input.cacheNamespace) ?? param(input, 'resourceId'),
          cacheKeyParameters: Array.isArray(input.cacheKeyParameters) ? input.cacheKeyParameters.map(String) : [],
          integrationResponses: {},
        };
        if (integration.timeoutInMillis < 50 || integration.timeoutInMillis > 29000) {
          throw badRequest('Timeout should be between 50 ms and 29000 ms');
        }
        method.integration = integration;
        return toIntegration(integration);
      },
    },
    {
      name: 'GetIntegration',
      http: { method: 'GET', path: INTEGRATION_PATH },
      handler: (input, ctx) => toIntegration(getIntegration(methodOf(input, ctx.region))),
    },
    {
      name: 'DeleteIntegration',
      http: { method: 'DELETE', path: INTEGRATION_PATH, status: 204 },
      handler(input, ctx) {
        const method = methodOf(input, ctx.region);
        getIntegration(method);
        method.integration = undefined;
      },
    },
    {
      name: 'PutIntegrationResponse',
      http: { method: 'PUT', path: `${INTEGRATION_PATH}/responses/{statusCode}`, status: 201 },
      handler(input, ctx) {
        const method = methodOf(input, ctx.region);
        const integration = getIntegration(method);
        const statusCode = param(input, 'statusCode');
        // An integration response maps onto a method response that must already exist.
        if (!method.methodResponses[statusCode]) throw responseNotFound();
        const response = {
          statusCode,
          selectionPattern: optionalString(input.selectionPattern),
          responseParameters: input.responseParameters === undefined ? undefined : readStringMap(input.responseParameters),
          responseTemplates: input.responseTemplates === undefined ? undefined : readStringMap(input.responseTemplates),
          contentHandling: optionalString(input.contentHandling),
        };
        integration.integrationResponses[statusCode] = response;
        return toIntegrationResponse(response);
      },
    },
    {
      name: 'GetIntegrationResponse',
      http: { method: 'GET', path: `${INTEGRATION_PATH}/responses/{statusCode}` },
      handler(input, ctx) {
        const response = getIntegration(methodOf(input, ctx.region)).integrationResponses[param(input, 'statusCode')];
        if (!response) throw notFound('Invalid Response status code specified');
        return toIntegrationResponse(response);
      },
    },
    {
      name: 'DeleteIntegrationResponse',
      http: { method: 'DELETE', path: `${INTEGRATION_PATH}/responses/{statusCode}`, status: 204 },
      handler(input, ctx) {
        const integration = getIntegration(methodOf(input, ctx.region));
        const statusCode = param(input, 'statusCode');
        if (!integration.integrationResponses[statusCode]) throw notFound('Invalid Response status code specified');
        delete integration.integrationResponses[statusCode];
      },
    },
  ];
}

/**
 * PutIntegration's checks, in the order and with the messages of localstack's provider
 * (`put_integration`, snapshot-tested against AWS). An unknown type is a coral
 * ValidationException, not a BadRequestException.
 */
function validateIntegration(input: Record<string, unknown>): IntegrationType {
  const type = input.type;
  if (type === undefined || type === null || type === '') throw missing('putIntegrationInput', 'type');
  if (!(INTEGRATION_TYPES as readonly unknown[]).includes(type)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(type)}' at 'putIntegrationInput.type' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]',
      { status: 400 },
    );
  }
  const integrationType = type as IntegrationType;
  if (integrationType === 'AWS' || integrationType === 'AWS_PROXY') {
    if (!input.httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
    const uri = typeof input.uri === 'string' ? input.uri : '';
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
    if (typeof input.uri !== 'string' || !/^https?:\/\/[^/]+/.test(input.uri)) {
      throw badRequest('Invalid HTTP endpoint specified for URI');
    }
  }
  return integrationType;
}
