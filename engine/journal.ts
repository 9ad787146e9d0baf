import { closeSync, existsSync, fstatSync, fdatasyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ErrorRecord } from './errors.ts';

/**
 * The run journal: `<stateDir>/runs/<runId>/journal.jsonl`, append-only, one JSON object per
 * line. It is the source of truth for `engine runs` and `engine rollback` (not XState's
 * snapshot). Every line is written to the file at once (a process crash loses nothing);
 * `durable` records (run start/end, step intents, compensation records) are also fsync'd,
 * which makes every earlier line durable too. A torn last line is ignored when reading.
 */

/** Where run folders live: `--state-dir`, else `ENGINE_STATE_DIR`, else `.engine` in cwd. */
export function resolveStateDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(option ?? env.ENGINE_STATE_DIR ?? '.engine');
}

/** Folder of one run. */
export function runDir(stateDir: string, runId: string): string {
  return join(stateDir, 'runs', runId);
}

/** Path of a run's journal. */
export function journalPath(stateDir: string, runId: string): string {
  return join(runDir(stateDir, runId), 'journal.jsonl');
}

/** A rollback spec as journaled with a step intent. */
export type JournalRollback =
  | { kind: 'default' }
  | { kind: 'none' }
  | { kind: 'override'; type: string; params: Record<string, unknown> };

/** The records a journal holds. Every record also has `ts` (ISO time) and `seq`. */
export type JournalEntry =
  | {
      kind: 'run-start';
      runId: string;
      workflow: { file: string; name: string; digest: string; dir: string };
      inputs: Record<string, unknown>;
      target: Record<string, unknown>;
      cleanup: string;
      pid: number;
      /** Identifies the process behind `pid` (see `processStart` in runs.ts), so a reused pid is not taken for it. */
      pidStart?: string;
    }
  | { kind: 'transition'; from: unknown; to: unknown; event: string }
  | {
      kind: 'step-intent';
      stepId: string;
      type: string;
      params: unknown;
      rollback: JournalRollback;
      needsTarget: boolean;
    }
  | { kind: 'step-skipped'; stepId: string; type: string }
  | { kind: 'step-retry'; stepId: string; attempt: number; delayMs: number; error: ErrorRecord }
  | {
      kind: 'step-result';
      stepId: string;
      status: 'succeeded' | 'failed' | 'aborted';
      attempts: number;
      durationMs: number;
      outputs?: unknown;
      error?: ErrorRecord;
    }
  | { kind: 'compensation-start'; stepId: string; type: string }
  | { kind: 'compensation-result'; stepId: string; status: 'succeeded' | 'failed'; durationMs: number; error?: ErrorRecord }
  | { kind: 'run-dirty'; reason: string }
  | { kind: 'run-end'; status: string; exitCode: number }
  | { kind: 'rollback-start'; pid: number; pending: string[] }
  | { kind: 'rollback-end'; status: string; exitCode: number };

/** A journal record as stored. */
export type JournalRecord = JournalEntry & { ts: string; seq: number };

/** Kinds that are fsync'd when written. */
const DURABLE = new Set<JournalEntry['kind']>([
  'run-start',
  'step-intent',
  'compensation-start',
  'compensation-result',
  'run-dirty',
  'run-end',
  'rollback-start',
  'rollback-end',
]);

/** An open journal file. */
export class Journal {
  private seq = 0;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    seq: number,
    private readonly fsync: boolean,
  ) {
    this.fd = fd;
    this.seq = seq;
  }

  /**
   * Opens (creating folders) a journal for appending. If the file ends with a torn line, a
   * newline is written first so the next record starts clean.
   * `fsync: false` skips fsync entirely (tests of unrelated features; never the CLI).
   */
  static open(path: string, options: { fsync?: boolean } = {}): Journal {
    mkdirSync(resolve(path, '..'), { recursive: true });
    const fd = openSync(path, 'a+');
    const size = fstatSync(fd).size;
    let seq = 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(fd, '\n');
      seq = readJournal(path).records.reduce((max, r) => Math.max(max, r.seq), 0);
    }
    return new Journal(path, fd, seq, options.fsync ?? true);
  }

  /** Appends one record; durable kinds (or `durable: true`) are fsync'd before returning. */
  append(entry: JournalEntry, durable = DURABLE.has(entry.kind)): void {
    if (this.fd === undefined) return;
    const record = { ts: new Date().toISOString(), seq: ++this.seq, ...entry };
    writeSync(this.fd, JSON.stringify(record) + '\n');
    if (durable && this.fsync) fdatasyncSync(this.fd);
  }

  /** fsyncs everything written so far. */
  sync(): void {
    if (this.fd !== undefined && this.fsync) fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    this.sync();
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a journal. Unparsable lines (a torn last line after a crash) are skipped and counted. */
export function readJournal(path: string): { records: JournalRecord[]; skipped: number } {
  if (!existsSync(path)) return { records: [], skipped: 0 };
  const records: JournalRecord[] = [];
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string') records.push(value as JournalRecord);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}
