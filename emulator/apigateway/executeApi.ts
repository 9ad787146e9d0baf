import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, EmulatorRuntime, RawRoute } from '../types.ts';
import { parseExecuteApiTarget, type ExecuteApiTarget } from './executeApiTarget.ts';
import { forbidden, internalServerError, missingAuthenticationToken } from './gatewayResponses.ts';
import { runLambdaProxyIntegration, type LambdaProxyDeps } from './lambdaProxyIntegration.ts';
import { runMockIntegration } from './mockIntegration.ts';
import { newOverrides } from './renderTemplate.ts';
import { buildProxyEvent, requestContext, type InvocationContext } from './proxyEvent.ts';
import { matchResource } from './resourceRouter.ts';
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
 * AWS API operations only, and seed-scenario.md §g.8 requires that a fault on Lambda alone
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
  if (!api) return forbidden();
  if (api.disableExecuteApiEndpoint) return forbidden();
  const stage = target.stage === undefined ? undefined : api.stages.get(target.stage);
  const deployment = stage && api.deployments.get(stage.deploymentId);
  if (!stage || !deployment) return missingAuthenticationToken();
  const route = matchResource(deployment.resources, req.method, target.path);
  if (!route) return missingAuthenticationToken();

  const inv: InvocationContext = {
    accountId: runtime.accountId,
    apiId: api.id,
    stage: stage.stageName,
    deploymentId: deployment.id,
    resourceId: route.resource.id,
    resourcePath: route.resource.path,
    httpMethod: req.method.toUpperCase(),
    path: target.path,
    ...ids,
    requestTimeEpoch: Math.floor(runtime.clock.now()),
    domainName: target.domainName,
    sourceIp: normaliseIp(req.remoteAddress),
    userAgent: req.headers['user-agent'] ?? null,
    pathParameters: route.pathParameters,
    stageVariables: stage.variables,
  };
  const integration = route.method.integration;
  switch (integration?.type) {
    case 'AWS_PROXY':
      return runLambdaProxyIntegration(deps, integration, buildProxyEvent(req, inv), stage.variables, api.region, signal);
    case 'MOCK':
      return runMockIntegration(
        integration,
        {
          request: req,
          context: requestContext(inv),
          pathParameters: route.pathParameters,
          stageVariables: stage.variables ?? {},
          overrides: newOverrides(),
        },
        (line) => runtime.log(line),
      );
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
