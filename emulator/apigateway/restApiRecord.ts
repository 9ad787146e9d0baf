import { ServiceError } from '../protocol/ServiceError.ts';
import { badRequest, conflict } from './errors.ts';
import type { ModelRecord, RestApiRecord } from './model.ts';
import { randomId, type ApiGatewayStore } from './store.ts';

/** What creating an API needs of the store; ImportRestApi passes one that defers `add`. */
export type ApiIdRegistry = Pick<ApiGatewayStore, 'has' | 'newApiId' | 'add'>;

/**
 * LocalStack's tag that chooses the id of a new API (localstack-docs `aws/services/apigateway.mdx`):
 * honoured only by CreateRestApi, never by TagResource or UpdateRestApi.
 */
export const CUSTOM_ID_TAG = '_custom_id_';

export const ENDPOINT_TYPES = ['PRIVATE', 'EDGE', 'REGIONAL'] as const;

/** What CreateRestApi and ImportRestApi both build an API from. */
export interface RestApiFields {
  name: string;
  description?: string;
  version?: string;
  apiKeySource?: string;
  endpointConfiguration?: unknown;
  disableExecuteApiEndpoint?: boolean;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: unknown;
  policy?: string;
  tags: Record<string, string>;
  /** Imported APIs start without the `Empty` and `Error` models. */
  defaultModels: boolean;
}

/**
 * Endpoint configuration as AWS checks it (docs/fidelity/apigateway.md): no types → EDGE; an
 * empty list or more than one type is a BadRequestException; an unknown type or IP address
 * type a ValidationException; PRIVATE defaults to, and only accepts, `dualstack`.
 */
export function checkEndpointConfiguration(value: unknown, operationInput: string): RestApiRecord['endpointConfiguration'] {
  const config = (value ?? {}) as { types?: unknown; ipAddressType?: unknown; vpcEndpointIds?: unknown };
  const types =
    config.types === undefined || config.types === null ? ['EDGE'] : Array.isArray(config.types) ? config.types.map(String) : [];
  if (types.length === 0) throw badRequest('REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.');
  if (types.length > 1) throw badRequest('Cannot create an api with multiple Endpoint Types.');
  const type = types[0]!;
  const errors: string[] = [];
  let ipAddressType = typeof config.ipAddressType === 'string' ? config.ipAddressType : undefined;
  if (!(ENDPOINT_TYPES as readonly string[]).includes(type)) {
    errors.push(
      `Value '[${type}]' at '${operationInput}.endpointConfiguration.types' failed to satisfy constraint: ` +
        'Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]',
    );
  } else if (!ipAddressType) {
    ipAddressType = type === 'PRIVATE' ? 'dualstack' : 'ipv4';
  }
  if (ipAddressType !== undefined && ipAddressType !== 'ipv4' && ipAddressType !== 'dualstack') {
    errors.push(
      `Value '${ipAddressType}' at '${operationInput}.endpointConfiguration.ipAddressType' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [ipv4, dualstack]',
    );
  }
  if (errors.length > 0) {
    const prefix = `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: `;
    throw new ServiceError('ValidationException', prefix + errors.join('; '), { status: 400 });
  }
  if (type === 'PRIVATE' && ipAddressType === 'ipv4') throw badRequest('Only dualstack ipAddressType is supported for Private APIs.');
  const vpcEndpointIds = Array.isArray(config.vpcEndpointIds) ? config.vpcEndpointIds.map(String) : undefined;
  return { types, ipAddressType, ...(vpcEndpointIds ? { vpcEndpointIds } : {}) };
}

export function checkCompressionSize(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10485760) {
    throw badRequest('Invalid minimum compression size, must be between 0 and 10485760');
  }
  return value;
}

/** The two models every API created by CreateRestApi starts with. */
export function defaultModels(): Map<string, ModelRecord> {
  const schema = (title: string, body: string) =>
    `{\n  "$schema": "http://json-schema.org/draft-04/schema#",\n  "title" : "${title}",\n${body}}`;
  return new Map([
    [
      'Empty',
      {
        id: randomId(6),
        name: 'Empty',
        description: 'This is a default empty schema model',
        contentType: 'application/json',
        schema: schema('Empty Schema', '  "type" : "object"\n'),
      },
    ],
    [
      'Error',
      {
        id: randomId(6),
        name: 'Error',
        description: 'This is a default error schema model',
        contentType: 'application/json',
        schema: schema('Error Schema', '  "type" : "object",\n  "properties" : {\n    "message" : { "type" : "string" }\n  }\n'),
      },
    ],
  ]);
}

/** Checks the fields in AWS's order and adds the new API to the store. */
export function createRestApiRecord(
  store: ApiIdRegistry,
  now: number,
  region: string,
  fields: RestApiFields,
  operationInput: string,
): RestApiRecord {
  const endpointConfiguration = checkEndpointConfiguration(fields.endpointConfiguration, operationInput);
  if (fields.description === '') throw badRequest('Description cannot be an empty string');
  const minimumCompressionSize = checkCompressionSize(fields.minimumCompressionSize);
  const customId = fields.tags[CUSTOM_ID_TAG];
  if (customId !== undefined) {
    if (!/^[A-Za-z0-9_-]+$/.test(customId)) throw badRequest(`Invalid ${CUSTOM_ID_TAG} specified: ${customId}`);
    // Ids are global (the data plane finds an API by id alone), so a custom id taken in any
    // region conflicts.
    if (store.has(customId)) throw conflict(`A REST API with the id ${customId} already exists`);
  }
  const rootResourceId = randomId(10);
  const api: RestApiRecord = {
    id: customId ?? store.newApiId(),
    region,
    name: fields.name,
    description: fields.description,
    version: fields.version,
    createdDate: now,
    apiKeySource: fields.apiKeySource ?? 'HEADER',
    endpointConfiguration,
    disableExecuteApiEndpoint: fields.disableExecuteApiEndpoint === true,
    binaryMediaTypes: fields.binaryMediaTypes && fields.binaryMediaTypes.length > 0 ? fields.binaryMediaTypes : undefined,
    minimumCompressionSize,
    policy: fields.policy,
    tags: fields.tags,
    rootResourceId,
    resources: new Map([[rootResourceId, { id: rootResourceId, path: '/', methods: {} }]]),
    deployments: new Map(),
    stages: new Map(),
    authorizers: new Map(),
    requestValidators: new Map(),
    gatewayResponses: new Map(),
    models: fields.defaultModels ? defaultModels() : new Map(),
  };
  store.add(api);
  return api;
}
