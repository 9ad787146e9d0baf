import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, EmulatorRuntime, RawRoute } from '../types.ts';
import { parseExecuteApiTarget, type ExecuteApiTarget } from './executeApiTarget.ts';
import { applyGatewayResponses } from './gatewayResponseRender.ts';
import { authorizerConfigurationError, forbidden, internalServerError, missingAuthenticationToken } from './gatewayResponses.ts';
import { runLambdaAuthorizer } from './lambdaAuthorizer.ts';
import { runLambdaProxyIntegration, type LambdaProxyDeps } from './lambdaProxyIntegration.ts';
import { runMockIntegration } from './mockIntegration.ts';
import type { DeploymentRecord, RestApiRecord } from './model.ts';
import { buildProxyEvent, requestContext, type InvocationContext } from './proxyEvent.ts';
import { newOverrides, type TemplateScope } from './renderTemplate.ts';
import { validateRequest } from './requestValidation.ts';
import { matchResource, type RouteMatch } from './resourceRouter.ts';
import { randomId, type ApiGatewayStore } from './store.ts';

/**
 * The execute-api data plane as a raw route, so the gateway sees it before any service
 * detection (and before the control plane's `/restapis` routes).
 *
 * Routing follows a stage's *deployment*, not the live API. Answers of its own:
 * - unknown API id: 403 `{"message":"Forbidden"}` (ForbiddenException), API Gateway's JSON
 *   answer for an API its endpoint does not serve (on AWS the host name would not resolve at
 *   all). The path forms reach this too when the emulator's URL parsing resolves an encoded
 *   `..` (`/_aws/execute-api/<id>/v1/%2e%2e/%2e%2e/x` becomes `/_aws/execute-api/x`);
 * - unknown stage, or no resource/method for the path: 403 Missing Authentication Token;
 * - `disableExecuteApiEndpoint`: 403 Forbidden.
 * Every answer carries `x-amzn-RequestId` (the proxy event's `requestContext.requestId`) and
 * `x-amz-apigw-id` (its `extendedRequestId`).
 *
 * FIS faults are not checked here: localstack documents faults (FIS and the Chaos API) for
 * AWS API operations only, and the drill requires that a fault on Lambda alone
 * leaves the data plane up, failing only through the Lambda invoke it makes (which Lambda's
 * internal API checks, keyed by the function's region).
 */
export function createExecuteApiRoute(runtime: EmulatorRuntime, store: ApiGatewayStore): RawRoute {
  const deps: LambdaProxyDeps = { lambda: () => runtime.api('lambda'), log: (line) => runtime.log(line) };
  return {
    name: 'apigateway execute-api',
    matches: (req) => parseExecuteApiTarget(req) !== undefined,
    async handle(req, signal) {
      const ids = { requestId: randomUUID(), extendedRequestId: `${randomId(14)}=` };
      const response = await execute(runtime, store, deps, req, parseExecuteApiTarget(req)!, ids, signal);
      response.headers['x-amzn-requestid'] = ids.requestId;
      response.headers['x-amz-apigw-id'] = ids.extendedRequestId;
      return response;
    },
  };
}

async function execute(
  runtime: EmulatorRuntime,
  store: ApiGatewayStore,
  deps: LambdaProxyDeps,
  req: EmulatorRequest,
  target: ExecuteApiTarget,
  ids: { requestId: string; extendedRequestId: string },
  signal: AbortSignal,
): Promise<EmulatorResponse> {
  const api = store.find(target.apiId);
  if (!api || api.disableExecuteApiEndpoint) return forbidden();
  const stage = target.stage === undefined ? undefined : api.stages.get(target.stage);
  const deployment = stage && api.deployments.get(stage.deploymentId);
  if (!stage || !deployment) return missingAuthenticationToken();
  const route = matchResource(deployment.resources, req.method, target.path);
  const inv: InvocationContext = {
    accountId: runtime.accountId,
    apiId: api.id,
    stage: stage.stageName,
    deploymentId: deployment.id,
    resourceId: route?.resource.id ?? '',
    resourcePath: route?.resource.path ?? '',
    httpMethod: req.method.toUpperCase(),
    path: target.path,
    ...ids,
    requestTimeEpoch: Math.floor(runtime.clock.now()),
    domainName: target.domainName,
    sourceIp: normaliseIp(req.remoteAddress),
    userAgent: req.headers['user-agent'] ?? null,
    pathParameters: route?.pathParameters ?? {},
    stageVariables: stage.variables,
  };
  const scope = { request: req, context: requestContext(inv), pathParameters: inv.pathParameters, stageVariables: stage.variables ?? {} };
  const response = route ? await invoke(runtime, deps, { api, deployment, route, inv, scope, req, signal }) : missingAuthenticationToken();
  return applyGatewayResponses(response, deployment.gatewayResponses, scope);
}

interface Invocation {
  api: RestApiRecord;
  deployment: DeploymentRecord;
  route: RouteMatch;
  inv: InvocationContext;
  scope: Omit<TemplateScope, 'overrides'>;
  req: EmulatorRequest;
  signal: AbortSignal;
}

/** Authorizer, request validation, then the integration. */
async function invoke(
  runtime: EmulatorRuntime,
  deps: LambdaProxyDeps,
  { api, deployment, route, inv, scope, req, signal }: Invocation,
): Promise<EmulatorResponse> {
  const { method } = route;
  const event = buildProxyEvent(req, inv);
  if (method.authorizationType === 'CUSTOM') {
    const authorizer = deployment.authorizers.find((a) => a.id === method.authorizerId);
    if (!authorizer) return authorizerConfigurationError();
    const methodArn = `arn:aws:execute-api:${api.region}:${inv.accountId}:${api.id}/${inv.stage}/${inv.httpMethod}${inv.resourcePath === '/' ? '/' : inv.resourcePath}`;
    const outcome = await runLambdaAuthorizer(deps, authorizer, { methodArn, event, apiRegion: api.region, signal });
    if (!outcome.ok) return outcome.response;
    event.requestContext.authorizer = outcome.context;
    scope.context.authorizer = outcome.context;
  }
  const validator = deployment.requestValidators.find((v) => v.id === method.requestValidatorId);
  const invalid = validateRequest(validator, method, event, new Map(deployment.models.map((m) => [m.name, m])));
  if (invalid) return invalid;
  const integration = method.integration;
  switch (integration?.type) {
    case 'AWS_PROXY':
      return runLambdaProxyIntegration(deps, integration, event, scope.stageVariables, api.region, signal);
    case 'MOCK':
      return runMockIntegration(integration, { ...scope, overrides: newOverrides() }, (line) => runtime.log(line));
    default:
      // HTTP, HTTP_PROXY and AWS (non-proxy) integrations are accepted by the control plane
      // but not run; say so rather than answer something plausible.
      runtime.log(`apigateway: ${integration?.type ?? 'no'} integration on ${req.method} ${route.resource.path} is not emulated`);
      return internalServerError(500);
  }
}

/** The TCP peer, as AWS reports it (a client's own X-Forwarded-For does not change it). */
function normaliseIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
