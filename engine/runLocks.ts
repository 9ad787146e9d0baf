import type { Route53Client } from '@aws-sdk/client-route-53';
import { journalPath, readJournal, runDir } from './journal.ts';
import { workflowClaims } from './lockClaims.ts';
import { acquireLocks, lockClient, releaseLocks, type HeldLocks } from './locks.ts';
import { summarizeJournal } from './runs.ts';
import { SummaryStatus } from './status.ts';
import { TargetKind, type TargetOptions, type TargetSession } from './target.ts';
import { workflowNeedsTarget } from './stepServices.ts';
import type { StepRegistry } from './registry.ts';
import type { Clock } from './types.ts';
import type { Workflow } from './workflow.ts';

/**
 * A run's locks from start to release: taken before the run starts (from its steps' claims),
 * recorded in its journal (`run-start.locks`), released once the run holds nothing on the
 * target: at its end when everything was compensated (or nothing created), else by the
 * `engine rollback` / `engine destroy` that settles it. The embedded target needs none: each
 * run has its own emulator.
 */

/** Locks a run took, and the client that releases them. */
export interface RunLocks {
  held: HeldLocks;
  route53: Route53Client;
}

/** What taking a run's locks needs. */
export interface TakeLocks {
  workflow: Workflow;
  registry: StepRegistry;
  inputs: Record<string, unknown>;
  env: Record<string, string | undefined>;
  target: TargetSession;
  targetOptions: TargetOptions;
  runId: string;
  stateDir: string;
  wait: boolean;
  clock: Clock;
  onWait(message: string): void;
  signal?: AbortSignal;
}

/** Takes the run's locks (undefined when it claims nothing, or runs embedded); throws LockedError. */
export async function takeRunLocks(options: TakeLocks): Promise<RunLocks | undefined> {
  const { workflow, registry, target, runId, stateDir } = options;
  if (target.kind === TargetKind.EMBEDDED || !workflowNeedsTarget(workflow, registry)) return undefined;
  const dir = runDir(stateDir, runId);
  const context = {
    inputs: options.inputs,
    steps: {},
    env: options.env,
    secrets: options.env,
    target: target.idle().values,
    run: { id: runId, dir, workflowDir: workflow.dir },
  };
  const claims = workflowClaims(workflow, registry, context);
  if (claims.length === 0) return undefined;
  const route53 = lockClient(target.kind === TargetKind.ENDPOINT ? options.targetOptions.endpoint : undefined);
  try {
    const held = await acquireLocks(
      route53,
      claims,
      { runId, dir },
      { wait: options.wait, clock: options.clock, onWait: options.onWait, ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (held) return { held, route53 };
    route53.destroy();
    return undefined;
  } catch (error) {
    route53.destroy();
    throw error;
  }
}

/**
 * Releases a run's locks if its journal says it holds nothing on the target any more; returns
 * what happened, for one line of output (undefined when the run took no locks).
 */
export async function releaseIfSettled(
  stateDir: string,
  runId: string,
  targetOptions: TargetOptions,
  locks?: RunLocks,
): Promise<string | undefined> {
  const records = readJournal(journalPath(stateDir, runId)).records;
  const start = records.find((r) => r.kind === 'run-start');
  const held = locks?.held ?? (start?.kind === 'run-start' ? start.locks : undefined);
  if (!held) return undefined;
  const summary = summarizeJournal(runId, records);
  if (summary.needsRollback || summary.held.length > 0 || summary.status === SummaryStatus.RUNNING) {
    locks?.route53.destroy();
    return `locks kept: the run still holds ${summary.pending.length} step(s)' resources (released by engine ${summary.needsRollback ? 'rollback' : 'destroy'} ${runId})`;
  }
  const route53 = locks?.route53 ?? lockClient(targetOptions.kind === TargetKind.AWS ? undefined : targetOptions.endpoint);
  try {
    await releaseLocks(route53, held, runId);
    return `locks released (${held.records.length})`;
  } catch (error) {
    return `could not release the run's locks: ${(error as Error).message}`;
  } finally {
    route53.destroy();
  }
}
