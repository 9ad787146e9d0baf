import type { Io } from './io.ts';
import { resolveStateDir } from './journal.ts';
import { formatMs } from './report.ts';
import { listRuns, pruneRuns, type RunSummary } from './runs.ts';
import { parseDuration } from './duration.ts';
import { UsageError } from './errors.ts';
import { ExitCode, SummaryStatus } from './status.ts';

/** `engine runs [--json] [--prune [--older-than 7d]]`: the runs in a state folder, and pruning settled ones. */
/** Options of `engine runs`. */
export interface RunsCommandOptions {
  stateDir?: string;
  json: boolean;
  prune: boolean;
  /** With `prune`: only runs that ended longer ago than this (`7d`, `12h`, `30m`). */
  olderThan?: string;
}

/** `engine runs [--json] [--prune [--older-than 7d]]`. */
export function runsCommand(options: RunsCommandOptions, io: Io): number {
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  if (options.olderThan !== undefined && !options.prune) throw new UsageError('--older-than goes with --prune');
  if (options.prune) {
    const olderThanMs = options.olderThan === undefined ? 0 : parseAge(options.olderThan);
    const pruned = pruneRuns(stateDir, olderThanMs);
    if (options.json) io.out.write(JSON.stringify(pruned) + '\n');
    else io.out.write(pruned.length ? `pruned ${pruned.length} settled run(s): ${pruned.join(', ')}\n` : 'nothing to prune\n');
    return ExitCode.PASSED;
  }
  const runs = listRuns(stateDir);
  if (options.json) io.out.write(JSON.stringify(runs, null, 2) + '\n');
  else io.out.write(runs.length ? renderRuns(runs) : 'no runs\n');
  for (const r of runs) {
    for (const problem of r.problems)
      if (!problem.includes('torn last line')) io.err.write(`engine: run ${r.runId}: journal ${problem} (skipped)\n`);
  }
  return ExitCode.PASSED;
}

/** `7d`, `12h`, `30m`, `45s` (or any workflow duration) in milliseconds. */
function parseAge(text: string): number {
  const days = /^\s*(\d+(?:\.\d+)?)\s*d\s*$/.exec(text);
  const ms = days ? Number(days[1]) * 86_400_000 : parseDuration(text);
  if (ms === undefined) throw new UsageError(`--older-than expects an age like 7d, 12h or 30m, got '${text}'`);
  return ms;
}

/** The `engine runs` table: a header, then one run per line. */
function renderRuns(runs: RunSummary[]): string {
  const workflowWidth = Math.max(8, ...runs.map((r) => r.workflow.length));
  const row = (cells: string[]) => cells.join('  ').trimEnd() + '\n';
  const widths = [Math.max(6, ...runs.map((r) => r.runId.length)), 23, workflowWidth, 24, 8, 4];
  const pad = (cells: string[]) => row(cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)));
  const lines = [pad(['RUN', 'STATUS', 'WORKFLOW', 'STARTED', 'DURATION', 'EXIT', 'HELD'])];
  for (const r of runs) {
    const duration = r.durationMs === undefined ? '' : formatMs(r.durationMs);
    lines.push(
      pad([r.runId, r.status, r.workflow, r.startedAt ?? '', duration, r.exitCode === undefined ? '' : String(r.exitCode), held(r)]),
    );
  }
  return lines.join('');
}

/** What a run still holds and the command that releases it. */
function held(r: RunSummary): string {
  if (r.needsRollback) return `${r.pending.length} to compensate (engine rollback ${r.runId})`;
  if (r.status === SummaryStatus.PASSED && r.held.length) return `${r.held.length} kept (engine destroy ${r.runId})`;
  return '';
}
