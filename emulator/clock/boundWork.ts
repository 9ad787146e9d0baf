import type { Clock } from '../clock.ts';

/**
 * Arms a bound on work that may hang or spin (a function's timeout, a probe's connect and
 * response timeouts): `onExpire` runs after `ms` of AWS time *or* `ms` of wall time, whichever
 * comes first. On the idle-skipping clock AWS time stands still while the work is busy, so the
 * wall-time half is what ends a busy loop or a hung endpoint; on a scaled clock the AWS-time
 * half comes first. Returns a function that disarms both.
 */
export function boundWork(clock: Clock, ms: number, onExpire: () => void): () => void {
  let done = false;
  const fire = () => {
    if (done) return;
    disarm();
    onExpire();
  };
  const handle = clock.setTimeout(fire, ms);
  // Not unref'd: a hung step whose only pending thing is its bound must still reach the bound
  // (an unref'd timer would let the process exit with the step's promise unsettled).
  const wall = setTimeout(fire, Math.max(0, ms));
  const disarm = () => {
    done = true;
    clock.clear(handle);
    clearTimeout(wall);
  };
  return disarm;
}
