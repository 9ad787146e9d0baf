import { Type } from '@sinclair/typebox';
import type { EmulatorClock } from '../clock.ts';
import { HandlerChecked, Maybe, StringMap } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, requireString } from './errors.ts';
import type { RestApiRecord } from './model.ts';
import { checkOp, patchBoolean, readPatchOperations, unescapePointer, type PatchOperation } from './patch.ts';
import { ENDPOINT_TYPES, checkCompressionSize, createRestApiRecord } from './restApiRecord.ts';
import { toRestApi } from './shapes.ts';
import type { ApiGatewayStore } from './store.ts';
import { defineTypedOperation } from './typedOperation.ts';

/**
 * CreateRestApi's body. `endpointConfiguration` and `minimumCompressionSize` keep AWS's own
 * messages (restApiRecord.ts checks them, for ImportRestApi too); `name` is required, with
 * AWS's message when it is absent.
 */
const CreateRestApiBody = Type.Object({
  name: Maybe(Type.String()),
  description: Maybe(Type.String()),
  version: Maybe(Type.String()),
  apiKeySource: Maybe(Type.String()),
  endpointConfiguration: HandlerChecked(),
  disableExecuteApiEndpoint: Maybe(Type.Boolean()),
  binaryMediaTypes: Maybe(Type.Array(Type.String())),
  minimumCompressionSize: HandlerChecked(),
  policy: Maybe(Type.String()),
  tags: Maybe(StringMap),
});

/** What every group of control-plane operations works on. */
export interface ApiGatewayContext {
  store: ApiGatewayStore;
  clock: EmulatorClock;
}

export function restApiOperations({ store, clock }: ApiGatewayContext): Operation[] {
  return [
    defineTypedOperation({
      name: 'CreateRestApi',
      http: { method: 'POST', path: '/restapis', status: 201 },
      body: CreateRestApiBody,
      handler(input, ctx) {
        const name = requireString(input.name, 'createRestApiInput', 'name');
        const api = createRestApiRecord(
          store,
          clock.now(),
          ctx.region,
          {
            name,
            description: input.description ?? undefined,
            version: input.version ?? undefined,
            apiKeySource: input.apiKeySource ?? undefined,
            endpointConfiguration: input.endpointConfiguration,
            disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
            binaryMediaTypes: input.binaryMediaTypes ?? undefined,
            minimumCompressionSize: input.minimumCompressionSize,
            policy: input.policy ?? undefined,
            tags: input.tags ?? {},
            defaultModels: true,
          },
          'createRestApiInput',
        );
        return toRestApi(api);
      },
    }),
    defineOperation({
      name: 'GetRestApis',
      http: { method: 'GET', path: '/restapis' },
      // The wire name of `items` is `item` (jsonName in the model).
      handler: (_input, ctx) => ({ item: store.list(ctx.region).map(toRestApi) }),
    }),
    defineOperation({
      name: 'GetRestApi',
      http: { method: 'GET', path: '/restapis/{restApiId}' },
      handler: (input, ctx) => toRestApi(store.get(ctx.region, input.restApiId)),
    }),
    defineOperation({
      name: 'UpdateRestApi',
      http: { method: 'PATCH', path: '/restapis/{restApiId}' },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        // All or nothing: patch a copy, keep it only when every operation applied.
        const next: RestApiRecord = { ...api, endpointConfiguration: { ...api.endpointConfiguration } };
        for (const op of readPatchOperations(input, 'updateRestApiInput')) applyRestApiPatch(next, op);
        Object.assign(api, next);
        return toRestApi(api);
      },
    }),
    defineOperation({
      name: 'DeleteRestApi',
      http: { method: 'DELETE', path: '/restapis/{restApiId}', status: 202 },
      handler(input, ctx) {
        store.delete(store.get(ctx.region, input.restApiId));
      },
    }),
  ];
}

/**
 * UpdateRestApi's paths (AWS's patch-operations table): `/binaryMediaTypes/{type}` takes add,
 * remove and replace (a replace removes the old type and appends the new one, as AWS does);
 * `/endpointConfiguration/types/{current}` and the scalar members take replace only.
 */
function applyRestApiPatch(api: RestApiRecord, op: PatchOperation): void {
  const { path, value } = op;
  if (path.startsWith('/binaryMediaTypes/')) {
    checkOp(op, ['add', 'remove', 'replace']);
    const type = unescapePointer(path.slice('/binaryMediaTypes/'.length));
    const types = (api.binaryMediaTypes ?? []).filter((t) => t !== type);
    if (op.op === 'add') types.push(type);
    if (op.op === 'replace') {
      if (!api.binaryMediaTypes?.includes(type)) throw badRequest(`Invalid patch path ${path}`);
      if (value) types.push(value);
    }
    api.binaryMediaTypes = types.length > 0 ? types : undefined;
    return;
  }
  if (path === '/binaryMediaTypes') throw badRequest(`Invalid patch path ${path}`);
  checkOp(op, ['replace']);
  if (path.startsWith('/endpointConfiguration/types')) {
    if (!value || !(ENDPOINT_TYPES as readonly string[]).includes(value)) {
      throw badRequest('Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE');
    }
    api.endpointConfiguration.types = [value];
    if (value === 'PRIVATE') api.endpointConfiguration.ipAddressType = 'dualstack';
    return;
  }
  switch (path) {
    case '/endpointConfiguration/ipAddressType':
      if (value !== 'ipv4' && value !== 'dualstack') throw badRequest('ipAddressType must be either ipv4 or dualstack.');
      if (value === 'ipv4' && api.endpointConfiguration.types.includes('PRIVATE')) {
        throw badRequest('Only dualstack ipAddressType is supported for Private APIs.');
      }
      api.endpointConfiguration.ipAddressType = value;
      return;
    case '/name':
      if (!value) throw badRequest('Invalid REST API name specified');
      api.name = value;
      return;
    case '/description':
      api.description = value || undefined;
      return;
    case '/version':
      api.version = value || undefined;
      return;
    case '/apiKeySource':
      api.apiKeySource = value ?? 'HEADER';
      return;
    case '/disableExecuteApiEndpoint':
      api.disableExecuteApiEndpoint = patchBoolean(value);
      return;
    case '/policy':
      api.policy = value || undefined;
      return;
    case '/minimumCompressionSize': {
      const size = value ? Number(value) : undefined;
      api.minimumCompressionSize = size === undefined ? undefined : checkCompressionSize(Number.isNaN(size) ? -1 : size);
      return;
    }
    default:
      throw badRequest(`Invalid patch path ${path}`);
  }
}
