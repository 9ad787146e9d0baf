import { sleepOn } from './clock/sleepOn.ts';

/**
 * The one clock of the engine and the emulator. Every duration either of them waits on (probe
 * timeouts, Lambda timeouts, FIS durations, latency faults, stream polling, step timeouts,
 * retry intervals, `wait`, await polls) is AWS time read from one object of this type, so a
 * time scale, the idle-skipping clock or a test's ManualClock changes all of them at once.
 *
 * Activities (see docs/clock.md) only matter to the idle-skipping clock: it advances AWS time
 * only while no activity is at work. The other clocks run `activity` as a plain call.
 */
export interface Clock {
  /** AWS seconds per wall second: the scale, or the pace while idle; 1 for the idle-skipping clock. */
  readonly timeScale: number;
  /** AWS time, whole epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of AWS time, parking the current activity; rejects with the signal's reason on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A plain timer in AWS time: it parks nothing (a timeout racing with work). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
  /**
   * Runs `fn` as an activity: a unit of work that holds AWS time still while it is busy. Its
   * parent is `parent` (an activity id from another boundary, e.g. an HTTP header) or else the
   * current activity.
   */
  activity<T>(name: string, fn: () => Promise<T>, parent?: string): Promise<T>;
  /** The id of the current activity, to pass across a boundary (header `x-fe-activity`). */
  activityId(): string | undefined;
  /** Uniform in [0, 1): seeded on the idle-skipping clock, so random phases and jitter repeat. */
  random(): number;
  /** For reports: `idle-skipping (seed 1234)`, `20× wall`, `manual`. */
  describe(): string;
}

/** The emulator's name for the one clock (kept for the services' imports). */
export type EmulatorClock = Clock;

export interface TimerHandle {
  readonly id: number;
}

/** HTTP header that carries the caller's activity id to the gateway. */
export const ACTIVITY_HEADER = 'x-fe-activity';

/**
 * The idle-skipping clock shared with engines in other processes (clock/clockRoutes.ts,
 * engine/RemoteTimeLink.ts): where its routes are, and the headers of its answers to an engine,
 * the AWS time an answer left at and its number in the engine's session.
 */
export const CLOCK_PATH = '/_fe/clock/';
export const AWS_NOW_HEADER = 'x-fe-aws-now';
export const ANSWER_SEQ_HEADER = 'x-fe-answer-seq';

/** Real time, sped up `timeScale` times. AWS time starts at the wall time of creation. */
export function createScaledClock(timeScale = 1): Clock {
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  const origin = Date.now();
  const perf0 = performance.now();
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  const wall = (ms: number) => Math.max(0, ms / timeScale);
  const clock: Clock = {
    timeScale,
    now: () => Math.floor(origin + (performance.now() - perf0) * timeScale),
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
    sleep: (ms, signal) => sleepOn(clock, ms, signal, true),
    activity: (_name, fn) => fn(),
    activityId: () => undefined,
    random: Math.random,
    describe: () => (timeScale === 1 ? 'wall (real time)' : `${timeScale}× wall`),
  };
  return clock;
}

export { sleepOn } from './clock/sleepOn.ts';
export { ManualClock } from './clock/ManualClock.ts';
export { IdleClock } from './clock/IdleClock.ts';
export { boundWork } from './clock/boundWork.ts';
export { seededRandom } from './clock/seededRandom.ts';
