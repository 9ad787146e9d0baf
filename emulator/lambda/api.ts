/**
 * Lambda's internal API for other emulated services (API Gateway's AWS_PROXY integrations,
 * and anything else that invokes a function without going through HTTP).
 *
 * `invoke` checks the fault registry as `{ service: 'lambda', operation: 'Invoke', region,
 * resource: functionArn }` — the callee's region, taken from the function ARN when one is
 * given — so an FIS experiment on Lambda Invoke in us-east-1 breaks that region's API
 * Gateway too. An API-error fault rejects with a ServiceError; a function error resolves with
 * `functionError` set, as AWS reports it (HTTP 200 + X-Amz-Function-Error).
 */
export interface LambdaInvokeRequest {
  /** Region of the caller; a function ARN's own region wins. */
  region: string;
  /** Function name, partial or full ARN. */
  functionName: string;
  payload: Buffer | string;
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  signal?: AbortSignal;
  /** `Tail` returns the last 4 KB of the invocation's log in `logResult`. */
  logType?: 'None' | 'Tail';
  /** `$LATEST`, a published version or an alias (a qualifier in `functionName` works too). */
  qualifier?: string;
}

export interface LambdaInvokeResult {
  /** 200 RequestResponse, 202 Event, 204 DryRun. */
  statusCode: number;
  payload: Buffer;
  functionError?: 'Unhandled' | 'Handled';
  executedVersion: string;
  /** base64 of the invocation log's last 4 KB, when `logType: 'Tail'` was asked. */
  logResult?: string;
}

export interface LambdaApi {
  invoke(request: LambdaInvokeRequest): Promise<LambdaInvokeResult>;
}

/** What `runtime.api('lambda')` holds: the LambdaApi, and the emulator's own Lambda settings. */
export interface LambdaServiceApi extends LambdaApi {
  /**
   * Sets this emulator's account concurrency quota in every region (AWS's default, and the
   * emulator's, is 1000): GetAccountSettings' `ConcurrentExecutions`, the pool that functions
   * without reserved concurrency share.
   */
  setAccountConcurrency(limit: number): void;
  /**
   * Seeds the draws that split an alias's invocations between its versions
   * (`RoutingConfig.AdditionalVersionWeights`), so a drill's split repeats; `undefined` goes back
   * to `Math.random`.
   */
  seedAliasRouting(seed: number | undefined): void;
}
