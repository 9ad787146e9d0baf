/**
 * Error bodies of invocations that failed outside the handler's own code, worded as AWS's
 * Node.js runtime and sandbox word them (see docs/lambda-sandbox.md). A handler's own error is
 * the runtime's `toRapidResponse` shape, built in bootstrap.cjs.
 */
export interface RuntimeErrorBody {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 1.00 seconds"}` */
export function sandboxTimedOut(requestId: string, seconds: number): RuntimeErrorBody {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds.toFixed(2)} seconds`,
  };
}

/**
 * The runtime process ended during an invocation: `process.exit(1)` gives "exit status 1", a
 * signal "signal: killed" (Go's wording of the process state, as AWS's init reports it), a
 * stop by the emulator "Runtime exited without providing a reason".
 */
export function runtimeExitError(requestId: string, how: ProcessEnd | undefined): RuntimeErrorBody {
  const reason = how ? `Runtime exited with error: ${describeProcessEnd(how)}` : 'Runtime exited without providing a reason';
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

/** The sandbox went past its memory size and was killed, as AWS kills it. */
export function runtimeOutOfMemory(requestId: string): RuntimeErrorBody {
  return { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` };
}

/** How a process ended: an exit code, or the signal that killed it. */
export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const SIGNAL_WORDS: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGBUS: 'bus error',
};

export function describeProcessEnd({ code, signal }: ProcessEnd): string {
  if (signal) return `signal: ${SIGNAL_WORDS[signal] ?? signal}`;
  return `exit status ${code ?? 0}`;
}
