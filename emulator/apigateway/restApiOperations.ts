import type { EmulatorClock } from '../clock.ts';
import type { Operation, OperationInput } from '../types.ts';
import { badRequest, conflict, requireString } from './errors.ts';
import type { RestApiRecord } from './model.ts';
import { patchBoolean, readPatchOperations } from './patch.ts';
import { toRestApi } from './shapes.ts';
import { randomId, type ApiGatewayStore } from './store.ts';

/** What every group of control-plane operations works on. */
export interface ApiGatewayContext {
  store: ApiGatewayStore;
  clock: EmulatorClock;
}

/**
 * LocalStack's tag that chooses the id of a new API (localstack-docs `aws/services/apigateway.mdx`):
 * honoured only by CreateRestApi, never by TagResource or UpdateRestApi.
 */
export const CUSTOM_ID_TAG = '_custom_id_';

export function restApiOperations({ store, clock }: ApiGatewayContext): Operation[] {
  return [
    {
      name: 'CreateRestApi',
      http: { method: 'POST', path: '/restapis', status: 201 },
      handler(input, ctx) {
        const name = requireString(input.name, 'createRestApiInput', 'name');
        if (input.description === '') throw badRequest('Description cannot be an empty string');
        const tags = readStringMap(input.tags);
        const customId = tags[CUSTOM_ID_TAG];
        if (customId !== undefined) {
          if (!/^[A-Za-z0-9_-]+$/.test(customId)) throw badRequest(`Invalid ${CUSTOM_ID_TAG} specified: ${customId}`);
          // Ids are global (the data plane finds an API by id alone), so a custom id taken in
          // any region conflicts.
          if (store.has(customId)) throw conflict(`A REST API with the id ${customId} already exists`);
        }
        const minimumCompressionSize = input.minimumCompressionSize;
        if (
          minimumCompressionSize !== undefined &&
          (typeof minimumCompressionSize !== 'number' || minimumCompressionSize < 0 || minimumCompressionSize > 10485760)
        ) {
          throw badRequest('Invalid minimum compression size, must be between 0 and 10485760');
        }
        const now = clock.now();
        const rootResourceId = randomId(10);
        const endpoint = (input.endpointConfiguration ?? {}) as { types?: unknown; ipAddressType?: unknown };
        const api: RestApiRecord = {
          id: customId ?? store.newApiId(),
          region: ctx.region,
          name,
          description: optionalString(input.description),
          version: optionalString(input.version),
          createdDate: now,
          apiKeySource: optionalString(input.apiKeySource) ?? 'HEADER',
          endpointConfiguration: {
            types: Array.isArray(endpoint.types) && endpoint.types.length > 0 ? endpoint.types.map(String) : ['EDGE'],
            ipAddressType: optionalString(endpoint.ipAddressType) ?? 'ipv4',
          },
          disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
          binaryMediaTypes: Array.isArray(input.binaryMediaTypes) ? input.binaryMediaTypes.map(String) : undefined,
          minimumCompressionSize: minimumCompressionSize as number | undefined,
          policy: optionalString(input.policy),
          tags,
          rootResourceId,
          resources: new Map([[rootResourceId, { id: rootResourceId, path: '/', methods: {} }]]),
          deployments: new Map(),
          stages: new Map(),
        };
        store.add(api);
        return toRestApi(api);
      },
    },
    {
      name: 'GetRestApis',
      http: { method: 'GET', path: '/restapis' },
      // The wire name of `items` is `item` (jsonName in the model).
      handler: (_input, ctx) => ({ item: store.list(ctx.region).map(toRestApi) }),
    },
    {
      name: 'GetRestApi',
      http: { method: 'GET', path: '/restapis/{restApiId}' },
      handler: (input, ctx) => toRestApi(store.get(ctx.region, String(input.restApiId))),
    },
    {
      name: 'UpdateRestApi',
      http: { method: 'PATCH', path: '/restapis/{restApiId}' },
      handler(input, ctx) {
        const api = store.get(ctx.region, String(input.restApiId));
        for (const op of readPatchOperations(input)) applyRestApiPatch(api, op.op, op.path, op.value);
        return toRestApi(api);
      },
    },
    {
      name: 'DeleteRestApi',
      http: { method: 'DELETE', path: '/restapis/{restApiId}', status: 202 },
      handler(input, ctx) {
        store.delete(store.get(ctx.region, String(input.restApiId)));
      },
    },
  ];
}

function applyRestApiPatch(api: RestApiRecord, op: string, path: string, value: string | undefined): void {
  if (op !== 'replace') throw badRequest(`Invalid patch operation specified. Must be one of: [replace]`);
  switch (path) {
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
      if (size !== undefined && !(Number.isInteger(size) && size >= 0 && size <= 10485760)) {
        throw badRequest('Invalid minimum compression size, must be between 0 and 10485760');
      }
      api.minimumCompressionSize = size;
      return;
    }
    default:
      throw badRequest(`Invalid patch path ${path}`);
  }
}

export function readStringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('Invalid map specified');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The operation input's path parameter, always present when the route matched. */
export function param(input: OperationInput, name: string): string {
  return String(input[name]);
}
