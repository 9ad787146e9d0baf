import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ProcessEnd } from './runtimeErrors.ts';
import { sandboxUser } from './sandboxUser.ts';

export const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.cjs', import.meta.url));
const PAGE_BYTES = 4096;
/** How long an ended process's output may lag behind its exit. */
const OUTPUT_GRACE_MS = 200;
/** What Node prints when V8's heap limit (the function's memory size) is reached. */
const HEAP_OOM = /JavaScript heap out of memory|Reached heap limit/;

/** What the bootstrap needs besides its environment (argv[2], JSON). */
export interface BootSpec {
  taskRoot: string;
  handler: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: number;
  logGroupName: string;
  logStreamName: string;
}

/** How the process ended, once its output has been read. */
export interface SandboxExit extends ProcessEnd {
  /** Ended by `kill()` (a timeout, a memory kill, a stop), not on its own. */
  killed: boolean;
  /** Node reported V8's heap limit on stderr. */
  heapOom: boolean;
}

export interface SandboxProcessEvents<M> {
  /** A message of the bootstrap (one JSON line on fd 3). */
  message(message: M): void;
  /** stdout/stderr text, and fd-3 lines that are not JSON (a handler writing there itself). */
  output(text: string): void;
  exit(exit: SandboxExit): void;
}

/**
 * Node's flags for a function of `memoryMb`, as AWS's Node.js bootstrap sets them: a new space
 * of a tenth of the memory (the semi-space half of that), the rest as old space, so the heap
 * alone cannot outgrow the function's memory size; `gc()` exposed; 80 KB HTTP headers.
 */
export function nodeArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/**
 * One sandbox process: Node running bootstrap.cjs in the task root, with `env` as its whole
 * environment, fd 3 a socket pair to the emulator (newline-delimited JSON), and, when the
 * emulator runs as root, as `nobody` (AWS runs handlers as an unprivileged user; the task roots
 * are world-readable). Unref'd unless `setRef(true)`: an idle sandbox does not keep the
 * emulator's process alive.
 */
export class SandboxProcess<M> {
  private readonly child: ChildProcess;
  private readonly channel: Readable & Writable;
  private readonly ended: Promise<void>;
  private killRequested = false;
  private heapOom = false;
  private gone = false;

  constructor(boot: BootSpec, env: Record<string, string>, events: SandboxProcessEvents<M>) {
    const user = sandboxUser(BOOTSTRAP, (line) => process.emitWarning(line));
    this.child = spawn(process.execPath, [...nodeArgs(boot.memoryLimitInMB), BOOTSTRAP, JSON.stringify(boot)], {
      cwd: boot.taskRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      ...(user ?? {}),
    });
    this.channel = this.child.stdio[3] as Readable & Writable;
    const outputs = [this.child.stdout, this.child.stderr].filter((s): s is Readable => s !== null);
    for (const stream of outputs) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        if (HEAP_OOM.test(text)) this.heapOom = true;
        events.output(text);
      });
    }
    readLines(this.channel, (line) => {
      let message: M;
      try {
        message = JSON.parse(line) as M;
      } catch {
        return events.output(`${line}\n`);
      }
      events.message(message);
    });
    let failedToStart!: () => void;
    this.ended = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      failedToStart = resolve;
    });
    this.child.on('error', (err) => {
      events.output(`${err.message}\n`);
      // Never started (no pid): there will be no 'exit' to wait for.
      if (this.child.pid !== undefined || this.gone) return;
      this.gone = true;
      failedToStart();
      events.exit({ code: null, signal: null, killed: false, heapOom: false });
    });
    // 'exit' can come before the last stderr chunk (where Node reports a heap OOM): wait for
    // the output to end, a little, before reporting it.
    const outputEnded = Promise.all(outputs.map((s) => new Promise((r) => s.once('close', r))));
    this.child.once('exit', (code, signal) => {
      this.gone = true;
      const killed = this.killRequested;
      let bound: NodeJS.Timeout | undefined;
      const late = new Promise((r) => (bound = setTimeout(r, OUTPUT_GRACE_MS)));
      void Promise.race([outputEnded, late]).then(() => {
        clearTimeout(bound);
        events.exit({ code, signal, killed, heapOom: this.heapOom });
      });
    });
    this.setRef(false);
  }

  /** False from the moment the process exited. */
  get alive(): boolean {
    return !this.gone;
  }

  send(message: unknown): void {
    if (!this.gone) this.channel.write(`${JSON.stringify(message)}\n`);
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.gone) {
      this.killRequested = true;
      this.child.kill('SIGKILL');
    }
    await this.ended;
  }

  /** Resident memory in MB from /proc (Linux); undefined where that is not readable. */
  residentMb(): number | undefined {
    try {
      const pages = Number(readFileSync(`/proc/${this.child.pid}/statm`, 'latin1').split(' ')[1]);
      return Number.isFinite(pages) ? (pages * PAGE_BYTES) / 1048576 : undefined;
    } catch {
      return undefined;
    }
  }

  /** A busy sandbox keeps the emulator's process alive; an idle one does not. */
  setRef(on: boolean): void {
    for (const handle of [this.child, this.child.stdout, this.child.stderr, this.channel] as ({ ref?(): void; unref?(): void } | null)[]) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }
}

function readLines(stream: Readable, listener: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line) listener(line);
      newline = buffered.indexOf('\n');
    }
  });
  stream.on('error', () => undefined);
}
