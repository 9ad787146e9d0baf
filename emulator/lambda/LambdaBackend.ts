import type { EmulatorRuntime } from '../types.ts';
import { functionNotFound } from './functionArn.ts';
import { LambdaStore, type FunctionRecord, type MappingRecord } from './LambdaStore.ts';
import { ConcurrencyLimits } from './runtime/ConcurrencyLimits.ts';
import { FunctionPool } from './runtime/FunctionPool.ts';
import { logStreamName, sandboxEnvironment } from './runtime/sandboxEnv.ts';
import { TaskRoots } from './runtime/TaskRoots.ts';

/**
 * How long, in emulated milliseconds, a new function stays `Pending` and an update stays
 * `InProgress`. AWS takes seconds; callers must wait for `Active` (waitUntilFunctionActiveV2 or
 * polling GetFunction) before invoking, exactly as against AWS.
 */
export const FUNCTION_PENDING_MS = 100;
/** How long an event source mapping stays `Creating`/`Deleting`, in emulated ms. */
export const MAPPING_TRANSITION_MS = 500;

/**
 * The Lambda service's state and its runtime side: functions with their sandboxes and code
 * folders, event source mappings with their pollers. Operations validate and format; this
 * class owns lifecycles, so delete, reset and stop leave no worker, timer or folder behind.
 */
export class LambdaBackend {
  readonly store = new LambdaStore();
  readonly taskRoots = new TaskRoots();
  /** Account and reserved concurrency, per region. */
  readonly concurrency = new ConcurrencyLimits((region) =>
    [...this.store.region(region).functions.values()].reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0),
  );

  constructor(readonly runtime: EmulatorRuntime) {}

  findFunction(region: string, name: string): FunctionRecord | undefined {
    return this.store.region(region).functions.get(name);
  }

  getFunction(region: string, name: string): FunctionRecord {
    const fn = this.findFunction(region, name);
    if (!fn) throw functionNotFound(region, name);
    return fn;
  }

  /** The pool of a new function; each sandbox it starts reads the record's current settings. */
  newPool(record: () => FunctionRecord): FunctionPool {
    return new FunctionPool(
      () => {
        const fn = record();
        const address = this.runtime.address();
        const stream = logStreamName(this.runtime.clock.now());
        return {
          functionName: fn.name,
          functionVersion: fn.version,
          taskRoot: fn.code.taskRoot,
          handler: fn.handler,
          memoryMb: fn.memorySize,
          timeoutSec: fn.timeout,
          logGroupName: `/aws/lambda/${fn.name}`,
          logStreamName: stream,
          env: withInvocationToken(
            fn.region,
            fn.name,
            sandboxEnvironment({
              functionName: fn.name,
              version: fn.version,
              region: fn.region,
              runtime: fn.runtime,
              handler: fn.handler,
              memoryMb: fn.memorySize,
              timeoutSec: fn.timeout,
              taskRoot: fn.code.taskRoot,
              logStreamName: stream,
              endpoint: this.runtime.endpoint(),
              host: address.host,
              port: address.port,
              variables: fn.variables,
            }),
          ),
        };
      },
      this.runtime.log,
      (queue) => {
        // A published version counts against its function's reservation, as on AWS.
        const fn = record();
        return this.concurrency.admit(fn.version === '$LATEST' ? fn : (this.findFunction(fn.region, fn.name) ?? fn), queue);
      },
    );
  }

  /** Pending → Active after FUNCTION_PENDING_MS on the emulator clock. */
  scheduleActivation(fn: FunctionRecord): void {
    this.later(fn, () => {
      fn.state = 'Active';
      fn.lastUpdateStatus = 'Successful';
    });
  }

  /** LastUpdateStatus InProgress → Successful; the new settings serve invocations at once. */
  scheduleUpdateDone(fn: FunctionRecord): void {
    fn.lastUpdateStatus = 'InProgress';
    this.later(fn, () => {
      if (fn.lastUpdateStatus === 'InProgress') fn.lastUpdateStatus = 'Successful';
    });
  }

  /** Runs `action` after FUNCTION_PENDING_MS on the emulator clock, unless the function goes first. */
  private later(fn: FunctionRecord, action: () => void): void {
    const handle = this.runtime.clock.setTimeout(() => {
      fn.timers = fn.timers.filter((t) => t !== handle);
      action();
    }, FUNCTION_PENDING_MS);
    fn.timers.push(handle);
  }

  /** Restarts the function's sandboxes with its new settings; removes `oldTaskRoot` once unused. */
  restartSandboxes(fn: FunctionRecord, oldTaskRoot?: string): void {
    const drained = fn.pool.recycle();
    if (oldTaskRoot && oldTaskRoot !== fn.code.taskRoot) void drained.then(() => this.taskRoots.remove(oldTaskRoot));
  }

  /**
   * Invocations already running finish (their sandboxes end after answering, then the code
   * folder goes); queued Event invocations are dropped; new ones find no function.
   */
  async deleteFunction(fn: FunctionRecord): Promise<void> {
    this.store.region(fn.region).functions.delete(fn.name);
    for (const timer of fn.timers) this.runtime.clock.clear(timer);
    fn.timers = [];
    this.concurrency.dropWaiting(fn, functionNotFound(fn.region, fn.name));
    const removed = fn.pool.retire().then(() => this.taskRoots.remove(fn.code.taskRoot));
    this.retiring.set(fn.pool, removed);
    void removed.then(() => this.retiring.delete(fn.pool));
    if (fn.pool.size === 0) await removed;
  }

  /** Deleted functions whose running invocations have not answered yet, and their code's removal. */
  private readonly retiring = new Map<FunctionPool, Promise<void>>();

  async deleteMapping(mapping: MappingRecord): Promise<void> {
    this.stopMapping(mapping);
    this.store.region(mapping.region).mappings.delete(mapping.uuid);
  }

  stopMapping(mapping: MappingRecord): void {
    for (const timer of mapping.timers) this.runtime.clock.clear(timer);
    mapping.timers = [];
    mapping.poller?.stop();
    mapping.poller = undefined;
  }

  /** Forget everything; the emulator keeps running. */
  async reset(): Promise<void> {
    const functions = this.store.allFunctions();
    for (const mapping of this.store.allMappings()) this.stopMapping(mapping);
    this.store.clear();
    await Promise.all(functions.map((fn) => this.disposeFunction(fn)));
    // Deleted functions' invocations still running end now too.
    await Promise.all([...this.retiring].map(([pool, removed]) => pool.dispose().then(() => removed)));
  }

  async stop(): Promise<void> {
    await this.reset();
    await this.taskRoots.dispose();
  }

  private async disposeFunction(fn: FunctionRecord): Promise<void> {
    for (const timer of fn.timers) this.runtime.clock.clear(timer);
    fn.timers = [];
    this.concurrency.dropWaiting(fn, functionNotFound(fn.region, fn.name));
    await fn.pool.dispose();
    await this.taskRoots.remove(fn.code.taskRoot);
  }
}

/**
 * Adds AWS_SESSION_TOKEN `lambda:REGION:NAME` (AWS sets a session token in every sandbox too,
 * and the user's own value wins): the SDK inside the function sends it as
 * `x-amz-security-token`, so the gateway knows a request comes from that function's running
 * invocation and makes it a child of it on the idle-skipping clock (docs/clock.md).
 */
function withInvocationToken(region: string, name: string, env: Record<string, string>): Record<string, string> {
  return env.AWS_SESSION_TOKEN === undefined ? { ...env, AWS_SESSION_TOKEN: invocationActivityName(region, name) } : env;
}

/** The activity name of a function's invocations (and its sandboxes' session token). */
export function invocationActivityName(region: string, name: string): string {
  return `lambda:${region}:${name}`;
}
