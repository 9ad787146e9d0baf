import type { Writable } from 'node:stream';

/**
 * Where the CLI and its commands read and write: results on `out` (stdout), progress and
 * diagnostics on `err` (stderr). Tests pass their own to call `main` in-process.
 */
export interface Io {
  out: Writable & { isTTY?: boolean };
  err: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The folder relative paths (the default `.engine` state dir) are resolved against. */
  cwd: string;
  /**
   * Subscribes to interrupts (SIGINT/SIGTERM for the process) and returns the unsubscribe.
   * Absent: nothing interrupts (in-process tests interrupt through the run handle).
   */
  onInterrupt?(handler: (signal: NodeJS.Signals) => void): () => void;
  /** Ends the process at once (after a second interrupt). Absent: nothing to end. */
  exit?(code: number): void;
}

/** The process's own streams, environment, working folder and signals. */
export function processIo(): Io {
  return {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    exit: (code) => process.exit(code),
  };
}
