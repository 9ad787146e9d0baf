import type { Clock } from './types.ts';

/** The real clock: `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface PendingSleep {
  due: number;
  ms: number;
  seq: number;
  resolve(): void;
}

/**
 * A clock that only moves when told to. `sleep` registers a timer; `advance(ms)` moves time
 * forward and resolves due timers in order, letting promise chains run between them, so a
 * sleep scheduled while advancing fires too if it falls within the window.
 *
 * @example
 * const clock = new ManualClock();
 * const p = clock.sleep(1000);
 * await clock.nextSleep();      // resolves once something sleeps
 * await clock.advance(1000);    // p is resolved now
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingSleep[] = [];
  private waiters: Array<() => void> = [];
  /** Every duration ever requested through `sleep`, in call order. */
  readonly requested: number[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: PendingSleep = {
        due: this.current + Math.max(0, ms),
        ms,
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  /** Durations of the sleeps currently pending, soonest first. */
  pending(): number[] {
    return this.sorted().map((t) => t.ms);
  }

  /** Resolves as soon as at least `count` sleeps are pending (no real waiting involved). */
  async nextSleep(count = 1): Promise<void> {
    while (this.timers.length < count) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Moves time forward by `ms`, resolving due sleeps in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flush();
      const next = this.sorted()[0];
      if (!next || next.due > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      next.resolve();
    }
    this.current = target;
    await flush();
  }

  private sorted(): PendingSleep[] {
    return [...this.timers].sort((a, b) => a.due - b.due || a.seq - b.seq);
  }
}

/** Lets pending promise callbacks run (a macrotask turn, not a timed sleep). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
