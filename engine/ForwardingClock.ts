import type { TimerHandle } from '../emulator/clock.ts';
import type { Clock } from './types.ts';

/** Real time at a scale learnt only when the target is acquired (an endpoint's advertised scale). */
export class ForwardingClock implements Clock {
  constructor(public inner: Clock) {}
  get timeScale(): number {
    return this.inner.timeScale;
  }
  now(): number {
    return this.inner.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(ms, signal);
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.inner.setInterval(fn, ms);
  }
  clear(handle: TimerHandle): void {
    this.inner.clear(handle);
  }
  activity<T>(name: string, fn: () => Promise<T>, parent?: string): Promise<T> {
    return this.inner.activity(name, fn, parent);
  }
  activityId(): string | undefined {
    return this.inner.activityId();
  }
  random(): number {
    return this.inner.random();
  }
  describe(): string {
    return this.inner.describe();
  }
}
