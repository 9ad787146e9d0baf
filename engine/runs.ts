import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { journalPath, readJournal, type JournalRecord } from './journal.ts';

/** What `engine runs` shows and `engine rollback` decides from: a journal, summarised. */
export interface RunSummary {
  runId: string;
  workflow: string;
  file: string;
  /** passed | failed | interrupted | compensation-incomplete | dirty | running | unfinished | rolled-back | rollback-incomplete */
  status: string;
  startedAt?: string;
  endedAt?: string;
  pid?: number;
  stepsStarted: number;
  /** Started, compensable steps without a successful compensation, newest first. */
  pending: string[];
  /** Whether `engine rollback` has something to do. */
  needsRollback: boolean;
  /** Lines that could not be parsed (a torn last line after a crash). */
  skippedLines: number;
}

/** Summarises a journal's records. */
export function summarizeJournal(runId: string, records: JournalRecord[], skippedLines = 0): RunSummary {
  const start = records.find((r) => r.kind === 'run-start');
  const intents = new Map<string, Extract<JournalRecord, { kind: 'step-intent' }>>();
  const compensated = new Set<string>();
  let status: string | undefined;
  let endedAt: string | undefined;
  let dirty = false;
  for (const r of records) {
    if (r.kind === 'step-intent' && !intents.has(r.stepId)) intents.set(r.stepId, r);
    else if (r.kind === 'compensation-result' && r.status === 'succeeded') compensated.add(r.stepId);
    else if (r.kind === 'run-dirty') dirty = true;
    else if (r.kind === 'run-end') {
      status = r.status;
      endedAt = r.ts;
    } else if (r.kind === 'rollback-end') {
      status = r.status;
      endedAt = r.ts;
      dirty = false;
    }
  }
  const pid = start?.kind === 'run-start' ? start.pid : undefined;
  if (dirty) status = 'dirty';
  if (status === undefined) status = pid !== undefined && isAlive(pid) ? 'running' : 'unfinished';
  const pending = [...intents.values()]
    .filter((i) => i.rollback.kind !== 'none' && !compensated.has(i.stepId))
    .map((i) => i.stepId)
    .reverse();
  return {
    runId,
    workflow: start?.kind === 'run-start' ? start.workflow.name : '?',
    file: start?.kind === 'run-start' ? start.workflow.file : '?',
    status,
    ...(start ? { startedAt: start.ts } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(pid !== undefined ? { pid } : {}),
    stepsStarted: intents.size,
    pending,
    needsRollback: status !== 'passed' && status !== 'running' && status !== 'rolled-back' && pending.length > 0,
    skippedLines,
  };
}

/** Summaries of every run under a state dir, oldest first. */
export function listRuns(stateDir: string): RunSummary[] {
  const dir = join(stateDir, 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((runId) => {
      const { records, skipped } = readJournal(journalPath(stateDir, runId));
      return summarizeJournal(runId, records, skipped);
    });
}

/** Whether a process id is alive (and is not this process). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
