import { randomUUID } from 'node:crypto';
import { IdleClock, type EmulatorClock } from '../clock.ts';
import { FIS_FAULT_MESSAGE, type ServiceFaultRule } from '../faults.ts';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { LambdaInvokeResult } from './api.ts';
import { functionArn } from './functionArn.ts';
import { invocationActivityName, type LambdaBackend } from './LambdaBackend.ts';
import { resolveInvocationTarget } from './qualifiers.ts';

/** AWS's payload limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;
const MAX_RESPONSE_BYTES = 6_291_556;
const TAIL_BYTES = 4096;

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

/** One invocation after routing: the callee's region and name, and the faults that hit it. */
export interface InvokeCall {
  region: string;
  name: string;
  qualifier?: string;
  payload: Buffer;
  invocationType: InvocationType;
  tail?: boolean;
  clientContext?: unknown;
  /** The invocation's request id (HTTP: the request's own, as AWS's x-amzn-RequestId); new if absent. */
  requestId?: string;
  /** Matched `functionError` / `httpResponse` fault rules (latency and API errors already applied). */
  faults: readonly ServiceFaultRule[];
}

export interface InvokeOutcome extends LambdaInvokeResult {
  requestId: string;
  /** base64 of the invocation log's last 4 KB, when `tail` was asked. */
  logResult?: string;
}

/**
 * The one invocation path, for HTTP Invoke, LambdaApi.invoke (API Gateway) and the stream
 * poller: existence, DryRun, state, payload checks, then the sandbox; Event invocations run in
 * the background (no retries of failed async invocations, unlike AWS's two).
 */
export async function invokeFunction(backend: LambdaBackend, call: InvokeCall): Promise<InvokeOutcome> {
  // The qualifier (a version, or an alias and its routing weights) picks the version that runs.
  const fn = resolveInvocationTarget(backend, call.region, call.name, call.qualifier);
  const empty = Buffer.alloc(0);
  const requestId = call.requestId ?? randomUUID();
  if (call.invocationType === 'DryRun') return { requestId, statusCode: 204, payload: empty, executedVersion: fn.version };
  if (fn.state !== 'Active') {
    throw new ServiceError(
      'ResourceConflictException',
      `The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`,
      { status: 409 },
    );
  }
  const limit = call.invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
  if (call.payload.length > limit) {
    throw new ServiceError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, {
      status: 413,
    });
  }
  const text = call.payload.length === 0 ? '{}' : call.payload.toString('utf8');
  try {
    JSON.parse(text);
  } catch (err) {
    throw new ServiceError(
      'InvalidRequestContentException',
      `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
    );
  }

  const fault = call.faults[0];
  const invokedFunctionArn = functionArn(fn.region, fn.name, call.qualifier);
  const clock = backend.runtime.clock;
  const overhead = backend.runtime.model.invokeOverhead;
  // One invocation is one activity: busy while its handler runs, waiting while the handler's
  // own AWS calls (children, by session token) sleep. The modelled invoke overhead parks it.
  const run = () =>
    clock.activity(
      invocationActivityName(fn.region, fn.name),
      async (): Promise<{ payload: Buffer; functionError?: 'Unhandled'; log: string }> => {
        if (overhead > 0) await clock.sleep(overhead);
        if (fault?.effect.preventExecution) return { ...faultAnswer(fault), log: '' };
        const outcome = await withAwsTimeout(clock, fn.timeout, (signal) =>
          fn.pool.invoke({
            requestId,
            payload: text,
            invokedFunctionArn,
            clientContext: call.clientContext,
            queueWhenThrottled: call.invocationType === 'Event',
            ...(signal ? { signal } : {}),
          }),
        );
        for (const line of outcome.log.trimEnd().split('\n')) backend.runtime.log(`lambda ${fn.name} ${line}`);
        return fault ? { ...faultAnswer(fault), log: outcome.log } : outcome;
      },
    );

  if (call.invocationType === 'Event') {
    void run().catch((err: unknown) => backend.runtime.log(`lambda ${fn.name} async invocation ${requestId} failed: ${String(err)}`));
    return { requestId, statusCode: 202, payload: empty, executedVersion: fn.version };
  }
  let { payload, functionError, log } = await run();
  if (payload.length > MAX_RESPONSE_BYTES) {
    payload = Buffer.from(
      JSON.stringify({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      }),
    );
    functionError = 'Unhandled';
  }
  return {
    requestId,
    statusCode: 200,
    payload,
    ...(functionError ? { functionError } : {}),
    executedVersion: fn.version,
    ...(call.tail ? { logResult: Buffer.from(log).subarray(-TAIL_BYTES).toString('base64') } : {}),
  };
}

/**
 * The function timeout in AWS time, on the idle-skipping clock. The sandbox bounds the handler
 * in wall time (a busy loop keeps that clock still, so only wall time can end it); this bound
 * ends a handler that waits longer than its timeout in AWS time (e.g. on a call slowed by a
 * latency fault): the abort ends the sandbox, which answers Sandbox.Timedout. On a scaled real
 * clock only the wall bound applies: real compute (a cold start) times the scale would time out
 * any function.
 */
function withAwsTimeout<T>(clock: EmulatorClock, timeoutSec: number, invoke: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  if (!(clock instanceof IdleClock)) return invoke();
  const controller = new AbortController();
  const handle = clock.setTimeout(() => controller.abort(), timeoutSec * 1000);
  return invoke(controller.signal).finally(() => clock.clear(handle));
}

/**
 * What a Lambda fault answers instead of the handler: `aws:lambda:invocation-error` a function
 * error, `aws:lambda:invocation-http-integration-response` a proxy response with the status, so an
 * API Gateway proxy integration answers that status.
 */
function faultAnswer(rule: ServiceFaultRule): { payload: Buffer; functionError?: 'Unhandled' } {
  if (rule.effect.kind === 'httpResponse') {
    return {
      payload: Buffer.from(
        JSON.stringify({ statusCode: rule.effect.statusCode, headers: { 'Content-Type': rule.effect.contentType }, body: '' }),
      ),
    };
  }
  return {
    payload: Buffer.from(JSON.stringify({ errorType: 'FIS.InjectedError', errorMessage: FIS_FAULT_MESSAGE, trace: [] })),
    functionError: 'Unhandled',
  };
}
