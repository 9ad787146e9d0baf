import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Lines held before they are appended to the file. */
const BATCH = 256;

/** The embedded emulator's log, kept in the run's folder. */
export interface EmulatorLogFile {
  readonly path: string;
  /** Takes one line of the emulator's log (a request, a health-check change, a Lambda log line). */
  log(line: string): void;
  /** Appends what is held; true when the file has any line. */
  flush(): boolean;
}

/**
 * The embedded emulator's log as a file (`runs/<id>/emulator.log`): on an endpoint, `engine serve`
 * prints these lines itself; embedded, they were nowhere, and a failed step's cause (a health check
 * that stays healthy, a 403 from API Gateway, a Lambda's own error) was only guessable. Each line is
 * masked like everything the run prints, and stamped with the AWS time it was logged at. Written in
 * batches, off the drill's hot path; the file exists only once a line came. A file that cannot be
 * written is given up silently: the log only helps, the run never depends on it.
 */
export function emulatorLogFile(path: string, mask: (text: string) => string, now: () => number): EmulatorLogFile {
  let held: string[] = [];
  let written = false;
  let broken = false;
  const flush = (): boolean => {
    if (held.length > 0 && !broken) {
      try {
        if (!written) mkdirSync(dirname(path), { recursive: true });
        appendFileSync(path, held.join(''));
        written = true;
      } catch {
        broken = true;
      }
    }
    held = [];
    return written;
  };
  return {
    path,
    log(line) {
      held.push(`${new Date(now()).toISOString()} ${mask(line)}\n`);
      if (held.length >= BATCH) flush();
    },
    flush,
  };
}
