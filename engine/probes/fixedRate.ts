import { setMaxListeners } from 'node:events';
import type { Clock, Target } from '../types.ts';
import type { EmitEvidence } from '../evidence.ts';

/** What every probe runs with: the target it observes, the run's clock (AWS time), and where samples go. */
export interface ProbeRuntime {
  target: Target;
  clock: Clock;
  emit: EmitEvidence;
}

/** A started probe. `stop()` ends the loop, waits for requests in flight to record their sample, and never rejects. */
export interface RunningProbe {
  readonly name: string;
  stop(): Promise<void>;
}

/**
 * Calls `tick(n)` at a fixed rate in AWS time: at start, start + interval, start + 2 × interval,
 * ... (an open loop: a slow tick does not delay the next, as real clients do not wait for each
 * other). A tick that is late (the clock jumped past several due times) runs once, not once per
 * missed slot. Ticks get an AbortSignal aborted by `stop()`; their own failures are theirs to
 * record, and are swallowed here.
 */
export function runAtFixedRate(
  name: string,
  clock: Clock,
  intervalMs: number,
  tick: (n: number, signal: AbortSignal) => Promise<void>,
): RunningProbe {
  if (!(intervalMs > 0)) throw new RangeError(`probe '${name}': interval must be > 0 ms, got ${intervalMs}`);
  const controller = new AbortController();
  // Every request in flight listens to the probe's signal: more than ten is normal, not a leak.
  setMaxListeners(0, controller.signal);
  const inFlight = new Set<Promise<void>>();
  const start = clock.now();
  const loop = (async () => {
    for (let slot = 0, count = 1; !controller.signal.aborted; count++) {
      const running = tick(count, controller.signal).catch(() => {});
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
      // The next slot after now: missed slots are skipped, not replayed.
      slot = Math.max(slot + 1, Math.ceil((clock.now() - start) / intervalMs));
      try {
        await clock.sleep(Math.max(0, start + slot * intervalMs - clock.now()), controller.signal);
      } catch {
        return;
      }
    }
  })();
  return {
    name,
    async stop() {
      controller.abort(new Error(`probe '${name}' stopped`));
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
}
