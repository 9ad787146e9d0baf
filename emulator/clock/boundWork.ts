import type { Clock } from '../clock.ts';

/**
 * Wall time after which the emulator's own probes count work that keeps AWS time still as hung.
 * A health check's 2 s for the status still holds in AWS time; its wall half waits this long, so
 * that a machine that is merely slow (a Lambda cold start on a loaded machine) never turns into
 * a failed probe AWS would not have seen.
 */
export const HANG_AFTER_WALL_MS = 30_000;

/**
 * Arms a bound on work that may hang or spin (a probe's connect and response timeouts, a step's
 * `timeout:`): `onExpire` runs after `ms` of AWS time, or after `max(ms, hangAfterWallMs)` of
 * wall time, whichever comes first. On the idle-skipping clock AWS time stands still while the
 * work is busy, so the wall-time half is what ends a busy loop or a hung endpoint (its result
 * then carries the AWS time at which it started: no AWS time passed); on a scaled clock the
 * AWS-time half comes first. A step's `timeout:` is the user's and holds in wall time as written
 * (`timeout: 2s` on a hung step ends it after 2 s); the health checker's probes pass
 * HANG_AFTER_WALL_MS, so their verdicts never depend on the machine's speed short of a 30 s
 * stall. Returns a function that disarms both.
 */
export function boundWork(clock: Clock, ms: number, onExpire: () => void, hangAfterWallMs = 0): () => void {
  let done = false;
  const fire = () => {
    if (done) return;
    disarm();
    onExpire();
  };
  const handle = clock.setTimeout(fire, ms);
  // Not unref'd: a hung step whose only pending thing is its bound must still reach the bound
  // (an unref'd timer would let the process exit with the step's promise unsettled).
  const wall = setTimeout(fire, Math.max(0, ms, hangAfterWallMs));
  const disarm = () => {
    done = true;
    clock.clear(handle);
    clearTimeout(wall);
  };
  return disarm;
}
