import type { JournalRecord } from './journal.ts';
import type { RunEventBody } from './events.ts';
import { stepLogger } from './events.ts';
import { sweepMessage, sweepRegions, sweepRun, type SweepResult } from './sweep.ts';
import type { Clock, Target } from './types.ts';

/** What the rollback's sweep needs from `rollbackRun`. */
export interface RollbackSweepContext {
  target: Target;
  runId: string;
  records: readonly JournalRecord[];
  clock: Clock;
  signal: AbortSignal;
  emit(body: RunEventBody): unknown;
}

/** Sweeps by the run's tag after the compensations and journals a `sweep` record when it found anything. */
export async function sweepAfterRollback(ctx: RollbackSweepContext): Promise<SweepResult> {
  const result = await sweepRun({
    target: ctx.target,
    runId: ctx.runId,
    regions: sweepRegions(ctx.records),
    clock: ctx.clock,
    signal: ctx.signal,
    log: stepLogger((body) => ctx.emit(body), 'sweep'),
  });
  if (result.swept.length || result.failed.length) ctx.emit({ kind: 'sweep', swept: result.swept, failed: result.failed });
  return result;
}

/** A rollback result with the sweep's line appended; a rollback that only swept nothing says "nothing left to do". */
export function withSweep<R extends { runId: string; status: string; message: string; compensated: string[] }>(
  outcome: R,
  swept: SweepResult | undefined,
): R {
  if (!swept) return outcome;
  const line = sweepMessage(outcome.runId, swept);
  if (!line && outcome.status === 'completed' && outcome.compensated.length === 0) {
    return { ...outcome, status: 'nothing', message: `run ${outcome.runId}: nothing left to do (every started step is compensated)` };
  }
  return line ? { ...outcome, message: `${outcome.message}; ${line}` } : outcome;
}
