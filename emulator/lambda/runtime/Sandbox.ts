import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runtimeExitError, sandboxTimedOut, type RuntimeErrorBody } from './runtimeErrors.ts';

/** Everything one sandbox needs, fixed for its life (a config change starts new sandboxes). */
export interface SandboxSpec {
  functionName: string;
  functionVersion: string;
  taskRoot: string;
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  /** The complete process.env of the worker. */
  env: Record<string, string>;
  logGroupName: string;
  logStreamName: string;
}

export interface InvocationRequest {
  requestId: string;
  /** The event, as JSON text. */
  payload: string;
  invokedFunctionArn: string;
  clientContext?: unknown;
}

export interface InvocationOutcome {
  requestId: string;
  /** The handler's JSON result, or the runtime's error body. */
  payload: Buffer;
  functionError?: 'Unhandled';
  /** This invocation's log, START to REPORT, as CloudWatch Logs would hold it. */
  log: string;
}

/** AWS's limit on a function's init phase (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). */
const INIT_TIMEOUT_MS = 10_000;
const WORKER_FILE = fileURLToPath(new URL('../worker.cjs', import.meta.url));

type WorkerMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'initError'; error: RuntimeErrorBody }
  | { type: 'log'; text: string }
  | { type: 'result'; id: number; payload: string; memMb?: number }
  | { type: 'error'; id: number; error: RuntimeErrorBody; memMb?: number }
  | { type: 'crash'; id?: number; error: RuntimeErrorBody };

type Ready = { ok: true; initMs: number } | { ok: false; error: RuntimeErrorBody };

interface Pending {
  id: number;
  requestId: string;
  started: number;
  lines: string[];
  timer?: NodeJS.Timeout;
  resolve(outcome: InvocationOutcome): void;
}

/**
 * One execution environment: a worker thread with its own process.env, running one invocation
 * at a time, warm between invocations. A timeout, process.exit(), an uncaught exception or an
 * out-of-memory kill ends the sandbox (and only it); the pool starts a fresh one next time.
 * Function timeouts run on real time, not the emulator clock: handler code runs at real speed,
 * and a scaled clock must not time out a function that is merely slow to start.
 */
export class Sandbox {
  private readonly worker: Worker;
  private readonly ready: Promise<Ready>;
  private resolveReady!: (ready: Ready) => void;
  private isReady = false;
  private initLines: string[] = [];
  private initReported = false;
  private pending?: Pending;
  private nextId = 1;
  private dead = false;

  constructor(
    readonly spec: SandboxSpec,
    readonly generation: number,
    private readonly log: (line: string) => void,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.worker = new Worker(WORKER_FILE, {
      workerData: {
        taskRoot: spec.taskRoot,
        handler: spec.handler,
        functionName: spec.functionName,
        functionVersion: spec.functionVersion,
        memoryLimitInMB: spec.memoryMb,
        logGroupName: spec.logGroupName,
        logStreamName: spec.logStreamName,
      },
      env: spec.env,
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(spec.memoryMb, 128) },
    });
    this.worker.unref();
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      stream.on('data', (chunk: Buffer) => this.addLog(chunk.toString('utf8')));
    }
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.die(oom ? { kind: 'oom' } : { kind: 'error', message: err.message });
    });
    this.worker.on('exit', (code) => this.die({ kind: 'exit', code }));
  }

  /** False once the sandbox died or was ended; the pool then drops it. */
  get usable(): boolean {
    return !this.dead;
  }

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.pending) throw new Error('a sandbox runs one invocation at a time');
    this.worker.ref();
    const started = performance.now();
    let initTimer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      this.ready,
      new Promise<Ready>((resolve) => {
        initTimer = setTimeout(
          () => resolve({ ok: false, error: sandboxTimedOut(request.requestId, INIT_TIMEOUT_MS / 1000) }),
          INIT_TIMEOUT_MS,
        );
      }),
    ]);
    clearTimeout(initTimer);
    const initPrefix = this.takeInitLog(ready);
    if (!ready.ok) {
      void this.terminate();
      return {
        requestId: request.requestId,
        payload: Buffer.from(JSON.stringify(ready.error)),
        functionError: 'Unhandled',
        log: initPrefix + this.frame(request.requestId, [], performance.now() - started, undefined, 'error'),
      };
    }
    if (this.dead) {
      return this.failure(request.requestId, [], started, runtimeExitError(request.requestId, undefined), initPrefix);
    }
    return new Promise<InvocationOutcome>((resolve) => {
      const id = this.nextId++;
      const timeoutMs = this.spec.timeoutSec * 1000;
      const pending: Pending = {
        id,
        requestId: request.requestId,
        started: performance.now(),
        lines: [],
        resolve: (outcome) => {
          clearTimeout(pending.timer);
          this.pending = undefined;
          if (!this.dead) this.worker.unref();
          resolve({ ...outcome, log: initPrefix + outcome.log });
        },
      };
      this.pending = pending;
      pending.timer = setTimeout(() => this.onTimeout(pending), timeoutMs);
      this.worker.postMessage({
        type: 'invoke',
        id,
        payload: request.payload,
        context: {
          awsRequestId: request.requestId,
          invokedFunctionArn: request.invokedFunctionArn,
          clientContext: request.clientContext,
          deadline: Date.now() + timeoutMs,
        },
      });
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate().catch(() => undefined);
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.isReady = true;
        this.resolveReady({ ok: true, initMs: message.initMs });
        return;
      case 'initError':
        this.isReady = true;
        this.resolveReady({ ok: false, error: message.error });
        return;
      case 'log':
        this.addLog(message.text);
        return;
      case 'result':
      case 'error': {
        const pending = this.pending;
        if (!pending || pending.id !== message.id) return;
        const duration = performance.now() - pending.started;
        if (message.type === 'result') {
          pending.resolve({
            requestId: pending.requestId,
            payload: Buffer.from(message.payload),
            log: this.frame(pending.requestId, pending.lines, duration, message.memMb),
          });
        } else {
          pending.resolve({
            requestId: pending.requestId,
            payload: Buffer.from(JSON.stringify(message.error)),
            functionError: 'Unhandled',
            log: this.frame(pending.requestId, pending.lines, duration, message.memMb),
          });
        }
        return;
      }
      case 'crash': {
        // Like the runtime interface client: report the error for the running invocation, exit.
        const pending = this.pending;
        void this.terminate();
        if (pending) pending.resolve(this.failure(pending.requestId, pending.lines, pending.started, message.error));
        return;
      }
    }
  }

  private onTimeout(pending: Pending): void {
    if (this.pending !== pending) return;
    const seconds = this.spec.timeoutSec;
    pending.lines.push(`${new Date().toISOString()} ${pending.requestId} Task timed out after ${seconds.toFixed(2)} seconds\n`);
    void this.terminate();
    pending.resolve({
      requestId: pending.requestId,
      payload: Buffer.from(JSON.stringify(sandboxTimedOut(pending.requestId, seconds))),
      functionError: 'Unhandled',
      log: this.frame(pending.requestId, pending.lines, performance.now() - pending.started, undefined, 'timeout'),
    });
  }

  private die(how: { kind: 'exit'; code: number } | { kind: 'oom' } | { kind: 'error'; message: string }): void {
    const wasDead = this.dead;
    this.dead = true;
    if (!this.isReady) {
      this.isReady = true;
      const message =
        how.kind === 'exit' ? `Runtime exited with error: exit status ${how.code}` : how.kind === 'oom' ? 'Runtime exited with error: signal: killed' : how.message;
      this.resolveReady({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: message } });
    }
    const pending = this.pending;
    if (!pending) return;
    if (wasDead && how.kind === 'exit') {
      // Ended by us (timeout/crash already answered it) or by stop(): answer anything left.
      pending.resolve(this.failure(pending.requestId, pending.lines, pending.started, runtimeExitError(pending.requestId, how.code)));
      return;
    }
    const error =
      how.kind === 'oom'
        ? { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${pending.requestId} Error: Runtime exited with error: signal: killed` }
        : how.kind === 'exit'
          ? runtimeExitError(pending.requestId, how.code)
          : { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${pending.requestId} Error: ${how.message}` };
    pending.resolve(this.failure(pending.requestId, pending.lines, pending.started, error));
  }

  private failure(requestId: string, lines: string[], started: number, error: RuntimeErrorBody, prefix = ''): InvocationOutcome {
    return {
      requestId,
      payload: Buffer.from(JSON.stringify(error)),
      functionError: 'Unhandled',
      log: prefix + this.frame(requestId, lines, performance.now() - started, undefined, 'error'),
    };
  }

  private addLog(text: string): void {
    if (this.pending) this.pending.lines.push(text);
    else if (!this.isReady) this.initLines.push(text);
    else this.log(`lambda ${this.spec.functionName}: ${text.trimEnd()}`);
  }

  /** The init phase's log, once, in front of the first invocation's START line. */
  private takeInitLog(ready: Ready): string {
    if (this.initReported) return '';
    this.initReported = true;
    const lines = this.initLines.join('');
    this.initLines = [];
    this.initMs = ready.ok ? ready.initMs : undefined;
    return lines;
  }

  private initMs?: number;

  private frame(requestId: string, lines: string[], durationMs: number, memMb?: number, status?: 'timeout' | 'error'): string {
    const init = this.initMs !== undefined ? `\tInit Duration: ${this.initMs.toFixed(2)} ms` : '';
    this.initMs = undefined;
    const used = memMb ?? Math.min(this.spec.memoryMb, 64);
    return (
      `START RequestId: ${requestId} Version: ${this.spec.functionVersion}\n` +
      lines.join('') +
      `END RequestId: ${requestId}\n` +
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\t` +
      `Memory Size: ${this.spec.memoryMb} MB\tMax Memory Used: ${Math.ceil(used)} MB${init}${status ? `\tStatus: ${status}` : ''}\t\n`
    );
  }
}
