import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { journalPath, readJournal, runDir, type JournalRecord, type JournalRecordOf } from './journal.ts';
import { SummaryStatus } from './status.ts';

/** What `engine runs` shows and `engine rollback` decides from: a journal, summarised. */
export interface RunSummary {
  runId: string;
  workflow: string;
  file: string;
  status: SummaryStatus;
  startedAt?: string;
  endedAt?: string;
  /** Wall time from start to end (how long it took), once it ended. */
  durationMs?: number;
  /** The exit code its run (or its last rollback) ended with. */
  exitCode?: number;
  pid?: number;
  stepsStarted: number;
  /** Started, compensable steps without a successful compensation, newest first. */
  pending: string[];
  /**
   * Pending steps whose effects still exist: all of them, except, for a run on the embedded
   * emulator, those that only touched the emulator (it ended with the run's process).
   */
  held: string[];
  /** Whether `engine rollback` has something to do. */
  needsRollback: boolean;
  /** Lines that could not be read (a torn last line after a crash, a malformed record). */
  skippedLines: number;
  /** Each skipped line, as `line N: why`. */
  problems: string[];
}

/** Summarises a journal's records. */
export function summarizeJournal(runId: string, records: JournalRecord[], skippedLines = 0, problems: string[] = []): RunSummary {
  const start = records.find((r): r is JournalRecordOf<'run-start'> => r.kind === 'run-start');
  const intents = new Map<string, JournalRecordOf<'step-intent'>>();
  const compensated = new Set<string>();
  let status: SummaryStatus | undefined;
  let endedAt: string | undefined;
  let exitCode: number | undefined;
  let dirty = false;
  for (const r of records) {
    if (r.kind === 'step-intent' && !intents.has(r.stepId)) intents.set(r.stepId, r);
    else if (r.kind === 'compensation-result' && r.status === 'succeeded') compensated.add(r.stepId);
    else if (r.kind === 'run-dirty') dirty = true;
    else if (r.kind === 'run-end' || r.kind === 'rollback-end') {
      status = r.status;
      endedAt = r.ts;
      exitCode = r.exitCode;
      if (r.kind === 'rollback-end') dirty = false;
    }
  }
  const pid = start?.pid;
  if (dirty) status = SummaryStatus.DIRTY;
  if (status === undefined) status = pid !== undefined && isAlive(pid, start?.pidStart) ? SummaryStatus.RUNNING : SummaryStatus.UNFINISHED;
  const pending = [...intents.values()]
    .filter((i) => i.rollback.kind !== 'none' && !compensated.has(i.stepId))
    .map((i) => i.stepId)
    .reverse();
  return {
    runId,
    workflow: start?.workflow.name ?? '?',
    file: start?.workflow.file ?? '?',
    status,
    ...(start ? { startedAt: start.ts } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(start && endedAt ? { durationMs: Math.max(0, Date.parse(endedAt) - Date.parse(start.ts)) } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(pid !== undefined ? { pid } : {}),
    stepsStarted: intents.size,
    pending,
    held:
      (start?.target as { kind?: unknown } | undefined)?.kind === 'embedded'
        ? pending.filter((id) => !intents.get(id)?.needsTarget)
        : pending,
    needsRollback:
      status !== SummaryStatus.PASSED && status !== SummaryStatus.RUNNING && status !== SummaryStatus.ROLLED_BACK && pending.length > 0,
    skippedLines,
    problems,
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
    .map((runId) => summarizeRun(stateDir, runId));
}

/** One run's summary; a journal that cannot be read at all is `unreadable`, never an error for the others. */
function summarizeRun(stateDir: string, runId: string): RunSummary {
  try {
    const { records, skipped, problems } = readJournal(journalPath(stateDir, runId));
    return summarizeJournal(
      runId,
      records,
      skipped,
      problems.map((p) => `line ${p.line}: ${p.message}`),
    );
  } catch (error) {
    const message = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ...summarizeJournal(runId, []), status: SummaryStatus.UNREADABLE, problems: [`cannot read the journal: ${message}`] };
  }
}

/** A run with nothing left to do: ended (passed, failed, interrupted or rolled back), holding nothing, journal whole. */
export function isSettled(run: RunSummary): boolean {
  const ended: SummaryStatus[] = [SummaryStatus.PASSED, SummaryStatus.FAILED, SummaryStatus.INTERRUPTED, SummaryStatus.ROLLED_BACK];
  return ended.includes(run.status) && run.held.length === 0 && run.problems.length === 0;
}

/** Removes the folders of settled runs that ended more than `olderThanMs` ago; returns their ids. */
export function pruneRuns(stateDir: string, olderThanMs: number, now = Date.now()): string[] {
  const pruned: string[] = [];
  for (const run of listRuns(stateDir)) {
    if (!isSettled(run) || !run.endedAt || now - Date.parse(run.endedAt) < olderThanMs) continue;
    rmSync(runDir(stateDir, run.runId), { recursive: true, force: true });
    pruned.push(run.runId);
  }
  return pruned;
}

/**
 * Whether the process that wrote a journal is still running: `pid` is alive, is not this
 * process, is not a zombie and, when the journal recorded it, started when that process did
 * (`pidStart`, from {@link processStart}). A pid reused by another process is therefore dead.
 * Where the start cannot be told (no /proc and no `ps`), the pid alone decides.
 */
export function isAlive(pid: number, pidStart?: string): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const current = processStart(pid);
  if (current === null) return false;
  return current === undefined || pidStart === undefined || current === pidStart;
}

/**
 * Identifies a process among every process that ever had its pid: on Linux the boot id and the
 * start time in clock ticks since boot (`/proc/<pid>/stat`), elsewhere `ps -o lstart=` (to the
 * second). `null` when the process does not exist or is a zombie; `undefined` when it cannot be
 * told here. `via: 'ps'` forces the `ps` way (tests).
 */
export function processStart(pid: number, via: 'auto' | 'ps' = 'auto'): string | null | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (via === 'auto' && existsSync('/proc/self/stat')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
    }
    // pid (comm) state ppid ... starttime is field 22; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, startTicks] = [fields[0], fields[19]];
    if (state === 'Z' || state === 'X' || state === 'x') return null;
    if (!startTicks || !/^\d+$/.test(startTicks)) return undefined;
    return `linux:${bootId()}:${startTicks}`;
  }
  if (process.platform === 'win32') return undefined;
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' },
      timeout: 5000,
    });
  } catch (error) {
    // ps exits 1 when there is no such process; anything else (no ps) means we cannot tell.
    return (error as { status?: unknown }).status === 1 ? null : undefined;
  }
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(out);
  if (!match) return undefined;
  if (match[1]!.startsWith('Z')) return null;
  return `ps:${match[2]}`;
}

let cachedBootId: string | undefined;
function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = '';
    }
  }
  return cachedBootId;
}
