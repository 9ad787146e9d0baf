import type { AnyStepDefinition, Clock, Logger, StepContext } from './types.ts';
import { InterruptedError, StepFailedError, StepTimeoutError } from './errors.ts';
import { boundWork } from '../emulator/clock/boundWork.ts';
import { retryDelay, shouldRetry, type RetryPolicy } from './retry.ts';

/** Wall time an abandoned attempt may keep holding AWS time still (the runner's abort grace). */
const ABANDONED_HOLD_MS = 10_000;
/**
 * Event-loop turns a timed-out attempt gets to say what it saw (its own error on the abort)
 * before the runner goes on: a step that honours its signal answers within them; no wall time
 * is waited, so clocks driven by tests see the same sequence of timers.
 */
const EXPLAIN_TURNS = 3;

/** Hooks the runner uses to journal and display attempts. */
export interface AttemptHooks {
  onRetry(attempt: number, delayMs: number, error: unknown): void;
  /** Receives each attempt's own promise, abandoned ones included, to wait for it later. */
  onAttempt?(promise: Promise<unknown>): void;
}

/** What {@link executeStep} needs. */
export interface ExecuteOptions {
  definition: AnyStepDefinition;
  params: unknown;
  /** The context minus the per-attempt fields. */
  context: Omit<StepContext, 'signal' | 'attempt'>;
  clock: Clock;
  /** Aborted when the step must stop (interrupt, or its state was left). Never retried. */
  signal: AbortSignal;
  retry: RetryPolicy;
  timeoutMs?: number;
  hooks: AttemptHooks;
}

/** Result of {@link executeStep}. */
export type ExecuteResult =
  | { ok: true; outputs: unknown; attempts: number }
  | { ok: false; error: Error; attempts: number; aborted: boolean };

/**
 * Runs a step with its retry policy and per-attempt timeout, both on the injected clock (AWS time).
 * Each attempt gets its own AbortSignal, aborted on timeout (reason: StepTimeoutError) or
 * when `signal` aborts. An attempt that ignores its signal is abandoned (its promise is left
 * to settle in the background) so a timeout always ends the attempt.
 */
export async function executeStep(options: ExecuteOptions): Promise<ExecuteResult> {
  const { definition, clock, signal, retry, timeoutMs } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return aborted(signal, attempt - 1);
    const controller = new AbortController();
    const stopTimer = new AbortController();
    const forward = () => controller.abort(signal.reason ?? new InterruptedError());
    signal.addEventListener('abort', forward, { once: true });
    // A timer that parks nothing, racing with the attempt's work: `timeout:` of AWS time, or as
    // many wall milliseconds if the attempt keeps AWS time still that long (a hung step).
    if (timeoutMs !== undefined) {
      const disarm = boundWork(clock, timeoutMs, () => controller.abort(new StepTimeoutError(options.context.stepId, timeoutMs)));
      stopTimer.signal.addEventListener('abort', disarm, { once: true });
    }
    let error: unknown;
    let attemptActivity: Promise<unknown> | undefined;
    const reports = lastReport(options.context.log);
    try {
      // Each attempt is an activity: busy while its code runs, waiting while it sleeps or calls AWS.
      const context = { ...options.context, log: reports.log, signal: controller.signal, attempt };
      // The attempt is an activity until its work settles: an abandoned attempt that still acts
      // holds AWS time still too, but for at most ABANDONED_HOLD_MS of wall time after its abort
      // (a hung attempt must not freeze the clock for the rest of the run).
      attemptActivity = clock.activity(`step ${options.context.stepId}#${attempt}`, () => {
        const run = definition.run(options.params, context);
        options.hooks.onAttempt?.(run);
        return Promise.race([run, releasedAfterAbort(controller.signal, ABANDONED_HOLD_MS)]);
      });
      const outputs = await Promise.race([attemptActivity, rejectOnAbort(controller.signal)]);
      return { ok: true, outputs: outputs ?? {}, attempts: attempt };
    } catch (caught) {
      error = controller.signal.aborted ? controller.signal.reason : caught;
      if (error instanceof StepTimeoutError && !signal.aborted) error = await explained(error, attemptActivity, reports.last());
    } finally {
      stopTimer.abort();
      signal.removeEventListener('abort', forward);
    }
    if (signal.aborted) return aborted(signal, attempt);
    if (!shouldRetry(retry, attempt, error)) {
      return {
        ok: false,
        error: new StepFailedError(options.context.stepId, attempt, { cause: error }),
        attempts: attempt,
        aborted: false,
      };
    }
    const delay = retryDelay(retry, attempt);
    options.hooks.onRetry(attempt, delay, error);
    try {
      await clock.sleep(delay, signal);
    } catch {
      return aborted(signal, attempt);
    }
  }
}

function aborted(signal: AbortSignal, attempts: number): ExecuteResult {
  const reason: unknown = signal.reason;
  const error = reason instanceof Error ? reason : new InterruptedError();
  return { ok: false, error, attempts, aborted: true };
}

/** Rejects `ms` wall milliseconds after `signal` aborts. */
function releasedAfterAbort(signal: AbortSignal, ms: number): Promise<never> {
  return new Promise<never>((_, reject) => {
    const release = () => setTimeout(() => reject(signal.reason), ms).unref();
    if (signal.aborted) release();
    else signal.addEventListener('abort', release, { once: true });
  });
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A step's logger that also remembers the last line it reported (info or warn). */
function lastReport(log: Logger): { log: Logger; last(): string | undefined } {
  let last: string | undefined;
  return {
    log: {
      debug: (message, meta) => log.debug(message, meta),
      info: (message, meta) => {
        last = message;
        log.info(message, meta);
      },
      warn: (message, meta) => {
        last = message;
        log.warn(message, meta);
      },
      error: (message, meta) => log.error(message, meta),
    },
    last: () => last,
  };
}

/**
 * The timeout, saying what the attempt saw: the attempt's own error when it answers the abort
 * with one (the await steps name the last answer, the expected one and the polls; it has the
 * timeout as its cause), else the attempt's last progress line, else the timeout as it is.
 */
async function explained(
  timeout: StepTimeoutError,
  attempt: Promise<unknown> | undefined,
  lastLine: string | undefined,
): Promise<StepTimeoutError> {
  let own: unknown;
  if (attempt) {
    const settled = attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    own = await Promise.race([settled, turns(EXPLAIN_TURNS)]);
  }
  if (own instanceof Error && own !== timeout && own.cause === timeout) {
    return new StepTimeoutError(timeout.stepId, timeout.timeoutMs, { cause: own, seen: own.message });
  }
  if (lastLine) return new StepTimeoutError(timeout.stepId, timeout.timeoutMs, { seen: `last seen: ${lastLine}` });
  return timeout;
}

/** Resolves after `count` turns of the event loop (setImmediate), without waiting on any clock. */
async function turns(count: number): Promise<undefined> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return undefined;
}
