import type { Clock, TimerHandle } from '../clock.ts';
import { sleepOn } from './sleepOn.ts';

interface ManualTimer {
  due: number;
  ms: number;
  seq: number;
  fn: () => void;
  every?: number;
}

/**
 * The test clock of the engine and the emulator: it moves only when a test calls `advance`.
 * Timers (sleeps included) fire in due order, each followed by a drain of pending callbacks
 * (a few `setImmediate` turns, no real waiting), so async work a timer starts runs before the
 * next one fires and a timer set meanwhile fires too if it falls within the window.
 *
 * @example
 * const clock = new ManualClock();
 * const p = clock.sleep(1000);
 * await clock.nextSleep();      // resolves once a timer is pending
 * await clock.advance(1000);    // p is resolved now
 */
export class ManualClock implements Clock {
  readonly timeScale = 1;
  private current: number;
  private seq = 0;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();
  private waiters: Array<() => void> = [];
  /** Every duration ever asked of `sleep` or `setTimeout`, in call order. */
  readonly requested: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.requested.push(ms);
    return this.add({ due: this.current + Math.max(0, ms), ms, seq: this.seq++, fn });
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    return this.add({ due: this.current + every, ms, seq: this.seq++, fn, every });
  }

  clear(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  activity<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  activityId(): undefined {
    return undefined;
  }

  /** Deterministic and 0: a health checker's first probe comes a full interval after creation. */
  random(): number {
    return 0;
  }

  describe(): string {
    return 'manual';
  }

  /** Durations of the timers currently pending, soonest first. */
  pending(): number[] {
    return this.sorted().map(([, t]) => t.ms);
  }

  /** Resolves as soon as at least `count` timers are pending (no real waiting involved). */
  async nextSleep(count = 1): Promise<void> {
    while (this.timers.size < count) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await settle();
      const [entry] = this.sorted();
      if (!entry || entry[1].due > end) break;
      const [id, next] = entry;
      this.current = Math.max(this.current, next.due);
      if (next.every) next.due += next.every;
      else this.timers.delete(id);
      next.fn();
    }
    this.current = end;
    await settle();
  }

  private add(timer: ManualTimer): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, timer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return { id };
  }

  private sorted(): Array<[number, ManualTimer]> {
    return [...this.timers].sort(([, a], [, b]) => a.due - b.due || a.seq - b.seq);
  }
}

/** Lets pending callbacks run: a few macrotask turns, not a timed sleep. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
