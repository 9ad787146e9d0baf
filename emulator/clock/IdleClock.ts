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

/**
 * What an idle-skipping clock does instead of jumping when the AWS time it runs on is another
 * process's (`engine serve --time-scale idle`; engine/RemoteTimeLink.ts, emulator/clock/clockRoutes.ts).
 */
export interface RemoteTime {
  /** This process's session on the other clock: every request to it names the session. */
  readonly session: string;
  /** Parks the session until AWS time `until` (none: until an answer wakes it); resolves with the AWS time then. */
  park(until: number | undefined): Promise<number>;
  /** Ends a pending park at once: this process has work of its own again. */
  unpark(): void;
  /** Whether a fetch to `origin` (`http://host:port`) goes to the emulator. */
  isEmulator(origin: string): boolean;
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

  private readonly remote: RemoteTime | undefined;
  private parking = false;
  private unparked = false;

  constructor(options: { seed?: number; start?: number; pace?: number; remote?: RemoteTime } = {}) {
    this.pace = options.pace;
    this.remote = options.remote;
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

  /** The current activity's id; on a remote clock, this process's session there (inside an activity or not). */
  activityId(): string | undefined {
    return this.remote ? this.remote.session : this.current_()?.id;
  }

  describe(): string {
    if (this.remote) return `idle-skipping, shared with the emulator (seed ${this.seed})`;
    return this.pace === undefined ? `idle-skipping (seed ${this.seed})` : `${this.pace}× wall while idle (seed ${this.seed})`;
  }

  /** Parks the current activity until `until` settles: it waits, but on nothing of this clock's. */
  park(until: Promise<unknown>): Promise<void> {
    const activity = this.current_();
    if (!activity) return this.activity('park', () => this.park(until));
    activity.parked++;
    this.changed();
    return until.then(
      () => this.unpark(activity),
      () => this.unpark(activity),
    );
  }

  /** AWS time another process's clock reported (a remote clock's answers): time only moves forward. */
  observe(now: number): void {
    if (Number.isFinite(now) && now > this.current) this.current = now;
  }

  /**
   * On a remote clock, the header value that names `activity` to the emulator (this process's
   * session) for a fetch to `origin`, or undefined when the fetch goes elsewhere; in process, the
   * activity's own id.
   */
  tagFor(activity: Activity, origin: string): string | undefined {
    if (!this.remote) return activity.id;
    return this.remote.isEmulator(origin) ? this.remote.session : undefined;
  }

  /**
   * A request of this process to the remote clock's emulator, made inside `activity`, is in
   * flight: the activity waits on it as on a child (the emulator holds time while it works on it).
   */
  outbound(activity: Activity, inFlight: boolean): void {
    if (!this.remote || activity.owner !== this) return;
    activity.children += inFlight ? 1 : -1;
    this.changed();
  }

  private unpark(activity: Activity): void {
    activity.parked--;
    this.changed();
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
    // Parked on the emulator, and work of this process's own began (not an answer's: that wakes the park there).
    if (this.parking && !this.unparked && [...this.live.values()].some(isBusy)) {
      this.unparked = true;
      this.remote!.unpark();
    }
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
    if (this.remote && (!next || next[1].due > this.current)) {
      this.parkRemote(next?.[1].due);
      return;
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

  /**
   * Remote: the emulator's clock moves, once every activity there waits too. This session waits
   * until `due` or until an answer from the emulator wakes it; then this clock takes the AWS time
   * reached, and the next countdown fires what is due.
   */
  private parkRemote(due: number | undefined): void {
    if (this.parking) return;
    this.parking = true;
    this.unparked = false;
    void this.remote!.park(due).then(
      (now) => {
        this.parking = false;
        this.observe(now);
        this.changed();
      },
      () => {
        // The emulator did not answer: ask again a little later (its requests will fail the run if it is gone).
        setTimeout(() => {
          this.parking = false;
          this.changed();
        }, 50).unref();
      },
    );
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
