import { ServiceError } from '../../protocol/ServiceError.ts';
import { Sandbox, type InvocationOutcome, type InvocationRequest, type SandboxSpec } from './Sandbox.ts';

/**
 * The sandboxes of one function. Concurrency works as on AWS: each concurrent invocation gets
 * its own sandbox (a new worker when none is idle), up to `maxConcurrency` per function; beyond
 * that, invocations wait in FIFO order instead of AWS's 429 TooManyRequestsException. Idle
 * sandboxes stay warm until the function's code or configuration changes (`recycle`) or the
 * function is deleted (`dispose`).
 */
export class FunctionPool {
  private readonly sandboxes = new Set<Sandbox>();
  private idle: Sandbox[] = [];
  private readonly waiting: { resolve(s: Sandbox): void; reject(e: Error): void }[] = [];
  private generation = 0;
  private disposed = false;
  private readonly drained = new Map<number, { count: number; done: () => void }>();

  constructor(
    /** Called for each new sandbox, so a new one always sees the current configuration. */
    private readonly specFor: () => SandboxSpec,
    private readonly log: (line: string) => void,
    private readonly maxConcurrency = 10,
  ) {}

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    const sandbox = await this.acquire();
    try {
      return await sandbox.invoke(request);
    } finally {
      this.release(sandbox);
    }
  }

  /**
   * New invocations get sandboxes with the current spec; idle ones end now, busy ones after
   * their invocation. Resolves once every old sandbox has ended (so old code can be removed).
   */
  recycle(): Promise<void> {
    const old = this.generation++;
    for (const sandbox of this.idle) this.drop(sandbox);
    this.idle = [];
    const left = [...this.sandboxes].filter((s) => s.generation === old).length;
    if (left === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.set(old, { count: left, done: resolve }));
  }

  /** Ends every sandbox now (running invocations answer Runtime.ExitError) and refuses new ones. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(new ServiceError('ResourceConflictException', 'The function was deleted while the invocation was waiting for a sandbox.', { status: 409 }));
    }
    const all = [...this.sandboxes];
    this.sandboxes.clear();
    this.idle = [];
    await Promise.all(all.map((s) => s.terminate()));
    for (const { done } of this.drained.values()) done();
    this.drained.clear();
  }

  /** Live sandboxes (tests and the bench look at warmth through it). */
  get size(): number {
    return this.sandboxes.size;
  }

  private acquire(): Promise<Sandbox> {
    if (this.disposed) return Promise.reject(new ServiceError('ResourceConflictException', 'The function is being deleted.', { status: 409 }));
    while (this.idle.length > 0) {
      const sandbox = this.idle.pop()!;
      if (sandbox.usable && sandbox.generation === this.generation) return Promise.resolve(sandbox);
      this.drop(sandbox);
    }
    if (this.sandboxes.size < this.maxConcurrency) return Promise.resolve(this.spawn());
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(sandbox: Sandbox): void {
    if (this.disposed) return;
    if (!sandbox.usable || sandbox.generation !== this.generation) {
      this.drop(sandbox);
    } else {
      const waiter = this.waiting.shift();
      if (waiter) return waiter.resolve(sandbox);
      this.idle.push(sandbox);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(this.spawn());
  }

  private spawn(): Sandbox {
    const sandbox = new Sandbox(this.specFor(), this.generation, this.log);
    this.sandboxes.add(sandbox);
    return sandbox;
  }

  private drop(sandbox: Sandbox): void {
    if (!this.sandboxes.delete(sandbox)) return;
    void sandbox.terminate();
    const drain = this.drained.get(sandbox.generation);
    if (drain && --drain.count === 0) {
      this.drained.delete(sandbox.generation);
      drain.done();
    }
  }
}
