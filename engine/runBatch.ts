import { startRun } from './run.ts';
import type { RunHandle, RunOptions } from './runContract.ts';

/**
 * The runs one command starts side by side (`engine prove`, `engine repeat`), stopped together
 * on a signal as `engine run` stops its one run: the first interrupt makes every running run
 * compensate and starts no new one; the second stops them at once.
 */
export class RunBatch {
  private readonly active = new Set<RunHandle>();
  private signals = 0;

  /** Whether an interrupt came: runs not started yet are not started. */
  get interrupted(): boolean {
    return this.signals > 0;
  }

  /** Starts a run, unless the batch was interrupted (then undefined). */
  start(options: RunOptions): RunHandle | undefined {
    if (this.interrupted) return undefined;
    const handle = startRun(options);
    this.active.add(handle);
    void handle.done.finally(() => this.active.delete(handle));
    return handle;
  }

  /** An interrupt (Ctrl-C, SIGTERM): the first compensates every running run, the second stops them at once. */
  interrupt(signal = 'SIGINT'): void {
    this.signals++;
    for (const handle of this.active) {
      if (this.signals === 1) handle.interrupt();
      else if (!handle.finished) void handle.abortNow(`second ${signal}`);
    }
  }
}
