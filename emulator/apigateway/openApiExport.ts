import { lazyRequire } from '../lazyRequire.ts';
import type { AuthorizerRecord, IntegrationRecord, MethodRecord, ResourceRecord, RestApiRecord } from './model.ts';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export interface ExportOptions {
  /** `swagger` (2.0) or `oas30`. */
  exportType: 'swagger' | 'oas30';
  stageName: string;
  /** With the `x-amazon-apigateway-*` extensions (`extensions=apigateway` or `integrations`). */
  extensions: boolean;
  yaml: boolean;
}

/**
 * GetExport: the stage's deployment as a Swagger 2.0 or OpenAPI 3.0.1 definition that
 * ImportRestApi reads back (paths, parameters, responses, and with extensions the
 * integrations and authorizers).
 */
export function exportDefinition(
  api: RestApiRecord,
  resources: readonly ResourceRecord[],
  authorizers: readonly AuthorizerRecord[],
  o: ExportOptions,
): string {
  const oas3 = o.exportType === 'oas30';
  const host = `${api.id}.execute-api.${api.region}.amazonaws.com`;
  const info = {
    version: api.version ?? new Date(api.createdDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    title: api.name,
    ...(api.description ? { description: api.description } : {}),
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const resource of [...resources].sort((a, b) => a.path.localeCompare(b.path))) {
    const methods = Object.values(resource.methods);
    if (methods.length === 0) continue;
    paths[resource.path] = Object.fromEntries(
      methods.map((m) => [
        m.httpMethod === 'ANY' ? 'x-amazon-apigateway-any-method' : m.httpMethod.toLowerCase(),
        exportMethod(m, authorizers, o.extensions, oas3),
      ]),
    );
  }
  const schemes = o.extensions ? securitySchemes(authorizers) : {};
  const models = Object.fromEntries([...api.models.values()].filter((m) => m.schema).map((m) => [m.name, safeJson(m.schema!)]));
  const doc: Record<string, unknown> = oas3
    ? {
        openapi: '3.0.1',
        info,
        servers: [{ url: `https://${host}/{basePath}`, variables: { basePath: { default: o.stageName } } }],
        paths,
        components: {
          ...(Object.keys(models).length > 0 ? { schemas: models } : {}),
          ...(Object.keys(schemes).length > 0 ? { securitySchemes: schemes } : {}),
        },
      }
    : {
        swagger: '2.0',
        info,
        host,
        basePath: `/${o.stageName}`,
        schemes: ['https'],
        paths,
        ...(Object.keys(schemes).length > 0 ? { securityDefinitions: schemes } : {}),
        ...(Object.keys(models).length > 0 ? { definitions: models } : {}),
      };
  if (o.extensions && api.binaryMediaTypes) doc['x-amazon-apigateway-binary-media-types'] = api.binaryMediaTypes;
  return o.yaml ? yaml().stringify(doc) : JSON.stringify(doc, null, 2);
}

function exportMethod(
  m: MethodRecord,
  authorizers: readonly AuthorizerRecord[],
  extensions: boolean,
  oas3: boolean,
): Record<string, unknown> {
  const parameters = Object.entries(m.requestParameters ?? {}).map(([key, required]) => {
    const [, where, name] = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(key) ?? [];
    const location = where === 'querystring' ? 'query' : where;
    return {
      name,
      in: location,
      required: where === 'path' ? true : required,
      ...(oas3 ? { schema: { type: 'string' } } : { type: 'string' }),
    };
  });
  const responses = Object.fromEntries(
    Object.values(m.methodResponses).map((r) => {
      const headers = Object.keys(r.responseParameters ?? {}).map((k) => k.replace(/^method\.response\.header\./, ''));
      const headerSpec = Object.fromEntries(headers.map((h) => [h, oas3 ? { schema: { type: 'string' } } : { type: 'string' }]));
      return [
        r.statusCode,
        {
          description: `${r.statusCode} response`,
          ...(headers.length > 0 ? { headers: headerSpec } : {}),
          ...(oas3 ? { content: {} } : {}),
        },
      ];
    }),
  );
  const authorizer = m.authorizerId ? authorizers.find((a) => a.id === m.authorizerId) : undefined;
  return {
    ...(m.operationName ? { operationId: m.operationName } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
    ...(authorizer && extensions ? { security: [{ [authorizer.name]: [] }] } : {}),
    ...(m.integration && extensions ? { 'x-amazon-apigateway-integration': exportIntegration(m.integration) } : {}),
  };
}

function exportIntegration(i: IntegrationRecord): Record<string, unknown> {
  const responses = Object.fromEntries(
    Object.values(i.integrationResponses).map((r) => [
      r.selectionPattern || 'default',
      {
        statusCode: r.statusCode,
        ...(r.responseParameters ? { responseParameters: r.responseParameters } : {}),
        ...(r.responseTemplates ? { responseTemplates: r.responseTemplates } : {}),
      },
    ]),
  );
  return {
    type: i.type.toLowerCase(),
    ...(i.httpMethod ? { httpMethod: i.httpMethod } : {}),
    ...(i.uri ? { uri: i.uri } : {}),
    ...(Object.keys(responses).length > 0 ? { responses } : {}),
    ...(i.requestParameters ? { requestParameters: i.requestParameters } : {}),
    ...(i.requestTemplates ? { requestTemplates: i.requestTemplates } : {}),
    passthroughBehavior: i.passthroughBehavior.toLowerCase(),
    timeoutInMillis: i.timeoutInMillis,
  };
}

function securitySchemes(authorizers: readonly AuthorizerRecord[]): Record<string, unknown> {
  return Object.fromEntries(
    authorizers.map((a) => {
      const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? '')?.[1] ?? 'Unused';
      return [
        a.name,
        {
          type: 'apiKey',
          name: header,
          in: 'header',
          'x-amazon-apigateway-authtype': a.authType ?? 'custom',
          'x-amazon-apigateway-authorizer': {
            type: a.type.toLowerCase(),
            ...(a.authorizerUri ? { authorizerUri: a.authorizerUri } : {}),
            ...(a.identitySource ? { identitySource: a.identitySource } : {}),
            authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
          },
        },
      ];
    }),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
