import { closeSync, existsSync, fstatSync, fdatasyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunEvent, RunEventBody, RunEventHandler } from './events.ts';
import { JournalError, errorMessage } from './errors.ts';
import { recordProblem } from './journalRecords.ts';

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
    let fd: number | undefined;
    try {
      mkdirSync(resolve(path, '..'), { recursive: true });
      fd = openSync(path, 'a+');
      const size = fstatSync(fd).size;
      let seq = 0;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) writeSync(fd, '\n');
        seq = readJournal(path).records.reduce((max, r) => Math.max(max, r.seq), 0);
      }
      return new Journal(path, fd, seq, options.fsync ?? true);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      const code = (error as NodeJS.ErrnoException).code;
      throw new JournalError(`cannot open the journal ${path}: ${code ?? errorMessage(error)}`, { cause: error });
    }
  }

  /** The `seq` of the last record in the file (a bus appending to it continues from there). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Writes a stamped event; durable kinds are fsync'd before returning. Throws
   * {@link JournalError} when the line cannot be written or the file was deleted (appending to
   * an unlinked file succeeds silently, so durable writes check that the file is still linked).
   */
  write(event: RunEvent): void {
    if (this.fd === undefined) return;
    this.seq = Math.max(this.seq, event.seq);
    try {
      writeFully(this.fd, Buffer.from(JSON.stringify({ ts: new Date(event.wall).toISOString(), ...event }) + '\n'));
      if (!DURABLE.has(event.kind)) return;
      if (this.fsync) fdatasyncSync(this.fd);
      if (fstatSync(this.fd).nlink === 0) throw new JournalError(`the journal ${this.path} was deleted while the run was writing it`);
    } catch (error) {
      if (error instanceof JournalError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new JournalError(`cannot write the journal ${this.path}: ${code ?? errorMessage(error)}`, { cause: error });
    }
  }

  /** Stops writing after a failure: the file is closed without a final fsync, errors ignored. */
  abandon(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // the file is already unusable
    }
    this.fd = undefined;
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

/** Writes all of `bytes`: a nearly full disk first writes part of them, then fails with ENOSPC. */
function writeFully(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) {
    const written = writeSync(fd, bytes, offset);
    if (written <= 0) throw new JournalError(`short write (${offset} of ${bytes.length} bytes)`);
    offset += written;
  }
}

/** A line of a journal that readers skipped. */
export interface JournalProblem {
  /** 1-based line number. */
  line: number;
  message: string;
}

/** What {@link readJournal} found. */
export interface JournalContents {
  records: JournalRecord[];
  /** How many lines were skipped (see `problems`). */
  skipped: number;
  /** Each skipped line with why; a torn last line (a crash mid-write) is one too. */
  problems: JournalProblem[];
  /** Whether the last line was torn (unparsable), the normal trace of a crash mid-write. */
  tornLastLine: boolean;
}

/**
 * Reads a journal. Lines that are not JSON or not a well-formed record of a known shape are
 * skipped and reported with their line number, so one bad record never breaks a reader.
 */
export function readJournal(path: string): JournalContents {
  if (!existsSync(path)) return { records: [], skipped: 0, problems: [], tornLastLine: false };
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const last = lines.findLastIndex((l) => l.trim() !== '');
  let tornLastLine = false;
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (i === last) tornLastLine = true;
      problems.push({ line: i + 1, message: i === last ? 'torn last line (a crash while writing)' : 'not JSON' });
      return;
    }
    const problem = recordProblem(value);
    if (problem) problems.push({ line: i + 1, message: problem });
    else records.push(withStamp(value as JournalRecord));
  });
  return { records, skipped: problems.length, problems, tornLastLine };
}

/** Records of older engines have `ts` but no `wall`/`aws`: both are taken from `ts`. */
function withStamp(record: JournalRecord): JournalRecord {
  if (typeof record.wall === 'number' && typeof record.aws === 'number') return record;
  const wall = typeof record.ts === 'string' ? Date.parse(record.ts) : NaN;
  return { ...record, wall: Number.isFinite(wall) ? wall : 0, aws: Number.isFinite(wall) ? wall : 0 };
}

/** The journal writer as a handler of the run's events (logs and notices are not journaled). */
export function journalWriter(journal: Journal): RunEventHandler {
  return (event) => {
    if (event.kind === 'log' || event.kind === 'notice') return;
    journal.write(event);
  };
}
