import { EngineError, ErrorCode } from '../../engine/errors.ts';

/**
 * The codes of the errors the drill's steps throw for a check that did not hold (an HTTP status,
 * a DNS answer, an item that never appeared), for a name that does not resolve, or on purpose
 * (`fail`). They are retryable: `retry:` on the step applies, unlike `NonRetryableError`, which
 * steps keep for bad input. A polling step aborted by its own `timeout`, an interrupt or an
 * unwritable journal carries the abort's code (`E_TIMEOUT`, `E_INTERRUPTED`, `E_JOURNAL`), so
 * the engine classifies it like the abort. Every step error class takes its `code` from this
 * one union.
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
  /** A name did not resolve to an address (DNS may still be converging). */
  DNS_RESOLUTION: 'E_DNS_RESOLUTION',
  /** The `fail` step failed, as its params asked. */
  FAILED_ON_PURPOSE: 'E_FAILED_ON_PURPOSE',
  /** A polling step's attempt ran past the step's `timeout` (the engine's own code). */
  TIMEOUT: ErrorCode.TIMEOUT,
  /** A polling step was interrupted (SIGINT/SIGTERM; the engine's own code). */
  INTERRUPTED: ErrorCode.INTERRUPTED,
  /** A polling step was stopped because the run's journal could not be written (the engine's own code). */
  JOURNAL: ErrorCode.JOURNAL,
} as const;
export type StepErrorCode = (typeof StepErrorCode)[keyof typeof StepErrorCode];

/** A check that did not hold; `observed` keeps what was observed, for the journal. */
export class ExpectationFailedError extends EngineError {
  declare readonly code: StepErrorCode;
  readonly observed: Record<string, unknown>;
  constructor(message: string, options?: { cause?: unknown; observed?: Record<string, unknown>; code?: StepErrorCode }) {
    super(message, { cause: options?.cause, code: options?.code ?? StepErrorCode.EXPECTATION_FAILED });
    this.name = 'ExpectationFailedError';
    this.observed = options?.observed ?? {};
  }
}

/** The codes of the engine's abort reasons: a step's timeout, an interrupt, a journal that cannot be written. */
const ABORT_CODES: readonly StepErrorCode[] = [StepErrorCode.TIMEOUT, StepErrorCode.INTERRUPTED, StepErrorCode.JOURNAL];

/**
 * The error a polling step throws when its signal aborts (the step's `timeout`, an interrupt):
 * the message says what was seen last; `code` is the abort reason's (`E_TIMEOUT`,
 * `E_INTERRUPTED`, `E_JOURNAL`) so the engine classifies it like the abort itself, and `cause` is the reason.
 */
export function abortedWhilePolling(signal: AbortSignal, message: string, observed: Record<string, unknown>): ExpectationFailedError {
  const reason: unknown = signal.reason;
  const code = (reason as { code?: unknown } | undefined)?.code;
  return new ExpectationFailedError(message, {
    cause: reason,
    observed,
    code: ABORT_CODES.find((known) => known === code) ?? StepErrorCode.EXPECTATION_FAILED,
  });
}

/** The error the `fail` step throws on purpose; `name` is the one its params give (retry policies match it). */
export class FailedOnPurposeError extends EngineError {
  declare readonly code: StepErrorCode;
  constructor(message: string, name: string) {
    super(message, { code: StepErrorCode.FAILED_ON_PURPOSE });
    this.name = name;
  }
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
