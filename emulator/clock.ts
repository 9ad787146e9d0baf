/**
 * The emulator's one clock. Health checks, FIS durations and stream polling run on it, so a
 * time scale (or a test's manual clock) changes all of them at once. Times are in *emulated*
 * milliseconds: with `timeScale: 10`, a 10 s RequestInterval fires every wall second.
 */
export interface EmulatorClock {
  readonly timeScale: number;
  /** Emulated epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
  /** Resolves after `ms` emulated milliseconds; rejects with the signal's reason on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TimerHandle {
  readonly id: number;
}

/** Real time, sped up `timeScale` times. Emulated time starts at the wall time of creation. */
export function createScaledClock(timeScale = 1): EmulatorClock {
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  const origin = Date.now();
  const perf0 = performance.now();
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  const wall = (ms: number) => Math.max(0, ms / timeScale);
  const clock: EmulatorClock = {
    timeScale,
    now: () => origin + (performance.now() - perf0) * timeScale,
    setTimeout(fn, ms) {
      const id = nextId++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, wall(ms));
      t.unref();
      timers.set(id, t);
      return { id };
    },
    setInterval(fn, ms) {
      const id = nextId++;
      const t = setInterval(fn, wall(ms));
      t.unref();
      timers.set(id, t);
      return { id };
    },
    clear(handle) {
      const t = timers.get(handle.id);
      if (t) {
        clearTimeout(t);
        clearInterval(t);
        timers.delete(handle.id);
      }
    },
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
  };
  return clock;
}

/**
 * A clock that moves only when a test calls `advance`. Timers fire in due order, each
 * followed by a drain of pending promise callbacks, so async work a timer starts can run
 * before the next one fires.
 */
export class ManualClock implements EmulatorClock {
  readonly timeScale = 1;
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { due: number; fn: () => void; every?: number }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + Math.max(0, ms), fn });
    return { id };
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const every = Math.max(1, ms);
    this.timers.set(id, { due: this.current + every, fn, every });
    return { id };
  }

  clear(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await settle();
      let nextId: number | undefined;
      let next: { due: number; fn: () => void; every?: number } | undefined;
      for (const [id, t] of this.timers) {
        if (t.due <= end && (!next || t.due < next.due)) {
          next = t;
          nextId = id;
        }
      }
      if (!next || nextId === undefined) break;
      this.current = next.due;
      if (next.every) next.due += next.every;
      else this.timers.delete(nextId);
      next.fn();
    }
    this.current = end;
    await settle();
  }

  /** Number of pending timers, for tests that check nothing is left behind. */
  get pending(): number {
    return this.timers.size;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

function sleepOn(clock: EmulatorClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clear(handle);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
