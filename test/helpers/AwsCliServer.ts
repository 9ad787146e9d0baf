import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One AWS CLI command's result: the exit code, 0, 254 for an AWS error, 252 for a usage error. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

const SCRIPT = fileURLToPath(new URL('./awsCliServer.py', import.meta.url));
/** How long a closed CLI process may take to end before it is killed. */
const CLOSE_GRACE_MS = 5_000;

/**
 * The Python that runs `cli` (its `#!` line), when `cli` is the CLI's Python script (Debian's
 * awscli, pip's); undefined otherwise (the official v2 installer's frozen binary), where each
 * command needs a process of its own.
 */
export function cliPython(cli: string): string | undefined {
  try {
    const first = readFileSync(cli, 'latin1').slice(0, 200).split('\n')[0] ?? '';
    const interpreter = /^#!\s*(\S*python[0-9.]*)\s*$/.exec(first)?.[1];
    return interpreter && existsSync(interpreter) ? interpreter : undefined;
  } catch {
    return undefined;
  }
}

interface Pending {
  resolve(outcome: CliOutcome): void;
  timer: NodeJS.Timeout;
}

/**
 * The installed AWS CLI as a long-lived Python process (awsCliServer.py): one command at a time,
 * each with its own arguments and environment, through the CLI's own entry point. A command
 * that outlives its timeout ends the process (the next command starts another), as execFile's
 * timeout kills a CLI process. Idle, it does not keep the test process alive.
 */
export class AwsCliServer {
  private child?: ChildProcessWithoutNullStreams;
  private pending?: Pending;
  private buffered = '';
  private errors = '';

  /** `cli`: the CLI's own path, its argv[0] (argparse names the program after it). */
  constructor(
    private readonly python: string,
    private readonly cli: string,
  ) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  run(argv: string[], env: Record<string, string>, timeoutMs: number): Promise<CliOutcome> {
    if (this.pending) throw new Error('AwsCliServer runs one command at a time');
    const child = this.child ?? this.start();
    return new Promise<CliOutcome>((resolve) => {
      const timer = setTimeout(() => this.fail(`aws ${argv.join(' ')}: no answer within ${timeoutMs} ms`), timeoutMs);
      this.pending = { resolve, timer };
      this.setRef(true);
      child.stdin.write(`${JSON.stringify({ argv, env })}\n`);
    });
  }

  /**
   * Lets an idle process end on its own (its input closes) and keeps the test process alive
   * until it has: the test process then reaps it, so its CPU counts in the test process's
   * children's (what `npm test` reports), and none is left behind.
   */
  close(): void {
    const child = this.child;
    if (!child || this.pending) return;
    this.child = undefined;
    child.ref();
    // A CLI process that does not end on its own within a few seconds is ended.
    const bound = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    child.once('exit', () => clearTimeout(bound));
    child.stdin.end();
  }

  private start(): ChildProcessWithoutNullStreams {
    this.buffered = '';
    this.errors = '';
    const child = spawn(this.python, [SCRIPT, this.cli], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.errors = (this.errors + chunk).slice(-4000)));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.settle({ code: 1, stdout: '', stderr: `the AWS CLI process ended (${signal ?? code}): ${this.errors}` });
    });
    child.stdin.on('error', () => undefined);
    this.child = child;
    return child;
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    const newline = this.buffered.indexOf('\n');
    if (newline < 0) return;
    const line = this.buffered.slice(0, newline);
    this.buffered = this.buffered.slice(newline + 1);
    let outcome: CliOutcome;
    try {
      outcome = JSON.parse(line) as CliOutcome;
    } catch {
      outcome = { code: 1, stdout: '', stderr: `the AWS CLI process answered something else than JSON: ${line.slice(0, 2000)}` };
    }
    this.settle(outcome);
  }

  private fail(why: string): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
    this.settle({ code: 1, stdout: '', stderr: why });
  }

  private settle(outcome: CliOutcome): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.setRef(false);
    pending.resolve(outcome);
  }

  private setRef(on: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (on) handle.ref();
      else handle.unref();
    }
  }
}
