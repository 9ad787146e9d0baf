/**
 * API Gateway (REST v1) resources as the emulator keeps them. Field names are the wire names
 * of the API (restJson1, camelCase); times are emulated epoch milliseconds and become epoch
 * seconds on the wire (docs/fidelity/apigateway.md).
 */

export const INTEGRATION_TYPES = ['HTTP', 'MOCK', 'AWS_PROXY', 'HTTP_PROXY', 'AWS'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'ANY'] as const;

export interface MethodResponseRecord {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface IntegrationResponseRecord {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  contentHandling?: string;
}

export interface IntegrationRecord {
  type: IntegrationType;
  /** The integration's own HTTP method (`integrationHttpMethod` in the SDK, `httpMethod` on the wire). */
  httpMethod?: string;
  uri?: string;
  connectionType?: string;
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  passthroughBehavior: string;
  contentHandling?: string;
  timeoutInMillis: number;
  cacheNamespace: string;
  cacheKeyParameters: string[];
  integrationResponses: Record<string, IntegrationResponseRecord>;
}

export interface MethodRecord {
  httpMethod: string;
  authorizationType: string;
  authorizerId?: string;
  apiKeyRequired: boolean;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  requestValidatorId?: string;
  authorizationScopes?: string[];
  methodResponses: Record<string, MethodResponseRecord>;
  integration?: IntegrationRecord;
}

export interface ResourceRecord {
  id: string;
  /** Absent on the root resource. */
  parentId?: string;
  /** Absent on the root resource. */
  pathPart?: string;
  path: string;
  methods: Record<string, MethodRecord>;
}

/** A Lambda authorizer (TOKEN or REQUEST) or a Cognito one (kept, not enforced). */
export interface AuthorizerRecord {
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds: number;
}

export interface RequestValidatorRecord {
  id: string;
  name: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
}

/** A customised gateway response (the defaults live in `gatewayResponseTypes.ts`). */
export interface GatewayResponseRecord {
  responseType: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
}

export interface ModelRecord {
  id: string;
  name: string;
  description?: string;
  schema?: string;
  contentType: string;
}

/**
 * A deployment freezes the API at the moment it is made: resources, methods and integrations,
 * and the authorizers, validators, gateway responses and models the data plane applies.
 */
export interface DeploymentRecord {
  id: string;
  description?: string;
  createdDate: number;
  resources: ResourceRecord[];
  authorizers: AuthorizerRecord[];
  requestValidators: RequestValidatorRecord[];
  gatewayResponses: GatewayResponseRecord[];
  models: ModelRecord[];
}

export interface StageRecord {
  stageName: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  tracingEnabled: boolean;
  cacheClusterEnabled: boolean;
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface RestApiRecord {
  id: string;
  region: string;
  name: string;
  description?: string;
  version?: string;
  createdDate: number;
  apiKeySource: string;
  endpointConfiguration: { types: string[]; ipAddressType?: string; vpcEndpointIds?: string[] };
  disableExecuteApiEndpoint: boolean;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  policy?: string;
  tags: Record<string, string>;
  rootResourceId: string;
  resources: Map<string, ResourceRecord>;
  deployments: Map<string, DeploymentRecord>;
  stages: Map<string, StageRecord>;
  authorizers: Map<string, AuthorizerRecord>;
  requestValidators: Map<string, RequestValidatorRecord>;
  gatewayResponses: Map<string, GatewayResponseRecord>;
  /** By name; every API starts with `Empty` and `Error` (an imported one with none). */
  models: Map<string, ModelRecord>;
}
