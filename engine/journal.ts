import { closeSync, existsSync, fstatSync, fdatasyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunEvent, RunEventBody, RunEventHandler } from './events.ts';

/**
 * The run journal: `<stateDir>/runs/<runId>/journal.jsonl`, append-only, one JSON object per
 * line. It is the source of truth for `engine runs` and `engine rollback` (not XState's
 * snapshot). Every line is written to the file at once (a process crash loses nothing);
 * `durable` records (run start/end, step intents, compensation records) are also fsync'd,
 * which makes every earlier line durable too. A torn last line is ignored when reading.
 */

/** Where run folders live: `--state-dir`, else `ENGINE_STATE_DIR`, else `.engine` in cwd. */
export function resolveStateDir(option?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, option ?? env.ENGINE_STATE_DIR ?? '.engine');
}

/** Folder of one run. */
export function runDir(stateDir: string, runId: string): string {
  return join(stateDir, 'runs', runId);
}

/** Path of a run's journal. */
export function journalPath(stateDir: string, runId: string): string {
  return join(runDir(stateDir, runId), 'journal.jsonl');
}

/** A journal record: a {@link RunEvent} as stored, plus `ts` (ISO wall time, for people reading the file). */
export type JournalRecord = RunEvent & { ts: string };

/** A journal record of one kind. */
export type JournalRecordOf<K extends JournalRecord['kind']> = Extract<JournalRecord, { kind: K }>;

/** Kinds that are fsync'd when written. */
const DURABLE = new Set<RunEvent['kind']>([
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

  /** The `seq` of the last record in the file (a bus appending to it continues from there). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Writes a stamped event; durable kinds are fsync'd before returning. */
  write(event: RunEvent): void {
    if (this.fd === undefined) return;
    this.seq = Math.max(this.seq, event.seq);
    writeSync(this.fd, JSON.stringify({ ts: new Date(event.wall).toISOString(), ...event }) + '\n');
    if (DURABLE.has(event.kind) && this.fsync) fdatasyncSync(this.fd);
  }

  /** Appends an event stamped here (no run clock: `aws` is wall time). For tools and tests. */
  append(body: RunEventBody): void {
    const wall = Date.now();
    this.write({ ...body, seq: this.seq + 1, wall, aws: wall } as RunEvent);
  }

  /** fsyncs what was written and closes the file; later writes are dropped. */
  close(): void {
    if (this.fd === undefined) return;
    if (this.fsync) fdatasyncSync(this.fd);
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
      if (value && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string') records.push(withStamp(value as JournalRecord));
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

/** The journal writer as a handler of the run's events (logs and notices are not journaled). */
export function journalWriter(journal: Journal): RunEventHandler {
  return (event) => {
    if (event.kind === 'log' || event.kind === 'notice') return;
    journal.write(event);
  };
}

/** Records of older engines have `ts` but no `wall`/`aws`: both are taken from `ts`. */
function withStamp(record: JournalRecord): JournalRecord {
  if (typeof record.wall === 'number' && typeof record.aws === 'number') return record;
  const wall = typeof record.ts === 'string' ? Date.parse(record.ts) : NaN;
  return { ...record, wall: Number.isFinite(wall) ? wall : 0, aws: Number.isFinite(wall) ? wall : 0 };
}
