import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalRecord, JournalRecordOf } from '../../engine/journal.ts';
import type { RunReport } from '../../engine/report.ts';

/** One line of a run's journal, as the engine writes it. */
export type JournalEntry = JournalRecord;

/** The `--json` result of `engine run`: the engine's own report. */
export type RunResult = RunReport;

/** The journal's records of one kind, typed as that kind. */
export function recordsOf<K extends JournalEntry['kind']>(journal: JournalEntry[], kind: K): Array<JournalRecordOf<K>> {
  return journal.filter((e): e is JournalRecordOf<K> => e.kind === kind);
}

/** The step a record is about, if it is about one. */
export function stepIdOf(entry: JournalEntry): string | undefined {
  return 'stepId' in entry ? entry.stepId : undefined;
}

export function readJournal(stateDir: string, runId: string): JournalEntry[] {
  return readFileSync(join(stateDir, 'runs', runId, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalEntry);
}

/** The outputs a step's `step-result` recorded. */
export function outputsOf(journal: JournalEntry[], stepId: string): Record<string, unknown> {
  const result = recordsOf(journal, 'step-result').find((e) => e.stepId === stepId && e.status === 'succeeded');
  if (!result?.outputs) throw new Error(`no succeeded step-result for ${stepId} in the journal`);
  return result.outputs as Record<string, unknown>;
}

/** Journal sequence number of a step's result, to check the order of events. */
export function seqOf(journal: JournalEntry[], kind: string, stepId: string): number {
  const entry = journal.find((e) => e.kind === kind && stepIdOf(e) === stepId);
  if (!entry) throw new Error(`no ${kind} for ${stepId} in the journal`);
  return entry.seq;
}
