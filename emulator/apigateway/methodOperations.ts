import { Type } from '@sinclair/typebox';
import { Maybe, StringMap } from '../typedInput.ts';
import { defineOperation, type Operation, type PathLabels } from '../types.ts';
import {
  badRequest,
  checkStatusCode,
  invalidAuthorizer,
  invalidModel,
  invalidValidator,
  methodNotFound,
  notFound,
  requireString,
  responseNotFound,
} from './errors.ts';
import { HTTP_METHODS, type MethodRecord, type MethodResponseRecord, type RestApiRecord } from './model.ts';
import { checkOp, patchBoolean, patchMap, readPatchOperations, unescapePointer, type PatchOperation } from './patch.ts';
import { getResource } from './resourceOperations.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { toMethod, toMethodResponse } from './shapes.ts';
import { defineTypedOperation } from './typedOperation.ts';

/** `method.request.querystring.q` → whether it is required (PutMethod), or whether a header is (PutMethodResponse). */
const BooleanMap = Type.Record(Type.String(), Type.Boolean());

/** PutMethod's body; `authorizationType` is required, with AWS's message when it is absent. */
const PutMethodBody = Type.Object({
  authorizationType: Maybe(Type.String()),
  authorizerId: Maybe(Type.String()),
  apiKeyRequired: Maybe(Type.Boolean()),
  operationName: Maybe(Type.String()),
  requestParameters: Maybe(BooleanMap),
  requestModels: Maybe(StringMap),
  requestValidatorId: Maybe(Type.String()),
  authorizationScopes: Maybe(Type.Array(Type.String())),
});

const PutMethodResponseBody = Type.Object({ responseParameters: Maybe(BooleanMap), responseModels: Maybe(StringMap) });

/**
 * Path templates name the method's verb `{method}`, not `{httpMethod}`: PutIntegration's body
 * has its own `httpMethod` (the SDK's integrationHttpMethod) and path parameters would
 * overwrite it when the gateway merges them into the input.
 */
export const METHOD_PATH = '/restapis/{restApiId}/resources/{resourceId}/methods/{method}';

export function getMethod(api: RestApiRecord, resourceId: string, httpMethod: string): MethodRecord {
  const method = getResource(api, resourceId).methods[httpMethod];
  if (!method) throw methodNotFound();
  return method;
}

export function methodOperations({ store }: ApiGatewayContext): Operation[] {
  const methodOf = (input: PathLabels<typeof METHOD_PATH>, region: string) =>
    getMethod(store.getForResource(region, input.restApiId), input.resourceId, input.method);

  return [
    defineTypedOperation({
      name: 'PutMethod',
      http: { method: 'PUT', path: METHOD_PATH, status: 201 },
      body: PutMethodBody,
      handler(input, ctx) {
        const api = store.getForResource(ctx.region, input.restApiId);
        const resource = getResource(api, input.resourceId);
        const httpMethod = input.method;
        if (!(HTTP_METHODS as readonly string[]).includes(httpMethod)) {
          throw badRequest('Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY');
        }
        const authorizationType = requireString(input.authorizationType, 'putMethodInput', 'authorizationType').toUpperCase();
        const requestParameters = input.requestParameters ?? undefined;
        if (requestParameters) {
          const names = new Set(Object.keys(requestParameters).map((k) => k.slice(k.lastIndexOf('.') + 1)));
          if (names.size !== Object.keys(requestParameters).length) {
            throw badRequest('Parameter names must be unique across querystring, header and path');
          }
        }
        const authorizerId = input.authorizerId ?? undefined;
        if (
          (authorizationType === 'CUSTOM' || authorizationType === 'COGNITO_USER_POOLS') &&
          !(authorizerId && api.authorizers.has(authorizerId))
        ) {
          throw invalidAuthorizer();
        }
        const requestValidatorId = input.requestValidatorId ?? undefined;
        if (requestValidatorId && !api.requestValidators.has(requestValidatorId)) throw invalidValidator();
        const requestModels = input.requestModels ?? undefined;
        for (const model of Object.values(requestModels ?? {})) if (!api.models.has(model) && model !== 'Empty') throw invalidModel(model);
        // PutMethod replaces the method, integration and responses included, as on AWS.
        const method: MethodRecord = {
          httpMethod,
          authorizationType,
          authorizerId,
          apiKeyRequired: input.apiKeyRequired === true,
          operationName: input.operationName ?? undefined,
          requestParameters,
          requestModels,
          requestValidatorId,
          authorizationScopes: input.authorizationScopes ?? undefined,
          methodResponses: {},
        };
        resource.methods[httpMethod] = method;
        return toMethod(method);
      },
    }),
    defineOperation({
      name: 'GetMethod',
      http: { method: 'GET', path: METHOD_PATH },
      handler: (input, ctx) => toMethod(methodOf(input, ctx.region)),
    }),
    defineOperation({
      name: 'UpdateMethod',
      http: { method: 'PATCH', path: METHOD_PATH },
      handler(input, ctx) {
        const api = store.getForResource(ctx.region, input.restApiId);
        const method = methodOf(input, ctx.region);
        const next = { ...method };
        for (const op of readPatchOperations(input, 'updateMethodInput')) applyMethodPatch(next, op);
        if (next.requestValidatorId && !api.requestValidators.has(next.requestValidatorId)) throw invalidValidator();
        if (
          (next.authorizationType === 'CUSTOM' || next.authorizationType === 'COGNITO_USER_POOLS') &&
          !(next.authorizerId && api.authorizers.has(next.authorizerId))
        ) {
          throw invalidAuthorizer();
        }
        for (const model of Object.values(next.requestModels ?? {}))
          if (!api.models.has(model) && model !== 'Empty') throw invalidModel(model);
        Object.assign(method, next);
        return toMethod(method);
      },
    }),
    defineOperation({
      name: 'DeleteMethod',
      http: { method: 'DELETE', path: METHOD_PATH, status: 204 },
      handler(input, ctx) {
        const api = store.getForResource(ctx.region, input.restApiId);
        const resource = getResource(api, input.resourceId);
        const httpMethod = input.method;
        if (!resource.methods[httpMethod]) throw methodNotFound();
        delete resource.methods[httpMethod];
      },
    }),
    defineTypedOperation({
      name: 'PutMethodResponse',
      http: { method: 'PUT', path: `${METHOD_PATH}/responses/{statusCode}`, status: 201 },
      body: PutMethodResponseBody,
      handler(input, ctx) {
        const statusCode = input.statusCode;
        checkStatusCode(statusCode);
        const method = methodOf(input, ctx.region);
        const response = {
          statusCode,
          responseParameters: input.responseParameters ?? undefined,
          responseModels: input.responseModels ?? undefined,
        };
        method.methodResponses[statusCode] = response;
        return toMethodResponse(response);
      },
    }),
    defineOperation({
      name: 'GetMethodResponse',
      http: { method: 'GET', path: `${METHOD_PATH}/responses/{statusCode}` },
      handler(input, ctx) {
        checkStatusCode(input.statusCode);
        const response = methodOf(input, ctx.region).methodResponses[input.statusCode];
        if (!response) throw responseNotFound();
        return toMethodResponse(response);
      },
    }),
    defineOperation({
      name: 'UpdateMethodResponse',
      http: { method: 'PATCH', path: `${METHOD_PATH}/responses/{statusCode}`, status: 201 },
      handler(input, ctx) {
        const ops = readPatchOperations(input, 'updateMethodResponseInput');
        checkStatusCode(input.statusCode);
        const response = methodOf(input, ctx.region).methodResponses[input.statusCode];
        if (!response) throw responseNotFound();
        const next = { ...response };
        for (const op of ops) applyMethodResponsePatch(next, op);
        Object.assign(response, next);
        return toMethodResponse(response);
      },
    }),
    defineOperation({
      name: 'DeleteMethodResponse',
      http: { method: 'DELETE', path: `${METHOD_PATH}/responses/{statusCode}`, status: 204 },
      handler(input, ctx) {
        const statusCode = input.statusCode;
        checkStatusCode(statusCode);
        const method = methodOf(input, ctx.region);
        if (!method.methodResponses[statusCode]) throw responseNotFound();
        delete method.methodResponses[statusCode];
      },
    }),
  ];
}

/** Paths UpdateMethod accepts per op (localstack `UPDATE_METHOD_PATCH_PATHS`, from AWS responses). */
const PATCH_PATHS: Record<string, string[]> = {
  add: ['/authorizationScopes', '/requestParameters/', '/requestModels/'],
  remove: ['/authorizationScopes', '/requestParameters/', '/requestModels/'],
  replace: [
    '/authorizationType',
    '/authorizerId',
    '/apiKeyRequired',
    '/operationName',
    '/requestParameters/',
    '/requestModels/',
    '/requestValidatorId',
  ],
};
const SUPPORTED_PATHS = [...new Set(Object.values(PATCH_PATHS).flat())];

/**
 * The seed tutorial's `update-method --patch-operations
 * op=replace,path=/requestParameters/method.request.querystring.param,value=true` lands here:
 * `replace` on a request parameter that does not exist yet adds it, as on AWS.
 */
function applyMethodPatch(method: MethodRecord, op: PatchOperation): void {
  const { path } = op;
  if (path.split('/').length > 3 || !SUPPORTED_PATHS.some((p) => path.startsWith(p))) {
    throw badRequest(`Invalid patch path ${path}`);
  }
  if (!(PATCH_PATHS[op.op] ?? []).some((p) => path.startsWith(p))) {
    const others = ['add', 'replace', 'remove'].filter((o) => o !== op.op && PATCH_PATHS[o]!.some((p) => path.startsWith(p)));
    throw badRequest(`Invalid patch operation specified. Must be one of: [${others.join(', ')}]`);
  }
  if (path.startsWith('/requestParameters/')) {
    const key = unescapePointer(path.slice('/requestParameters/'.length));
    method.requestParameters = patchMap(method.requestParameters, op, key, patchBoolean(op.value));
  } else if (path.startsWith('/requestModels/')) {
    const key = unescapePointer(path.slice('/requestModels/'.length));
    method.requestModels = patchMap(method.requestModels, op, key, op.value ?? '');
  } else if (path === '/authorizationScopes') {
    const scopes = new Set(method.authorizationScopes ?? []);
    if (op.op === 'add' && op.value) scopes.add(op.value);
    if (op.op === 'remove' && op.value) scopes.delete(op.value);
    method.authorizationScopes = scopes.size > 0 ? [...scopes] : undefined;
  } else if (path === '/authorizationType') {
    method.authorizationType = (op.value ?? 'NONE').toUpperCase();
  } else if (path === '/apiKeyRequired') {
    method.apiKeyRequired = patchBoolean(op.value);
  } else if (path === '/authorizerId') {
    method.authorizerId = op.value || undefined;
  } else if (path === '/operationName') {
    method.operationName = op.value || undefined;
  } else if (path === '/requestValidatorId') {
    method.requestValidatorId = op.value || undefined;
  }
}

/**
 * UpdateMethodResponse: `/responseParameters/{name}` and `/responseModels/{type}` take add,
 * replace and remove; replacing or removing one that is not there is a NotFoundException.
 */
function applyMethodResponsePatch(response: MethodResponseRecord, op: PatchOperation): void {
  const [, member, rawKey] = /^\/(responseParameters|responseModels)\/(.+)$/.exec(op.path) ?? [];
  if (!member || !rawKey) throw badRequest(`Invalid patch path ${op.path}`);
  checkOp(op, ['add', 'replace', 'remove']);
  const key = unescapePointer(rawKey);
  if (member === 'responseParameters') {
    if (op.op !== 'add' && !(key in (response.responseParameters ?? {}))) throw notFound('Invalid parameter name specified');
    response.responseParameters = patchMap(response.responseParameters, op, key, patchBoolean(op.value));
  } else {
    if (op.op !== 'add' && !(key in (response.responseModels ?? {}))) throw notFound('Content-Type specified was not found');
    response.responseModels = patchMap(response.responseModels, op, key, op.value ?? '');
  }
}
