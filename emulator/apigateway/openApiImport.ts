import { lazyRequire } from '../lazyRequire.ts';
import { badRequest } from './errors.ts';
import {
  HTTP_METHODS,
  INTEGRATION_TYPES,
  type AuthorizerRecord,
  type IntegrationRecord,
  type IntegrationResponseRecord,
  type IntegrationType,
  type MethodRecord,
  type ResourceRecord,
  type RestApiRecord,
} from './model.ts';
import { randomId } from './store.ts';
import { isObject } from './isObject.ts';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

/** A parsed Swagger 2.0 / OpenAPI 3 document; members are read defensively. */
type Doc = Record<string, unknown>;

const invalidInput = () => badRequest('Invalid OpenAPI input.');

/**
 * The body of ImportRestApi / PutRestApi: JSON or YAML, Swagger 2.0 (`swagger: "2.0"`) or
 * OpenAPI 3 (`openapi: 3.x`) with a `paths` object. Anything else is AWS's
 * BadRequestException "Invalid OpenAPI input.".
 */
export function parseDefinition(body: Buffer | undefined): Doc {
  const text = body?.toString('utf8') ?? '';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    try {
      doc = yaml().parse(text);
    } catch {
      throw invalidInput();
    }
  }
  if (!isObject(doc) || !(typeof doc.swagger === 'string' || typeof doc.openapi === 'string') || !isObject(doc.paths)) throw invalidInput();
  return doc;
}

/** `info.title`, the name of an imported API. */
export function definitionTitle(doc: Doc): string {
  const title = isObject(doc.info) ? doc.info.title : undefined;
  if (typeof title !== 'string' || title === '') throw invalidInput();
  return title;
}

/**
 * Builds the API's resources, methods, integrations, authorizers, request validators, gateway
 * responses and models from the definition's paths and `x-amazon-apigateway-*` extensions.
 * `overwrite` (ImportRestApi, PutRestApi mode=overwrite) replaces what the API had; merge
 * (PutRestApi's default) adds to it, a method in the definition replacing the same method.
 */
export function applyDefinition(api: RestApiRecord, doc: Doc, overwrite: boolean): void {
  const info = isObject(doc.info) ? doc.info : {};
  if (typeof info.description === 'string') api.description = info.description;
  if (typeof info.version === 'string') api.version = info.version;
  api.name = typeof info.title === 'string' && info.title ? info.title : api.name;
  const binary = doc['x-amazon-apigateway-binary-media-types'];
  if (Array.isArray(binary)) api.binaryMediaTypes = binary.map(String);
  if (overwrite) {
    const root = api.resources.get(api.rootResourceId)!;
    root.methods = {};
    api.resources = new Map([[root.id, root]]);
    api.authorizers.clear();
    api.requestValidators.clear();
    api.gatewayResponses.clear();
    api.models.clear();
  }
  importModels(api, doc);
  const validatorIds = importValidators(api, doc);
  const authorizers = importAuthorizers(api, doc);
  importGatewayResponses(api, doc);
  const defaultValidator = doc['x-amazon-apigateway-request-validator'];
  for (const [path, item] of Object.entries(doc.paths as Doc)) {
    if (!isObject(item)) continue;
    const resource = ensureResource(api, path);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const [key, operation] of Object.entries(item)) {
      const httpMethod = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase();
      if (!(HTTP_METHODS as readonly string[]).includes(httpMethod) || !isObject(operation)) continue;
      resource.methods[httpMethod] = importMethod(httpMethod, operation, shared, doc, {
        authorizers,
        validatorId: validatorIds.get(String(operation['x-amazon-apigateway-request-validator'] ?? defaultValidator ?? '')),
        resourceId: resource.id,
      });
    }
  }
}

/** The resource for `/a/{b}`, creating it and its missing ancestors. */
function ensureResource(api: RestApiRecord, path: string): ResourceRecord {
  let current = api.resources.get(api.rootResourceId)!;
  for (const part of path.split('/').filter((p) => p !== '')) {
    let child = [...api.resources.values()].find((r) => r.parentId === current.id && r.pathPart === part);
    if (!child) {
      child = {
        id: randomId(10),
        parentId: current.id,
        pathPart: part,
        path: current.path === '/' ? `/${part}` : `${current.path}/${part}`,
        methods: {},
      };
      api.resources.set(child.id, child);
    }
    current = child;
  }
  return current;
}

interface MethodImportContext {
  authorizers: Map<string, AuthorizerRecord | 'apiKey'>;
  validatorId: string | undefined;
  resourceId: string;
}

function importMethod(httpMethod: string, op: Doc, shared: unknown[], doc: Doc, c: MethodImportContext): MethodRecord {
  const requestParameters: Record<string, boolean> = {};
  for (const raw of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
    const p = resolveRef(doc, raw);
    const where = { path: 'path', query: 'querystring', header: 'header' }[String(p.in)];
    if (where && typeof p.name === 'string') requestParameters[`method.request.${where}.${p.name}`] = p.required === true;
  }
  let authorizationType = 'NONE';
  let authorizerId: string | undefined;
  let apiKeyRequired = false;
  const security = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : [];
  for (const requirement of security) {
    for (const name of Object.keys(isObject(requirement) ? requirement : {})) {
      const scheme = c.authorizers.get(name);
      if (scheme === 'apiKey') apiKeyRequired = true;
      else if (scheme) {
        authorizationType = scheme.type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'CUSTOM';
        authorizerId = scheme.id;
      }
    }
  }
  const methodResponses: MethodRecord['methodResponses'] = {};
  for (const [code, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
    if (!/^[1-5]\d\d$/.test(code)) continue;
    const response = resolveRef(doc, raw);
    const headers = isObject(response.headers) ? Object.keys(response.headers) : [];
    methodResponses[code] = {
      statusCode: code,
      ...(headers.length > 0 ? { responseParameters: Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, false])) } : {}),
    };
  }
  const integration = op['x-amazon-apigateway-integration'];
  return {
    httpMethod,
    authorizationType,
    authorizerId,
    apiKeyRequired,
    operationName: typeof op.operationId === 'string' ? op.operationId : undefined,
    requestParameters: Object.keys(requestParameters).length > 0 ? requestParameters : undefined,
    requestValidatorId: c.validatorId,
    methodResponses,
    integration: isObject(integration) ? importIntegration(integration, c.resourceId) : undefined,
  };
}

function importIntegration(x: Doc, resourceId: string): IntegrationRecord {
  const type = String(x.type ?? '').toUpperCase();
  if (!(INTEGRATION_TYPES as readonly string[]).includes(type)) throw invalidInput();
  const integrationResponses: Record<string, IntegrationResponseRecord> = {};
  for (const [pattern, raw] of Object.entries(isObject(x.responses) ? x.responses : {})) {
    if (!isObject(raw) || raw.statusCode === undefined) continue;
    const statusCode = String(raw.statusCode);
    integrationResponses[statusCode] = {
      statusCode,
      ...(pattern === 'default' ? {} : { selectionPattern: pattern }),
      ...(isObject(raw.responseParameters) ? { responseParameters: stringMap(raw.responseParameters) } : {}),
      ...(isObject(raw.responseTemplates) ? { responseTemplates: stringMap(raw.responseTemplates) } : {}),
      ...(typeof raw.contentHandling === 'string' ? { contentHandling: raw.contentHandling } : {}),
    };
  }
  return {
    type: type as IntegrationType,
    httpMethod: typeof x.httpMethod === 'string' ? x.httpMethod.toUpperCase() : undefined,
    uri: type === 'MOCK' || typeof x.uri !== 'string' ? undefined : x.uri,
    connectionType:
      typeof x.connectionType === 'string' ? x.connectionType : type === 'HTTP' || type === 'HTTP_PROXY' ? 'INTERNET' : undefined,
    credentials: typeof x.credentials === 'string' ? x.credentials : undefined,
    requestParameters: isObject(x.requestParameters) ? stringMap(x.requestParameters) : undefined,
    requestTemplates: isObject(x.requestTemplates) ? stringMap(x.requestTemplates) : undefined,
    passthroughBehavior: typeof x.passthroughBehavior === 'string' ? x.passthroughBehavior.toUpperCase() : 'WHEN_NO_MATCH',
    contentHandling: typeof x.contentHandling === 'string' ? x.contentHandling : undefined,
    timeoutInMillis: typeof x.timeoutInMillis === 'number' ? x.timeoutInMillis : 29000,
    cacheNamespace: typeof x.cacheNamespace === 'string' ? x.cacheNamespace : resourceId,
    cacheKeyParameters: Array.isArray(x.cacheKeyParameters) ? x.cacheKeyParameters.map(String) : [],
    integrationResponses,
  };
}

function importModels(api: RestApiRecord, doc: Doc): void {
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(doc.definitions) ? doc.definitions : isObject(components.schemas) ? components.schemas : {};
  for (const [name, schema] of Object.entries(schemas)) {
    api.models.set(name, { id: randomId(6), name, contentType: 'application/json', schema: JSON.stringify(schema) });
  }
}

function importValidators(api: RestApiRecord, doc: Doc): Map<string, string> {
  const ids = new Map<string, string>();
  const validators = doc['x-amazon-apigateway-request-validators'];
  for (const [name, v] of Object.entries(isObject(validators) ? validators : {})) {
    const id = randomId(6);
    const spec = isObject(v) ? v : {};
    api.requestValidators.set(id, {
      id,
      name,
      validateRequestBody: spec.validateRequestBody === true,
      validateRequestParameters: spec.validateRequestParameters === true,
    });
    ids.set(name, id);
  }
  return ids;
}

/** Security schemes: `x-amazon-apigateway-authorizer` ones become authorizers; a plain apiKey scheme means an API key. */
function importAuthorizers(api: RestApiRecord, doc: Doc): Map<string, AuthorizerRecord | 'apiKey'> {
  const components = isObject(doc.components) ? doc.components : {};
  const schemes = isObject(doc.securityDefinitions)
    ? doc.securityDefinitions
    : isObject(components.securitySchemes)
      ? components.securitySchemes
      : {};
  const out = new Map<string, AuthorizerRecord | 'apiKey'>();
  for (const [name, raw] of Object.entries(schemes)) {
    if (!isObject(raw)) continue;
    const x = raw['x-amazon-apigateway-authorizer'];
    if (!isObject(x)) {
      if (raw.type === 'apiKey') out.set(name, 'apiKey');
      continue;
    }
    const type =
      String(x.type ?? 'token').toUpperCase() === 'REQUEST'
        ? 'REQUEST'
        : String(x.type).toLowerCase() === 'cognito_user_pools'
          ? 'COGNITO_USER_POOLS'
          : 'TOKEN';
    const authorizer: AuthorizerRecord = {
      id: randomId(6),
      name,
      type,
      authType: typeof raw['x-amazon-apigateway-authtype'] === 'string' ? raw['x-amazon-apigateway-authtype'] : 'custom',
      authorizerUri: typeof x.authorizerUri === 'string' ? x.authorizerUri : undefined,
      authorizerCredentials: typeof x.authorizerCredentials === 'string' ? x.authorizerCredentials : undefined,
      identitySource:
        typeof x.identitySource === 'string'
          ? x.identitySource
          : type === 'TOKEN' && typeof raw.name === 'string'
            ? `method.request.header.${raw.name}`
            : undefined,
      identityValidationExpression: typeof x.identityValidationExpression === 'string' ? x.identityValidationExpression : undefined,
      providerARNs: Array.isArray(x.providerARNs) ? x.providerARNs.map(String) : undefined,
      authorizerResultTtlInSeconds: typeof x.authorizerResultTtlInSeconds === 'number' ? x.authorizerResultTtlInSeconds : 300,
    };
    api.authorizers.set(authorizer.id, authorizer);
    out.set(name, authorizer);
  }
  return out;
}

function importGatewayResponses(api: RestApiRecord, doc: Doc): void {
  const responses = doc['x-amazon-apigateway-gateway-responses'];
  for (const [responseType, raw] of Object.entries(isObject(responses) ? responses : {})) {
    if (!isObject(raw)) continue;
    api.gatewayResponses.set(responseType, {
      responseType,
      statusCode: raw.statusCode === undefined ? undefined : String(raw.statusCode),
      responseParameters: isObject(raw.responseParameters) ? stringMap(raw.responseParameters) : undefined,
      responseTemplates: isObject(raw.responseTemplates) ? stringMap(raw.responseTemplates) : undefined,
    });
  }
}

/** A `$ref` to `#/...` inside the document, followed once. */
function resolveRef(doc: Doc, value: unknown): Doc {
  if (!isObject(value)) return {};
  const ref = value.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  let target: unknown = doc;
  for (const key of ref.slice(2).split('/')) target = isObject(target) ? target[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isObject(target) ? target : {};
}

function stringMap(value: Doc): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
