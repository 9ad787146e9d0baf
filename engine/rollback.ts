import { existsSync } from 'node:fs';
import type { Clock, Target } from './types.ts';
import { JournalError, UsageError } from './errors.ts';
import { Journal, journalPath, journalWriter, readJournal, runDir, type JournalRecord, type JournalRecordOf } from './journal.ts';
import { summarizeJournal, type RunSummary } from './runs.ts';
import { untrustedReason } from './journalTrust.ts';
import type { StepRegistry } from './registry.ts';
import type { TargetSession } from './target.ts';
import { RunEvents, stepLogger, type RunEventBody } from './events.ts';
import { rollbackSweeps, type SweepResult } from './sweep.ts';
import { sweepAfterRollback, withSweep } from './rollbackSweep.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { systemClock } from './clock.ts';
import { compensate, compensationNeedsTarget, type CompensationRequest } from './compensate.ts';
import { ExitCode, RollbackStatus, SummaryStatus } from './status.ts';

/** Result of `engine rollback`. */
export interface RollbackResult {
  runId: string;
  /**
   * nothing: nothing left to do; completed: all pending compensations succeeded; incomplete:
   * some failed; untrusted: the journal cannot be trusted, nothing was done (exit 3).
   */
  status: 'nothing' | 'completed' | 'incomplete' | 'untrusted';
  exitCode: number;
  message: string;
  compensated: string[];
  failed: string[];
}

/** What a journal rollback needs. */
export interface RollbackOptions {
  stateDir: string;
  runId: string;
  registry: StepRegistry;
  target: TargetSession;
  clock?: Clock;
  progress?: ProgressSink;
  env?: Record<string, string | undefined>;
  fsync?: boolean;
  /**
   * Set when the run's target no longer exists (an embedded emulator ends with the run's
   * process): compensations that need the target are recorded as done, with this reason,
   * instead of being run against a fresh, empty emulator. Local effects are still undone.
   */
  targetGone?: string;
  /** `engine destroy`: also compensate a run that passed and kept its resources. */
  destroy?: boolean;
}

/**
 * Compensates an unfinished, dirty or partially compensated run from its journal alone (also
 * after `kill -9`): every started step without a successful compensation, newest first, through
 * the same {@link compensate} as the live run, from its intent record and the outputs of its
 * result record (if any). A failing compensation does not stop the others. Idempotent: a
 * second call finds nothing left to do.
 */
export async function rollbackRun(options: RollbackOptions): Promise<RollbackResult> {
  const { runId } = options;
  const path = journalPath(options.stateDir, runId);
  if (!/^[\w.-]+$/.test(runId) || !existsSync(path)) throw new UsageError(`no run '${runId}' in ${options.stateDir}`);
  const contents = readJournal(path);
  const { records, skipped } = contents;
  const untrusted = untrustedReason(contents);
  if (untrusted) {
    return result(
      runId,
      'untrusted',
      `run ${runId}: the journal cannot be trusted: ${untrusted}; nothing was compensated (check what the run created by hand: ${path})`,
    );
  }
  const summary = summarizeJournal(runId, records, skipped);
  const nothing = nothingToRollBack(summary, options);
  if (nothing) return nothing;
  // The sweep by tag (engine/sweep.ts) runs after the compensations, or alone when nothing is pending.
  const sweeps = rollbackSweeps(records, (type) => options.registry.needsTarget(type), summary.pending.length, options.targetGone);
  if (summary.pending.length === 0 && !sweeps)
    return result(runId, 'nothing', `run ${runId}: nothing left to do (every started step is compensated)`);
  const requests = pendingRequests(records, summary.pending);
  const needsTarget = sweeps || requests.some((r) => compensationNeedsTarget(r, options.registry) && options.targetGone === undefined);
  const target: Target = needsTarget ? await options.target.acquire() : options.target.idle();
  const outcome = await compensateAll(options, { path, records, pending: summary.pending, requests, target, sweeps });
  return finalResult(runId, outcome);
}

/** The early answer when the run needs no rollback (or cannot have one yet); undefined when it does. */
function nothingToRollBack(summary: RunSummary, options: RollbackOptions): RollbackResult | undefined {
  const { runId } = options;
  if (summary.status === SummaryStatus.RUNNING)
    throw new UsageError(`run ${runId} is still in progress (pid ${summary.pid}); interrupt it instead`);
  if (summary.status === SummaryStatus.PASSED && !options.destroy) {
    const kept = summary.pending.length
      ? ` (it kept ${summary.pending.length} step(s)' resources: engine destroy ${runId} removes them)`
      : '';
    return result(runId, 'nothing', `run ${runId} passed; nothing to roll back${kept}`);
  }
  return undefined;
}

/** What {@link compensateAll} works from: the run's journal and its pending compensations. */
interface PendingWork {
  path: string;
  records: JournalRecord[];
  pending: string[];
  requests: CompensationRequest[];
  target: Target;
  /** Whether to sweep what still carries the run's tag once the compensations ran. */
  sweeps: boolean;
}

/** What the compensations came to; `journalError` when the journal could not record them. */
interface CompensationOutcome {
  compensated: string[];
  failed: string[];
  journalError: string | undefined;
  swept: SweepResult | undefined;
}

/**
 * Runs every pending compensation, newest first, journaling each; a failing one does not stop
 * the others. Closes the journal and the target session whatever happens.
 */
async function compensateAll(options: RollbackOptions, work: PendingWork): Promise<CompensationOutcome> {
  const { runId } = options;
  const { path, records, pending, requests, target, sweeps } = work;
  const journal = Journal.open(path, { fsync: options.fsync ?? true });
  // An endpoint's clock is the target's: its scale, or the clock it shares (`engine serve
  // --time-scale idle`), on which a compensation's waits only end if this process takes part.
  const clock = options.clock ?? (target.kind === 'endpoint' && target.clock ? target.clock : systemClock);
  // A journal that cannot be written does not stop the compensations; the result says so (exit 3).
  let journalError: string | undefined;
  const onHandlerError = (error: unknown) => {
    if (!(error instanceof JournalError) || journalError !== undefined) return;
    journalError = error.message;
    journal.abandon();
    events.emit({ kind: 'notice', message: `${error.message}: compensating anyway; the journal will not show it` });
  };
  const events: RunEvents = new RunEvents(clock, [journalWriter(journal), options.progress ?? silentProgress], {
    startSeq: journal.lastSeq,
    onHandlerError,
  });
  const start = records.find((r): r is JournalRecordOf<'run-start'> => r.kind === 'run-start');
  const workflowDir = start?.workflow.dir ?? process.cwd();
  const compensated: string[] = [];
  const failed: string[] = [];
  const controller = new AbortController();
  let swept: SweepResult | undefined;
  try {
    events.emit({ kind: 'rollback-start', pid: process.pid, pending });
    const steps = outputsOf(records);
    for (const request of requests) {
      const outcome = await compensate(request, {
        registry: options.registry,
        target,
        clock,
        runId,
        workflowDir,
        signal: controller.signal,
        templates: () => ({
          inputs: start?.inputs ?? {},
          steps,
          env: options.env ?? process.env,
          secrets: options.env ?? process.env,
          target: target.values,
          run: { id: runId, dir: runDir(options.stateDir, runId), workflowDir, startedAt: start?.ts },
        }),
        emit: (body) => events.emit(body),
        log: stepLogger((body) => events.emit(body), request.stepId),
        ...(options.targetGone !== undefined ? { targetGone: options.targetGone } : {}),
      });
      (outcome.status === 'succeeded' ? compensated : failed).push(request.stepId);
    }
    const emit = (body: RunEventBody) => events.emit(body);
    swept = sweeps ? await sweepAfterRollback({ target, runId, records, clock, signal: controller.signal, emit }) : undefined;
    if (swept?.failed.length) failed.push('sweep');
    const status = failed.length ? RollbackStatus.INCOMPLETE : RollbackStatus.ROLLED_BACK;
    events.emit({ kind: 'rollback-end', status, exitCode: failed.length ? ExitCode.COMPENSATION_INCOMPLETE : ExitCode.PASSED });
  } finally {
    journal.close();
    await options.target.close().catch(() => undefined);
  }
  return { compensated, failed, journalError, swept };
}

/** The rollback's result once the compensations ran. */
function finalResult(runId: string, { compensated, failed, journalError, swept }: CompensationOutcome): RollbackResult {
  if (journalError !== undefined) {
    const done = `compensated ${compensated.length}${failed.length ? `, failed ${failed.length} (${failed.join(', ')})` : ''}`;
    return result(runId, 'incomplete', `run ${runId}: ${done}, but ${journalError}: the journal does not record it`, compensated, failed);
  }
  const outcome = failed.length
    ? result(
        runId,
        'incomplete',
        `run ${runId}: compensated ${compensated.length}, failed ${failed.length} (${failed.join(', ')})`,
        compensated,
        failed,
      )
    : result(runId, 'completed', `run ${runId}: compensated ${compensated.length} step(s): ${compensated.join(', ')}`, compensated, failed);
  return withSweep(outcome, swept);
}

function result(
  runId: string,
  status: RollbackResult['status'],
  message: string,
  compensated: string[] = [],
  failed: string[] = [],
): RollbackResult {
  return {
    runId,
    status,
    exitCode: status === 'incomplete' || status === 'untrusted' ? ExitCode.COMPENSATION_INCOMPLETE : ExitCode.PASSED,
    message,
    compensated,
    failed,
  };
}

/** Outputs of every step that succeeded, as templates see them. */
function outputsOf(records: JournalRecord[]): Record<string, { outputs?: unknown }> {
  const steps: Record<string, { outputs?: unknown }> = {};
  for (const r of records) if (r.kind === 'step-result' && r.status === 'succeeded') steps[r.stepId] = { outputs: r.outputs };
  return steps;
}

/** The compensation requests of the pending steps, in the order given (newest first). */
function pendingRequests(records: JournalRecord[], pending: string[]): CompensationRequest[] {
  const intents = new Map<string, JournalRecordOf<'step-intent'>>();
  const outputs = outputsOf(records);
  for (const r of records) if (r.kind === 'step-intent' && !intents.has(r.stepId)) intents.set(r.stepId, r);
  return pending.flatMap((id) => {
    const intent = intents.get(id);
    if (!intent) return [];
    const { stepId, type, params, rollback, needsTarget } = intent;
    return [{ stepId, type, params, rollback, needsTarget, outputs: outputs[id]?.outputs }];
  });
}
