import type { Clock, TimerHandle } from '../clock.ts';
import { activityContext, type Activity } from './activityContext.ts';
import { installOutboundTagging } from './outbound.ts';
import { seededRandom } from './seededRandom.ts';
import { sleepOn } from './sleepOn.ts';

interface IdleTimer {
  due: number;
  seq: number;
  fn: () => void;
  every?: number;
}

/** `setImmediate` turns without any change before the clock may jump (loopback I/O lands first). */
const QUIET_TURNS = 3;
let clockCount = 0;

/**
 * The idle-skipping clock (a discrete-event scheduler): AWS time stands still while any
 * activity is busy and jumps to the next due timer when every live activity waits (parked in a
 * sleep, or waiting on its children). With no live activity at all nobody waits on time, so it
 * stands still too: an idle emulator does not spin, and nothing moves between two steps. Real compute therefore costs no AWS time;
 * what AWS would take is modelled explicitly (see emulator/model.ts and docs/clock.md).
 */
export class IdleClock implements Clock {
  /** Pace: AWS ms per wall ms while everything waits; undefined jumps at once. */
  readonly timeScale: number;
  private readonly pace: number | undefined;
  private paced?: { wall0: number; aws0: number; due: number; timer: NodeJS.Timeout };
  readonly seed: number;
  readonly random: () => number;
  private current: number;
  private seq = 0;
  private nextId = 1;
  private nextActivity = 1;
  private readonly name = `c${++clockCount}`;
  private readonly timers = new Map<number, IdleTimer>();
  private readonly live = new Map<string, Activity>();
  private version = 0;
  private checking = false;
  /** Jumps made so far (for tests and the bench). */
  jumps = 0;

  constructor(options: { seed?: number; start?: number; pace?: number } = {}) {
    this.pace = options.pace;
    this.timeScale = options.pace ?? 1;
    this.seed = options.seed ?? 1;
    this.random = seededRandom(this.seed);
    this.current = options.start ?? Date.UTC(2026, 0, 1);
    installOutboundTagging();
  }

  now(): number {
    if (!this.paced) return this.current;
    return Math.min(this.paced.due, Math.floor(this.paced.aws0 + (performance.now() - this.paced.wall0) * this.pace!));
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add({ due: this.current + Math.max(0, ms), seq: this.seq++, fn });
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    return this.add({ due: this.current + every, seq: this.seq++, fn, every });
  }

  clear(handle: TimerHandle): void {
    if (this.timers.delete(handle.id)) this.changed();
  }

  /**
   * Parks the current activity for `ms` of AWS time. A sleep outside any activity (a retry
   * backoff, a compensation started by a signal handler) is an activity of its own, parked: it
   * waits on time. Like a real timer, a pending sleep keeps the process alive.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const activity = this.current_();
    if (!activity) return this.activity('sleep', () => this.sleep(ms, signal));
    activity.parked++;
    const unpark = () => {
      activity.parked--;
      this.changed();
    };
    const slept = sleepOn(this, ms, signal, true);
    slept.then(unpark, unpark);
    this.changed();
    return slept;
  }

  async activity<T>(name: string, fn: () => Promise<T>, parent?: string): Promise<T> {
    const up = parent !== undefined ? (this.find(parent) ?? this.current_()) : this.current_();
    const activity: Activity = {
      id: `${this.name}.${this.nextActivity++}`,
      name,
      owner: this,
      ...(up ? { parent: up } : {}),
      children: 0,
      parked: 0,
      ended: false,
    };
    if (up) up.children++;
    this.live.set(activity.id, activity);
    this.changed();
    try {
      return await activityContext.run(activity, fn);
    } finally {
      activity.ended = true;
      this.live.delete(activity.id);
      if (up) up.children--;
      this.changed();
    }
  }

  activityId(): string | undefined {
    return this.current_()?.id;
  }

  describe(): string {
    return this.pace === undefined ? `idle-skipping (seed ${this.seed})` : `${this.pace}× wall while idle (seed ${this.seed})`;
  }

  /** Live activities that hold time still right now (for tests and diagnostics). */
  busy(): string[] {
    return [...this.live.values()].filter(isBusy).map((a) => a.name);
  }

  /** Number of pending timers. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** An activity by id, or (`name:<name>`) the oldest live one of that name. */
  private find(ref: string): Activity | undefined {
    if (ref.startsWith('name:')) {
      const name = ref.slice(5);
      for (const a of this.live.values()) if (a.name === name) return a;
      return undefined;
    }
    return this.live.get(ref);
  }

  private current_(): Activity | undefined {
    const a = activityContext.getStore();
    return a && a.owner === this && !a.ended ? a : undefined;
  }

  private add(timer: IdleTimer): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, timer);
    this.changed();
    return { id };
  }

  /** Something happened: (re)start the quiet-turn countdown that may end in a jump. */
  private changed(): void {
    this.version++;
    this.stopPacing();
    if (this.checking) return;
    this.checking = true;
    this.countdown(this.version, 0);
  }

  private countdown(seen: number, turns: number): void {
    setImmediate(() => {
      if (this.version !== seen) return this.countdown(this.version, 0);
      if (turns + 1 < QUIET_TURNS) return this.countdown(seen, turns + 1);
      this.checking = false;
      this.jump();
    });
  }

  /** Fires the next due timer when every live activity waits and at least one does. */
  private jump(): void {
    if (this.live.size === 0 || [...this.live.values()].some(isBusy)) return;
    let next: [number, IdleTimer] | undefined;
    for (const entry of this.timers) {
      const t = entry[1];
      if (!next || t.due < next[1].due || (t.due === next[1].due && t.seq < next[1].seq)) next = entry;
    }
    if (!next) return;
    const [id, timer] = next;
    if (this.pace !== undefined && timer.due > this.current) {
      this.startPacing(timer.due);
      return;
    }
    this.current = Math.max(this.current, timer.due);
    if (timer.every) {
      timer.due += timer.every;
      timer.seq = this.seq++;
    } else this.timers.delete(id);
    this.jumps++;
    this.changed();
    timer.fn();
  }

  /** Paced mode: let AWS time run at `pace` × wall until `due`, unless something happens first. */
  private startPacing(due: number): void {
    const wall0 = performance.now();
    const aws0 = this.current;
    const timer = setTimeout(
      () => {
        this.paced = undefined;
        this.current = Math.max(this.current, due);
        this.jump();
      },
      (due - aws0) / this.pace!,
    );
    this.paced = { wall0, aws0, due, timer };
  }

  private stopPacing(): void {
    if (!this.paced) return;
    const now = this.now();
    clearTimeout(this.paced.timer);
    this.paced = undefined;
    this.current = Math.max(this.current, now);
  }
}

function isBusy(a: Activity): boolean {
  return a.parked === 0 && a.children === 0;
}
