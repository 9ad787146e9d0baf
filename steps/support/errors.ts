import { EngineError } from '../../engine/errors.ts';

/**
 * Errors the drill's steps throw for a check that did not hold (an HTTP status, a DNS answer, an
 * item that never appeared). They are retryable on purpose: `retry:` on the step applies, unlike
 * `NonRetryableError`, which steps keep for bad input.
 */
export const StepErrorCode = {
  /** A response or answer differed from what the params expect. */
  EXPECTATION_FAILED: 'E_EXPECTATION_FAILED',
  /** A resource the step created did not become ready. */
  NOT_READY: 'E_NOT_READY',
  /** An await step's own deadline (`maxWait`, AWS time) passed before its condition held. */
  AWAIT_EXPIRED: 'E_AWAIT_EXPIRED',
  /** A command of an `exec` step ran past its `timeout` and was killed. */
  EXEC_TIMEOUT: 'E_EXEC_TIMEOUT',
} as const;
export type StepErrorCode = (typeof StepErrorCode)[keyof typeof StepErrorCode];

/** A check that did not hold; `observed` keeps what was observed, for the journal. */
export class ExpectationFailedError extends EngineError {
  readonly observed: Record<string, unknown>;
  constructor(message: string, options?: { cause?: unknown; observed?: Record<string, unknown>; code?: string }) {
    super(message, { cause: options?.cause, code: options?.code ?? StepErrorCode.EXPECTATION_FAILED });
    this.name = 'ExpectationFailedError';
    this.observed = options?.observed ?? {};
  }
}

/**
 * The error a polling step throws when its signal aborts (the step's `timeout`, an interrupt):
 * the message says what was seen last; `code` is the abort reason's (`E_TIMEOUT`,
 * `E_INTERRUPTED`) so the engine classifies it like the abort itself, and `cause` is the reason.
 */
export function abortedWhilePolling(signal: AbortSignal, message: string, observed: Record<string, unknown>): ExpectationFailedError {
  const reason: unknown = signal.reason;
  const code = (reason as { code?: unknown } | undefined)?.code;
  return new ExpectationFailedError(message, {
    cause: reason,
    observed,
    code: typeof code === 'string' ? code : StepErrorCode.EXPECTATION_FAILED,
  });
}

/** Default `maxWait` of the await steps, in AWS time: no await waits silently forever. */
export const DEFAULT_MAX_WAIT = '5m';

/**
 * The error an await step throws when its own deadline passes: `what` names the expected
 * condition and the last observation, e.g. `test.example.com CNAME still NXDOMAIN`.
 */
export function awaitExpired(what: string, polls: number, awsWaitedMs: number, observed: Record<string, unknown>): ExpectationFailedError {
  return new ExpectationFailedError(`${what} after ${polls} polls in ${Math.round(awsWaitedMs / 1000)}s of AWS time`, {
    observed: { ...observed, polls, awsWaitedMs },
    code: StepErrorCode.AWAIT_EXPIRED,
  });
}
