import type { LambdaApi, LambdaInvokeResult } from '../lambda/api.ts';
import type { EmulatorResponse } from '../types.ts';
import { endpointTimedOut, internalServerError } from './gatewayResponses.ts';
import type { IntegrationRecord } from './model.ts';
import type { ProxyEvent } from './proxyEvent.ts';
import { mapProxyResponse } from './proxyResponse.ts';

export interface LambdaProxyDeps {
  /** Resolved per call: Lambda registers its API when the emulator starts. */
  lambda(): LambdaApi;
  log(line: string): void;
}

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`. */
const LAMBDA_URI = /^arn:[^:]+:apigateway:([^:]*):lambda:path\/2015-03-31\/functions\/(.+?)\/invocations$/;

/**
 * Runs an AWS_PROXY integration: the event goes to Lambda's internal invoke in the region of
 * the function ARN (the callee's region, so an FIS fault on Lambda Invoke in us-east-1
 * breaks only us-east-1's APIs), and the answer is mapped by {@link mapProxyResponse}.
 *
 * Failures, as AWS and localstack (`integrations/aws.py`) answer them:
 * - integration method other than POST → 500 "Internal server error" ("The 'AWS_PROXY'
 *   integration can only be used with the POST integration method"). The seed's S1 scripts
 *   use GET; only the 2023 LocalStack provider accepted that, so provisioning uses POST;
 * - the invoke rejecting (a fault, a missing function) → 502;
 * - a function error (`functionError` set) or a malformed response → 502;
 * - no answer within the integration's `timeoutInMillis` → 504. Counted in wall time, not on
 *   the emulator clock: with a time scale of 10 the 29 s default would be 2.9 s, and a cold
 *   start could then turn into a spurious 504.
 */
export async function runLambdaProxyIntegration(
  deps: LambdaProxyDeps,
  integration: IntegrationRecord,
  event: ProxyEvent,
  stageVariables: Record<string, string> | undefined,
  apiRegion: string,
  signal: AbortSignal,
): Promise<EmulatorResponse> {
  if ((integration.httpMethod ?? '').toUpperCase() !== 'POST') {
    deps.log(`apigateway: the 'AWS_PROXY' integration can only be used with the POST integration method (got ${integration.httpMethod})`);
    return internalServerError(500);
  }
  const uri = renderStageVariables(integration.uri ?? '', stageVariables);
  const parsed = LAMBDA_URI.exec(uri);
  if (!parsed) {
    deps.log(`apigateway: AWS_PROXY integration uri is not a Lambda invocation uri: ${uri}`);
    return internalServerError(500);
  }
  const functionArn = parsed[2]!;
  const region = /^arn:[^:]+:lambda:([^:]+):/.exec(functionArn)?.[1] ?? (parsed[1] || apiRegion);

  const invocation = new AbortController();
  const onClientGone = () => invocation.abort(signal.reason);
  signal.addEventListener('abort', onClientGone, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let result: LambdaInvokeResult | 'timeout';
  try {
    const invoke = Promise.resolve().then(() =>
      deps.lambda().invoke({ region, functionName: functionArn, payload: JSON.stringify(event), signal: invocation.signal }),
    );
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integration.timeoutInMillis);
      timer.unref();
    });
    result = await Promise.race([invoke, timeout]);
    if (result === 'timeout') {
      invoke.catch(() => {});
      invocation.abort(new Error('integration timeout'));
      deps.log(`apigateway: ${functionArn} did not answer within ${integration.timeoutInMillis} ms`);
      return endpointTimedOut();
    }
  } catch (err) {
    deps.log(`apigateway: invoking ${functionArn} failed: ${(err as Error)?.message ?? err}`);
    return internalServerError(502);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onClientGone);
  }

  if (result.functionError) {
    deps.log(`apigateway: ${functionArn} failed with a function error (${result.functionError}): ${truncate(result.payload)}`);
    return internalServerError(502);
  }
  const mapped = mapProxyResponse(result.payload);
  if (!mapped.ok) {
    deps.log(`apigateway: Execution failed due to configuration error: Malformed Lambda proxy response (${mapped.reason})`);
    return internalServerError(502);
  }
  return { status: mapped.status, headers: { 'content-type': 'application/json', ...mapped.headers }, body: mapped.body };
}

/** `${stageVariables.name}` in an integration uri (AWS lets stage variables pick the function). */
function renderStageVariables(uri: string, variables: Record<string, string> | undefined): string {
  return uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (match, name: string) => variables?.[name] ?? match);
}

function truncate(payload: Buffer): string {
  const text = payload.toString('utf8');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
