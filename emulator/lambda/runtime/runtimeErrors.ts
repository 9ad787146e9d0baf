/**
 * Error bodies of invocations that failed outside the handler's own code, worded as AWS's
 * Node.js runtime and sandbox word them (localstack `tests/aws/services/lambda_/test_lambda.snapshot.json`).
 * A handler's own error is the runtime's `toRapidResponse` shape, built in worker.cjs.
 */
export interface RuntimeErrorBody {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 1.00 seconds"}` */
export function sandboxTimedOut(requestId: string, seconds: number): RuntimeErrorBody {
  return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds.toFixed(2)} seconds` };
}

/** The runtime process ended during an invocation (`process.exit()`, or the sandbox was stopped). */
export function runtimeExitError(requestId: string, code: number | undefined): RuntimeErrorBody {
  const reason = code ? `Runtime exited with error: exit status ${code}` : 'Runtime exited without providing a reason';
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}
