import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/** How the operating system schedules a thread after `raiseThreadPriority`. */
export interface ThreadPriority {
  priority: 'realtime' | 'normal';
  /** The thread's Linux id (when known). */
  tid?: number;
  /** Why it stayed `normal`: not Linux, no `chrt`, not permitted. */
  reason?: string;
}

/**
 * Asks Linux to schedule the calling thread with the real-time policy SCHED_FIFO at priority 1
 * (the lowest real-time priority): it then runs as soon as it is runnable, ahead of every
 * ordinary thread of the machine, instead of waiting for its share of a core. The DNS thread
 * uses it so that a gateway saturated with HTTP work on the other threads cannot delay an
 * answer (docs/dns.md). Its work per packet is small and bounded, and Linux caps real-time
 * threads at 95% of a core by default (`/proc/sys/kernel/sched_rt_runtime_us`), so the rest of
 * the machine keeps running even under a query flood.
 *
 * Node has no binding for sched_setscheduler(2), so this runs util-linux's `chrt` on the
 * thread's id (read from `/proc/thread-self`). It needs root or CAP_SYS_NICE; without them, or
 * off Linux, the thread keeps its normal priority and the result says why. Never rejects.
 */
export function raiseThreadPriority(): Promise<ThreadPriority> {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return Promise.resolve({ priority: 'normal', reason: 'no /proc/thread-self (not Linux)' });
  }
  return new Promise((resolve) => {
    execFile('chrt', ['--fifo', '--pid', '1', String(tid)], { timeout: 2_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ priority: 'realtime', tid });
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'chrt not found' : stderr.trim() || err.message;
      resolve({ priority: 'normal', tid, reason: why });
    });
  });
}
