import { frameLog } from './invocationLog.ts';
import { describeProcessEnd, runtimeExitError, runtimeOutOfMemory, sandboxTimedOut, type RuntimeErrorBody } from './runtimeErrors.ts';
import { SandboxProcess, type SandboxExit } from './sandboxProcess.ts';

/** Everything one sandbox needs, fixed for its life (a config change starts new sandboxes). */
export interface SandboxSpec {
  functionName: string;
  functionVersion: string;
  taskRoot: string;
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  /** The complete environment of the sandbox process. */
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
  /**
   * Ends the invocation when aborted (the caller's timeout on the emulator clock): the process
   * is killed and the invocation answers `Sandbox.Timedout`, as when its wall-time timeout fires.
   */
  signal?: AbortSignal;
  /** Sent as `x-fe-activity` on the handler's requests to the emulator while this invocation runs. */
  activityId?: string;
  /**
   * Wait for a free slot instead of answering 429 when a concurrency limit is reached (the
   * Event invocation type: AWS queues those and retries throttled ones).
   */
  queueWhenThrottled?: boolean;
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
/** How often a running invocation's resident memory is compared with the function's memory size. */
const MEMORY_POLL_MS = 10;

type ChildMessage =
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
  maxMemMb: number;
  initMs?: number;
  prefix: string;
  timer?: NodeJS.Timeout;
  poll?: NodeJS.Timeout;
  unlisten?: () => void;
  resolve(outcome: InvocationOutcome): void;
}

/**
 * One execution environment: a child process (bootstrap.cjs) with only the Lambda environment,
 * V8 limits from the memory size, and its resident memory watched while it runs; one invocation
 * at a time, warm between invocations. A timeout, an abort, process.exit(), a signal, an
 * uncaught exception or going past the memory size ends the process (and only it), answering
 * that invocation with AWS's error; the pool starts a fresh one next time. The function timeout
 * runs on wall time: handler code runs at real speed whatever the emulator clock's scale.
 */
export class Sandbox {
  private readonly process: SandboxProcess<ChildMessage>;
  private readonly ready: Promise<Ready>;
  private resolveReady!: (ready: Ready) => void;
  private isReady = false;
  private initLines: string[] = [];
  private initMs?: number;
  private initReported = false;
  private pending?: Pending;
  private nextId = 1;
  private ended = false;

  constructor(
    readonly spec: SandboxSpec,
    readonly generation: number,
    private readonly log: (line: string) => void,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    const boot = {
      taskRoot: spec.taskRoot,
      handler: spec.handler,
      functionName: spec.functionName,
      functionVersion: spec.functionVersion,
      memoryLimitInMB: spec.memoryMb,
      logGroupName: spec.logGroupName,
      logStreamName: spec.logStreamName,
    };
    this.process = new SandboxProcess<ChildMessage>(boot, spec.env, {
      message: (message) => this.onMessage(message),
      output: (text) => this.addLog(text),
      exit: (exit) => this.die(exit),
    });
  }

  /** False once the sandbox died or was ended; the pool then drops it. */
  get usable(): boolean {
    return !this.ended && this.process.alive;
  }

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.pending) throw new Error('a sandbox runs one invocation at a time');
    this.process.setRef(true);
    const started = performance.now();
    const ready = await this.waitReady(request.requestId);
    const prefix = this.takeInitLog();
    if (!ready.ok) {
      void this.terminate();
      return this.answer(request.requestId, [], started, ready.error, prefix);
    }
    if (!this.usable) return this.answer(request.requestId, [], started, runtimeExitError(request.requestId, undefined), prefix);
    if (request.signal?.aborted) {
      return this.answer(request.requestId, [], started, sandboxTimedOut(request.requestId, this.spec.timeoutSec), prefix, 'timeout');
    }
    return new Promise<InvocationOutcome>((resolve) => this.start(request, prefix, resolve));
  }

  /** Kills the process; resolves once it is gone. A running invocation answers Runtime.ExitError. */
  async terminate(): Promise<void> {
    this.ended = true;
    await this.process.kill();
  }

  private start(request: InvocationRequest, prefix: string, resolve: (o: InvocationOutcome) => void): void {
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSec * 1000;
    const pending: Pending = {
      id,
      requestId: request.requestId,
      started: performance.now(),
      lines: [],
      maxMemMb: 0,
      initMs: this.initMs,
      prefix,
      resolve: (outcome) => {
        clearTimeout(pending.timer);
        clearInterval(pending.poll);
        pending.unlisten?.();
        this.pending = undefined;
        if (this.usable) this.process.setRef(false);
        resolve({ ...outcome, log: prefix + outcome.log });
      },
    };
    this.initMs = undefined;
    this.pending = pending;
    pending.timer = setTimeout(() => this.end(pending, 'timeout'), timeoutMs);
    pending.poll = setInterval(() => this.checkMemory(pending), MEMORY_POLL_MS);
    if (request.signal) {
      const onAbort = () => this.end(pending, 'timeout');
      request.signal.addEventListener('abort', onAbort, { once: true });
      pending.unlisten = () => request.signal?.removeEventListener('abort', onAbort);
    }
    this.process.send({
      type: 'invoke',
      id,
      payload: request.payload,
      activityId: request.activityId,
      context: {
        awsRequestId: request.requestId,
        invokedFunctionArn: request.invokedFunctionArn,
        clientContext: request.clientContext,
        deadline: Date.now() + timeoutMs,
      },
    });
  }

  private async waitReady(requestId: string): Promise<Ready> {
    let initTimer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      this.ready,
      new Promise<Ready>((resolve) => {
        initTimer = setTimeout(() => resolve({ ok: false, error: sandboxTimedOut(requestId, INIT_TIMEOUT_MS / 1000) }), INIT_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(initTimer);
    return ready;
  }

  private checkMemory(pending: Pending): void {
    const mb = this.process.residentMb();
    if (mb === undefined) return;
    pending.maxMemMb = Math.max(pending.maxMemMb, mb);
    if (mb > this.spec.memoryMb) this.end(pending, 'oom');
  }

  /** Ends the running invocation from outside (timeout, abort, memory), then the process. */
  private end(pending: Pending, why: 'timeout' | 'oom'): void {
    if (this.pending !== pending) return;
    if (why === 'timeout') {
      const seconds = this.spec.timeoutSec;
      pending.lines.push(`${new Date().toISOString()} ${pending.requestId} Task timed out after ${seconds.toFixed(2)} seconds\n`);
      this.settle(pending, sandboxTimedOut(pending.requestId, seconds), 'timeout');
    } else {
      pending.maxMemMb = this.spec.memoryMb;
      this.settle(pending, runtimeOutOfMemory(pending.requestId), 'error');
    }
    void this.terminate();
  }

  private onMessage(message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
      case 'initError':
        this.isReady = true;
        this.initMs = message.type === 'ready' ? message.initMs : undefined;
        this.resolveReady(message.type === 'ready' ? { ok: true, initMs: message.initMs } : { ok: false, error: message.error });
        return;
      case 'log':
        this.addLog(message.text);
        return;
      case 'result':
      case 'error': {
        const pending = this.pending;
        if (!pending || pending.id !== message.id) return;
        if (message.memMb !== undefined) pending.maxMemMb = Math.max(pending.maxMemMb, message.memMb);
        if (message.type === 'error') this.settle(pending, message.error);
        else pending.resolve({ requestId: pending.requestId, payload: Buffer.from(message.payload), log: this.frame(pending) });
        return;
      }
      case 'crash': {
        // Like the runtime interface client: report the error for the running invocation, exit.
        const pending = this.pending;
        void this.terminate();
        if (pending) this.settle(pending, message.error, 'error');
        return;
      }
    }
  }

  private die(exit: SandboxExit): void {
    this.ended = true;
    this.process.setRef(false);
    if (!this.isReady) {
      this.isReady = true;
      const error = exit.heapOom
        ? { errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed' }
        : { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${describeProcessEnd(exit)}` };
      this.resolveReady({ ok: false, error });
    }
    const pending = this.pending;
    if (!pending) return;
    if (exit.heapOom) this.settle(pending, runtimeOutOfMemory(pending.requestId), 'error');
    else this.settle(pending, runtimeExitError(pending.requestId, exit.killed ? undefined : exit), 'error');
  }

  private settle(pending: Pending, error: RuntimeErrorBody, status?: 'timeout' | 'error'): void {
    pending.resolve({
      requestId: pending.requestId,
      payload: Buffer.from(JSON.stringify(error)),
      functionError: 'Unhandled',
      log: this.frame(pending, status),
    });
  }

  private answer(
    requestId: string,
    lines: string[],
    started: number,
    error: RuntimeErrorBody,
    prefix: string,
    status: 'timeout' | 'error' = 'error',
  ) {
    const log = frameLog({
      requestId,
      functionVersion: this.spec.functionVersion,
      memorySizeMb: this.spec.memoryMb,
      lines,
      durationMs: performance.now() - started,
      status,
    });
    this.process.setRef(false);
    return { requestId, payload: Buffer.from(JSON.stringify(error)), functionError: 'Unhandled' as const, log: prefix + log };
  }

  private frame(pending: Pending, status?: 'timeout' | 'error'): string {
    return frameLog({
      requestId: pending.requestId,
      functionVersion: this.spec.functionVersion,
      memorySizeMb: this.spec.memoryMb,
      lines: pending.lines,
      durationMs: performance.now() - pending.started,
      maxMemoryUsedMb: pending.maxMemMb || undefined,
      initMs: pending.initMs,
      status,
    });
  }

  private addLog(text: string): void {
    if (this.pending) this.pending.lines.push(text);
    else if (!this.isReady) this.initLines.push(text);
    else this.log(`lambda ${this.spec.functionName}: ${text.trimEnd()}`);
  }

  /** The init phase's log, once, in front of the first invocation's START line. */
  private takeInitLog(): string {
    if (this.initReported) return '';
    this.initReported = true;
    const lines = this.initLines.join('');
    this.initLines = [];
    return lines;
  }
}
