import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of a run's journal (the fields the e2e tests read). */
export interface JournalEntry {
  seq: number;
  kind: string;
  stepId?: string;
  status?: string;
  outputs?: Record<string, unknown>;
}

/** The `--json` result of `engine run` (the fields the e2e tests read). */
export interface RunResult {
  runId: string;
  status: string;
  exitCode: number;
  durationMs: number;
  target: { kind: string; timeScale: number; clock?: string };
  outputs: Record<string, unknown>;
  steps: Array<{ id: string; status: string; compensation?: { status: string } }>;
  /** The drill's measures and verdicts, where the workflow has probes. */
  drill?: Record<string, unknown>;
}

export function readJournal(stateDir: string, runId: string): JournalEntry[] {
  return readFileSync(join(stateDir, 'runs', runId, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalEntry);
}

/** The outputs a step's `step-result` recorded. */
export function outputsOf(journal: JournalEntry[], stepId: string): Record<string, unknown> {
  const result = journal.find((e) => e.kind === 'step-result' && e.stepId === stepId && e.status === 'succeeded');
  if (!result?.outputs) throw new Error(`no succeeded step-result for ${stepId} in the journal`);
  return result.outputs;
}

/** Journal sequence number of a step's result, to check the order of events. */
export function seqOf(journal: JournalEntry[], kind: string, stepId: string): number {
  const entry = journal.find((e) => e.kind === kind && e.stepId === stepId);
  if (!entry) throw new Error(`no ${kind} for ${stepId} in the journal`);
  return entry.seq;
}
