import type { EmulatorResponse } from '../types.ts';
import { accessDenied, authorizerConfigurationError, unauthorized } from './gatewayResponses.ts';
import type { LambdaProxyDeps } from './lambdaProxyIntegration.ts';
import type { AuthorizerRecord } from './model.ts';
import type { ProxyEvent } from './proxyEvent.ts';

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`. */
const LAMBDA_URI = /^arn:[^:]+:apigateway:([^:]*):lambda:path\/2015-03-31\/functions\/(.+?)\/invocations$/;

export type AuthorizerOutcome = { ok: true; context: Record<string, unknown> } | { ok: false; response: EmulatorResponse };

/** What the authorizer sees of the request. */
export interface AuthorizerRequest {
  /** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<resource path>`. */
  methodArn: string;
  /** The proxy event of the request (REQUEST authorizers get it, minus the body). */
  event: ProxyEvent;
  apiRegion: string;
  signal: AbortSignal;
}

/**
 * A TOKEN or REQUEST Lambda authorizer, as API Gateway runs it (docs/fidelity/apigateway.md):
 * - the identity sources must all be present (and a TOKEN must match the
 *   `identityValidationExpression`), else 401 Unauthorized without invoking the function;
 * - the function gets `{type: 'TOKEN', authorizationToken, methodArn}` or the request's
 *   headers, query, path, stage variables and context (`type: 'REQUEST'`);
 * - a function error whose message is `Unauthorized` is 401; any other failure, or an answer
 *   without `principalId` and `policyDocument`, is 500 with `{"message": null}`;
 * - the policy must allow `execute-api:Invoke` on the method ARN: an explicit Deny is 403
 *   "... with an explicit deny", no matching Allow 403 "User is not authorized to access this
 *   resource";
 * - on success `principalId` and the `context` map become `$context.authorizer` and the proxy
 *   event's `requestContext.authorizer`.
 * Results are not cached: every request invokes the function.
 */
export async function runLambdaAuthorizer(
  deps: LambdaProxyDeps,
  authorizer: AuthorizerRecord,
  req: AuthorizerRequest,
): Promise<AuthorizerOutcome> {
  const payload = authorizerEvent(authorizer, req);
  if (!payload) return { ok: false, response: unauthorized() };
  const target = LAMBDA_URI.exec(authorizer.authorizerUri ?? '');
  if (!target) {
    deps.log(`apigateway: authorizer ${authorizer.name} has no Lambda invocation uri: ${authorizer.authorizerUri}`);
    return { ok: false, response: authorizerConfigurationError() };
  }
  const functionArn = target[2]!;
  const region = /^arn:[^:]+:lambda:([^:]+):/.exec(functionArn)?.[1] ?? (target[1] || req.apiRegion);
  let output: unknown;
  try {
    const result = await deps.lambda().invoke({ region, functionName: functionArn, payload: JSON.stringify(payload), signal: req.signal });
    const text = result.payload.toString('utf8');
    if (result.functionError) {
      const message = safeParse(text) as { errorMessage?: unknown } | undefined;
      if (message?.errorMessage === 'Unauthorized') return { ok: false, response: unauthorized() };
      deps.log(`apigateway: authorizer ${authorizer.name} failed: ${text.slice(0, 300)}`);
      return { ok: false, response: authorizerConfigurationError() };
    }
    output = safeParse(text);
  } catch (err) {
    deps.log(`apigateway: invoking authorizer ${functionArn} failed: ${(err as Error)?.message ?? err}`);
    return { ok: false, response: authorizerConfigurationError() };
  }
  const policy = output as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown } | undefined;
  if (!policy || policy.principalId === undefined || !policy.policyDocument) {
    deps.log(`apigateway: authorizer ${authorizer.name} answered no principalId/policyDocument`);
    return { ok: false, response: authorizerConfigurationError() };
  }
  const decision = evaluatePolicy(policy.policyDocument.Statement, req.methodArn);
  if (decision !== 'Allow') return { ok: false, response: accessDenied(decision === 'Deny') };
  const context: Record<string, unknown> = policy.context && typeof policy.context === 'object' ? { ...policy.context } : {};
  return { ok: true, context: { ...context, principalId: policy.principalId, integrationLatency: 0 } };
}

function authorizerEvent(authorizer: AuthorizerRecord, req: AuthorizerRequest): Record<string, unknown> | undefined {
  const sources = (authorizer.identitySource ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const values = sources.map((s) => identityValue(s, req.event));
  if (values.some((v) => v === undefined || v === '')) return undefined;
  if (authorizer.type === 'TOKEN') {
    const token = values[0];
    if (token === undefined) return undefined;
    if (authorizer.identityValidationExpression && !new RegExp(`^(?:${authorizer.identityValidationExpression})$`).test(token))
      return undefined;
    return { type: 'TOKEN', authorizationToken: token, methodArn: req.methodArn };
  }
  const { body: _body, isBase64Encoded: _b64, ...rest } = req.event;
  return { type: 'REQUEST', methodArn: req.methodArn, ...rest };
}

/** `method.request.header.X`, `method.request.querystring.x`, `stageVariables.x`, `context.x`. */
function identityValue(source: string, event: ProxyEvent): string | undefined {
  const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
  if (header) {
    const wanted = header.toLowerCase();
    return Object.entries(event.headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
  }
  const query = /^method\.request\.querystring\.(.+)$/.exec(source)?.[1];
  if (query) return event.queryStringParameters?.[query];
  const stageVariable = /^stageVariables\.(.+)$/.exec(source)?.[1];
  if (stageVariable) return event.stageVariables?.[stageVariable];
  const context = /^context\.(.+)$/.exec(source)?.[1];
  if (context) {
    const value = event.requestContext[context];
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}

/** Deny wins over Allow; `*` and `?` are wildcards in Action and Resource. */
function evaluatePolicy(statements: unknown, methodArn: string): 'Allow' | 'Deny' | 'None' {
  let allowed = false;
  for (const raw of Array.isArray(statements) ? statements : statements ? [statements] : []) {
    const s = raw as { Effect?: unknown; Action?: unknown; Resource?: unknown };
    const actions = ([] as unknown[]).concat(s.Action ?? []).map(String);
    const resources = ([] as unknown[]).concat(s.Resource ?? []).map(String);
    if (!actions.some((a) => wildcard(a).test('execute-api:Invoke')) || !resources.some((r) => wildcard(r).test(methodArn))) continue;
    if (s.Effect === 'Deny') return 'Deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'Allow' : 'None';
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
