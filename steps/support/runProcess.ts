import { spawn } from 'node:child_process';
import type { Clock } from '../../engine/types.ts';

/** What {@link runProcess} starts: an argv list, run without a shell unless `shell` is set. */
export interface ProcessSpec {
  argv: string[];
  /** Run through `/bin/sh -c` (Node's `shell: true`): the argv items are joined with spaces. */
  shell: boolean;
  env: Record<string, string>;
  cwd: string;
  /** Engine-clock milliseconds before the process is killed (SIGTERM, then SIGKILL). */
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each; the rest is counted, not kept. */
  maxOutputBytes: number;
  clock: Clock;
  signal: AbortSignal;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Whether stdout or stderr was longer than `maxOutputBytes`. */
  truncated: boolean;
  /** True when the timeout killed it. */
  timedOut: boolean;
}

/** Grace between SIGTERM and SIGKILL when the timeout or an abort ends a process. */
const KILL_GRACE_MS = 2000;

/**
 * Runs a process to its end and collects bounded output. Rejects only when it cannot start
 * (e.g. ENOENT); a non-zero exit, a kill by the timeout or by `signal` resolve with what was
 * seen, and the caller decides. The process environment is this one's plus `env`.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = spec.shell ? [spec.argv.join(' ')] : spec.argv;
    const child = spawn(command!, args, {
      shell: spec.shell,
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = collector(spec.maxOutputBytes);
    const err = collector(spec.maxOutputBytes);
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    let timedOut = false;
    const stopTimer = new AbortController();
    const kill = () => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    };
    spec.clock.sleep(spec.timeoutMs, stopTimer.signal).then(
      () => {
        timedOut = true;
        kill();
      },
      () => undefined,
    );
    const onAbort = () => kill();
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      stopTimer.abort();
      spec.signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      done();
      resolve({ exitCode, signal, stdout: out.text(), stderr: err.text(), truncated: out.truncated() || err.truncated(), timedOut });
    });
  });
}

function collector(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push: (chunk: Buffer) => {
      if (size < max) chunks.push(chunk.subarray(0, max - size));
      size += chunk.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => size > max,
  };
}
