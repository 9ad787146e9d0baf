import { ServiceError } from '../../protocol/ServiceError.ts';
import { Sandbox, type InvocationOutcome, type InvocationRequest, type SandboxSpec } from './Sandbox.ts';

/**
 * Admits one invocation under the function's concurrency limits: resolves to the release of its
 * slot, or rejects with 429 TooManyRequestsException (`queue`: waits for a slot instead).
 */
export type Admission = (queue: boolean) => Promise<() => void>;

/**
 * The sandboxes of one function. Each concurrent invocation gets its own sandbox process (a new
 * one when none is idle), as many as the concurrency limits admit; beyond them, invocations are
 * throttled by `admit`, not queued here. Idle sandboxes stay warm until the function's code or
 * configuration changes (`recycle`) or the function goes (`retire`, `dispose`).
 */
export class FunctionPool {
  private readonly sandboxes = new Set<Sandbox>();
  private idle: Sandbox[] = [];
  private generation = 0;
  private closed = false;
  private readonly drained = new Map<number, { count: number; done: () => void }>();
  private retired?: () => void;

  constructor(
    /** Called for each new sandbox, so a new one always sees the current configuration. */
    private readonly specFor: () => SandboxSpec,
    private readonly log: (line: string) => void,
    private readonly admit: Admission = async () => () => undefined,
  ) {}

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.closed) throw gone();
    const release = await this.admit(request.queueWhenThrottled ?? false);
    try {
      if (this.closed) throw gone();
      const sandbox = this.acquire();
      try {
        return await sandbox.invoke(request);
      } finally {
        this.release(sandbox);
      }
    } finally {
      release();
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

  /**
   * The function was deleted: refuses new invocations, ends idle sandboxes now and busy ones
   * when their invocation has answered. Resolves once none is left (so its code can be removed).
   */
  retire(): Promise<void> {
    this.closed = true;
    for (const sandbox of this.idle) this.drop(sandbox);
    this.idle = [];
    if (this.sandboxes.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.retired = resolve));
  }

  /** Ends every sandbox now (running invocations answer Runtime.ExitError) and refuses new ones. */
  async dispose(): Promise<void> {
    this.closed = true;
    const all = [...this.sandboxes];
    this.sandboxes.clear();
    this.idle = [];
    await Promise.all(all.map((s) => s.terminate()));
    for (const { done } of this.drained.values()) done();
    this.drained.clear();
    this.retired?.();
  }

  /** Live sandboxes (tests and the bench look at warmth through it). */
  get size(): number {
    return this.sandboxes.size;
  }

  private acquire(): Sandbox {
    while (this.idle.length > 0) {
      const sandbox = this.idle.pop()!;
      if (sandbox.usable && sandbox.generation === this.generation) return sandbox;
      this.drop(sandbox);
    }
    const sandbox = new Sandbox(this.specFor(), this.generation, this.log);
    this.sandboxes.add(sandbox);
    return sandbox;
  }

  private release(sandbox: Sandbox): void {
    if (this.closed || !sandbox.usable || sandbox.generation !== this.generation) this.drop(sandbox);
    else if (this.sandboxes.has(sandbox)) this.idle.push(sandbox);
  }

  private drop(sandbox: Sandbox): void {
    if (!this.sandboxes.delete(sandbox)) return;
    void sandbox.terminate();
    const drain = this.drained.get(sandbox.generation);
    if (drain && --drain.count === 0) {
      this.drained.delete(sandbox.generation);
      drain.done();
    }
    if (this.closed && this.sandboxes.size === 0) this.retired?.();
  }
}

function gone(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The function was deleted.', { status: 404 });
}
