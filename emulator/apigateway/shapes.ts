import type {
  DeploymentRecord,
  IntegrationRecord,
  IntegrationResponseRecord,
  MethodRecord,
  MethodResponseRecord,
  ResourceRecord,
  RestApiRecord,
  StageRecord,
} from './model.ts';

/**
 * Wire shapes of the control plane. Optional members are left out rather than sent as null,
 * as AWS does (localstack strips them too: `remove_empty_attributes_from_*`). Dates are Date
 * objects so the restJson serialiser renders epoch seconds.
 */

export function toRestApi(api: RestApiRecord): Record<string, unknown> {
  return compact({
    id: api.id,
    name: api.name,
    description: api.description,
    createdDate: new Date(api.createdDate),
    version: api.version,
    binaryMediaTypes: api.binaryMediaTypes,
    minimumCompressionSize: api.minimumCompressionSize,
    apiKeySource: api.apiKeySource,
    endpointConfiguration: api.endpointConfiguration,
    policy: api.policy,
    tags: Object.keys(api.tags).length > 0 ? api.tags : undefined,
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    rootResourceId: api.rootResourceId,
  });
}

/**
 * Without `embed=methods` AWS lists a resource's methods as empty objects (`{"GET": {}}`);
 * with it, each method in full. A resource without methods has no `resourceMethods`.
 */
export function toResource(resource: ResourceRecord, embedMethods: boolean): Record<string, unknown> {
  const methods = Object.values(resource.methods);
  return compact({
    id: resource.id,
    parentId: resource.parentId,
    pathPart: resource.pathPart,
    path: resource.path,
    resourceMethods:
      methods.length === 0 ? undefined : Object.fromEntries(methods.map((m) => [m.httpMethod, embedMethods ? toMethod(m) : {}])),
  });
}

export function toMethod(method: MethodRecord): Record<string, unknown> {
  const responses = Object.values(method.methodResponses);
  return compact({
    httpMethod: method.httpMethod,
    authorizationType: method.authorizationType,
    authorizerId: method.authorizerId,
    apiKeyRequired: method.apiKeyRequired,
    requestValidatorId: method.requestValidatorId,
    operationName: method.operationName,
    requestParameters: method.requestParameters,
    requestModels: method.requestModels,
    methodResponses: responses.length === 0 ? undefined : Object.fromEntries(responses.map((r) => [r.statusCode, toMethodResponse(r)])),
    methodIntegration: method.integration ? toIntegration(method.integration) : undefined,
    authorizationScopes: method.authorizationScopes,
  });
}

export function toMethodResponse(response: MethodResponseRecord): Record<string, unknown> {
  return compact({ ...response });
}

export function toIntegration(integration: IntegrationRecord): Record<string, unknown> {
  const responses = Object.values(integration.integrationResponses);
  return compact({
    type: integration.type,
    httpMethod: integration.httpMethod,
    uri: integration.uri,
    connectionType: integration.connectionType,
    connectionId: integration.connectionId,
    credentials: integration.credentials,
    requestParameters: integration.requestParameters,
    requestTemplates: integration.requestTemplates,
    passthroughBehavior: integration.passthroughBehavior,
    contentHandling: integration.contentHandling,
    timeoutInMillis: integration.timeoutInMillis,
    cacheNamespace: integration.cacheNamespace,
    cacheKeyParameters: integration.cacheKeyParameters,
    integrationResponses:
      responses.length === 0 ? undefined : Object.fromEntries(responses.map((r) => [r.statusCode, toIntegrationResponse(r)])),
  });
}

export function toIntegrationResponse(response: IntegrationResponseRecord): Record<string, unknown> {
  return compact({ ...response });
}

export function toDeployment(deployment: DeploymentRecord): Record<string, unknown> {
  return compact({ id: deployment.id, description: deployment.description, createdDate: new Date(deployment.createdDate) });
}

export function toStage(stage: StageRecord): Record<string, unknown> {
  return compact({
    deploymentId: stage.deploymentId,
    stageName: stage.stageName,
    description: stage.description,
    cacheClusterEnabled: stage.cacheClusterEnabled,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    variables: stage.variables && Object.keys(stage.variables).length > 0 ? stage.variables : undefined,
    tracingEnabled: stage.tracingEnabled,
    tags: stage.tags && Object.keys(stage.tags).length > 0 ? stage.tags : undefined,
    createdDate: new Date(stage.createdDate),
    lastUpdatedDate: new Date(stage.lastUpdatedDate),
  });
}

function compact(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out;
}
