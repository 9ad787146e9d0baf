import type { Clock } from '../clock.ts';

/**
 * A sleep built on `clock.setTimeout`; rejects with the signal's reason on abort. With
 * `keepAlive` a real (long, ref'd) timer keeps the process alive meanwhile, as a plain
 * `setTimeout` would: the scaled clock's own timers are unref'd.
 */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal, keepAlive = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const alive = keepAlive ? setInterval(() => {}, 1 << 30) : undefined;
    const handle = clock.setTimeout(() => {
      clearInterval(alive);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearInterval(alive);
      clock.clear(handle);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
