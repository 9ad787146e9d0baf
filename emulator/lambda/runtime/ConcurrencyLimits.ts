import { ServiceError } from '../../protocol/ServiceError.ts';

/** AWS's default concurrency quota of an account in a region. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
/** Concurrency AWS keeps unreserved: reservations may not leave less than this (or the whole limit, if smaller). */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** What the limits need to know of one function. */
export interface ConcurrencySubject {
  region: string;
  /** `ReservedConcurrentExecutions`; undefined when the function draws on the unreserved pool. */
  readonly reservedConcurrency?: number;
}

interface Waiter {
  subject: ConcurrencySubject;
  admit(release: () => void): void;
  reject(error: Error): void;
}

/**
 * Lambda's concurrency limits, per region as AWS counts them: an account limit, of which
 * reservations (`PutFunctionConcurrency`) carve out a fixed share per function; functions without
 * one share what is left (the unreserved pool). An invocation beyond its function's reservation
 * or beyond the unreserved pool is throttled with 429 `TooManyRequestsException` at once; only
 * callers that queue (Event invocations) wait for a slot, in FIFO order.
 */
export class ConcurrencyLimits {
  private readonly unreservedInFlight = new Map<string, number>();
  private readonly inFlight = new Map<ConcurrencySubject, number>();
  private waiters: Waiter[] = [];

  constructor(
    /** The sum of reservations in a region. */
    private readonly reservedIn: (region: string) => number,
    public accountLimit = DEFAULT_ACCOUNT_CONCURRENCY,
  ) {}

  /** `UnreservedConcurrentExecutions` of GetAccountSettings. */
  unreservedLimit(region: string): number {
    return this.accountLimit - this.reservedIn(region);
  }

  /**
   * Takes a slot for one invocation and returns its release, or throws the 429 AWS answers.
   * With `queue`, waits for a slot instead (a reservation of 0 still refuses: nothing would run).
   */
  async admit(subject: ConcurrencySubject, queue = false): Promise<() => void> {
    const refusal = this.refusal(subject);
    if (!refusal) return this.take(subject);
    if (!queue || subject.reservedConcurrency === 0) throw refusal;
    return new Promise<() => void>((admit, reject) => this.waiters.push({ subject, admit, reject }));
  }

  /** Invocations of the function running now. */
  running(subject: ConcurrencySubject): number {
    return this.inFlight.get(subject) ?? 0;
  }

  /** Refuses the queued invocations of a function (deleted) with `error`. */
  dropWaiting(subject: ConcurrencySubject, error: Error): void {
    for (const waiter of this.waiters.filter((w) => w.subject === subject)) waiter.reject(error);
    this.waiters = this.waiters.filter((w) => w.subject !== subject);
  }

  /**
   * Checks that reserving `requested` for a function leaves the minimum unreserved, as
   * PutFunctionConcurrency does; `current` is the function's own reservation now.
   */
  checkReservation(region: string, requested: number, current: number | undefined): void {
    const minimum = Math.min(this.accountLimit, MIN_UNRESERVED_CONCURRENCY);
    if (this.accountLimit - (this.reservedIn(region) - (current ?? 0)) - requested < minimum) {
      throw new ServiceError(
        'InvalidParameterValueException',
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
      );
    }
  }

  private refusal(subject: ConcurrencySubject): ServiceError | undefined {
    const reserved = subject.reservedConcurrency;
    if (reserved !== undefined) {
      return this.running(subject) >= reserved ? tooManyRequests('ReservedFunctionConcurrentInvocationLimitExceeded') : undefined;
    }
    const used = this.unreservedInFlight.get(subject.region) ?? 0;
    return used >= this.unreservedLimit(subject.region) ? tooManyRequests('ConcurrentInvocationLimitExceeded') : undefined;
  }

  /** Counts the invocation against the unreserved pool if it draws on it; the release undoes exactly that. */
  private take(subject: ConcurrencySubject): () => void {
    const pooled = subject.reservedConcurrency === undefined;
    this.add(this.inFlight, subject, 1);
    if (pooled) this.add(this.unreservedInFlight, subject.region, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.add(this.inFlight, subject, -1);
      if (pooled) this.add(this.unreservedInFlight, subject.region, -1);
      this.wake();
    };
  }

  private add<K>(counts: Map<K, number>, key: K, delta: number): void {
    const next = (counts.get(key) ?? 0) + delta;
    if (next === 0) counts.delete(key);
    else counts.set(key, next);
  }

  /** Admits the first queued invocations that fit now (a freed slot, or a raised reservation). */
  wake(): void {
    for (const waiter of [...this.waiters]) {
      if (this.refusal(waiter.subject)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.admit(this.take(waiter.subject));
    }
  }
}

/**
 * Lambda's throttle: HTTP 429 with `{"Reason": …, "Type": "User", "message": "Rate Exceeded."}`
 * (the SDK reads `Reason` into `TooManyRequestsException.Reason`).
 */
function tooManyRequests(reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded'): ServiceError {
  return new ServiceError('TooManyRequestsException', 'Rate Exceeded.', { status: 429, extra: { Reason: reason } });
}
