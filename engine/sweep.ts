import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JournalRecord } from './journal.ts';
import { RUN_TAG } from '../steps/support/provision/marker.ts';
import { serviceAbsent, SWEEP_FINDERS } from './sweepFinders.ts';
import type { Clock, Logger, StepContext, Target } from './types.ts';
import { ExitCode, RunStatus } from './status.ts';

/**
 * The sweep by tag, run after the journal-driven compensation (the live run's and `engine
 * rollback`'s): whatever still carries the run's mark on the target — the tag
 * `failover-engine:run = <runId>` set in the call that created it, or for Route 53 the run's
 * caller-reference prefix — is removed, so a journal that lost records (a torn write, a crash
 * between a create call and its result record) still compensates everything the run made.
 * Never touches a resource without the mark. Contract: docs/journal.md, "The sweep".
 */

/** Route 53 (global) is swept here; every sweep covers this region too. */
const GLOBAL_REGION = 'us-east-1';

/** AWS region names as they appear in params, inputs and workflow files. */
const REGION_PATTERN =
  /\b(?:us-gov|us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b/g;

export interface SweepOptions {
  target: Target;
  runId: string;
  regions: readonly string[];
  clock: Clock;
  signal: AbortSignal;
  log: Logger;
}

/** What a sweep removed, and what it could not list or remove (one line each). */
export interface SweepResult {
  swept: string[];
  failed: string[];
}

/** Finds and removes, finder by finder and region by region, what carries the run's mark. */
export async function sweepRun(options: SweepOptions): Promise<SweepResult> {
  const ctx: StepContext = {
    signal: options.signal,
    log: options.log,
    target: options.target,
    clock: options.clock,
    runId: options.runId,
    stepId: 'sweep',
    workflowDir: process.cwd(),
    attempt: 1,
  };
  const regions = [...new Set([GLOBAL_REGION, ...options.regions])];
  const result: SweepResult = { swept: [], failed: [] };
  for (const finder of SWEEP_FINDERS) {
    for (const region of finder.global ? [GLOBAL_REGION] : regions) {
      let found;
      try {
        found = await finder.find(ctx, region);
      } catch (error) {
        // A service the target does not offer holds nothing the run made.
        if (!serviceAbsent(error)) result.failed.push(`cannot list ${finder.what} in ${region}: ${messageOf(error)}`);
        continue;
      }
      for (const leftover of found) {
        try {
          await leftover.remove();
          result.swept.push(leftover.description);
        } catch (error) {
          result.failed.push(`${leftover.description}: ${messageOf(error)}`);
        }
      }
    }
  }
  return result;
}

/** The line `engine rollback` and the live run print about a sweep, or undefined when it found nothing. */
export function sweepMessage(runId: string, result: SweepResult): string | undefined {
  const parts: string[] = [];
  if (result.swept.length) {
    parts.push(
      `swept ${result.swept.length} resource(s) tagged ${RUN_TAG}=${runId} that the journal did not account for: ${result.swept.join(', ')}`,
    );
  }
  if (result.failed.length) parts.push(`could not sweep ${result.failed.length}: ${result.failed.join('; ')}`);
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * The regions a run may have touched, from its journal: every region name in its step intents
 * and results and its run-start (inputs), and in its workflow file (a region the journal lost
 * may still be written there), plus us-east-1.
 */
export function sweepRegions(records: readonly JournalRecord[]): string[] {
  const texts: string[] = [];
  for (const record of records) {
    if (record.kind === 'step-intent' || record.kind === 'run-start' || record.kind === 'step-result') texts.push(JSON.stringify(record));
    if (record.kind === 'run-start') texts.push(workflowText(record.workflow));
  }
  return regionsIn(texts);
}

/** Every AWS region name in `texts`, plus us-east-1. */
export function regionsIn(texts: readonly string[]): string[] {
  const regions = new Set<string>([GLOBAL_REGION]);
  for (const text of texts) for (const match of text.matchAll(REGION_PATTERN)) regions.add(match[0]);
  return [...regions];
}

/**
 * Whether a rollback with nothing pending should still sweep: the journal's last outcome (its
 * last `run-end` or `rollback-end`) is missing (the run died, or the journal lost its tail), says
 * the run stopped dirty, or says compensation was incomplete (a sweep that failed included). A
 * run or rollback that ended cleanly has been swept already.
 */
export function sweepStillNeeded(records: readonly JournalRecord[]): boolean {
  const last = records.findLast((r) => r.kind === 'run-end' || r.kind === 'rollback-end');
  if (!last) return true;
  if (last.kind === 'rollback-end') return last.exitCode !== ExitCode.PASSED;
  return last.kind === 'run-end' && (last.status === RunStatus.DIRTY || last.exitCode === ExitCode.COMPENSATION_INCOMPLETE);
}

/** The workflow file's text: `file` as given (relative to where the run started), else its name in `dir`. */
export function workflowText(workflow: { file?: unknown; dir?: unknown }): string {
  if (typeof workflow.file !== 'string') return '';
  const candidates = [workflow.file, ...(typeof workflow.dir === 'string' ? [join(workflow.dir, basename(workflow.file))] : [])];
  for (const file of candidates) {
    try {
      if (existsSync(file)) return readFileSync(file, 'utf8');
    } catch {
      // unreadable: the journal's own region names remain
    }
  }
  return '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a rollback sweeps: the target still exists (not an embedded emulator that ended with
 * the run), the workflow has a step that calls it, and either steps are pending or
 * {@link sweepStillNeeded}.
 */
export function rollbackSweeps(
  records: readonly JournalRecord[],
  needsTarget: (type: string) => boolean,
  pending: number,
  targetGone: string | undefined,
): boolean {
  if (targetGone !== undefined) return false;
  const start = records.find((r) => r.kind === 'run-start');
  const types = [
    ...(start?.kind === 'run-start' ? (start.steps ?? []).map((s) => s.type) : []),
    ...records.flatMap((r) => (r.kind === 'step-intent' ? [r.type] : [])),
  ];
  return types.some(needsTarget) && (pending > 0 || sweepStillNeeded(records));
}
