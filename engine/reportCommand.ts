import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { foldEvents } from './foldEvents.ts';
import type { Io } from './io.ts';
import { journalPath, readJournal, resolveStateDir, runDir as runDirOf } from './journal.ts';
import { ReportFormat, renderReport, writeReports } from './reports/write.ts';
import { UsageError } from './errors.ts';
import { ExitCode } from './status.ts';

/**
 * `engine report <runId> [--format F] [--out FILE]`: folds the run's journal into its report
 * again (a run killed mid-way included: as far as its journal got). Without `--format` every
 * format is written into the run's folder; with it, the one format goes to `--out` or stdout.
 */
export function reportCommand(runId: string, options: { stateDir?: string; format?: string; out?: string }, io: Io): number {
  if (!/^[\w.-]+$/.test(runId)) throw new UsageError(`'${runId}' is not a run id (see engine runs)`);
  const formats = Object.values(ReportFormat) as string[];
  if (options.format !== undefined && !formats.includes(options.format))
    throw new UsageError(`--format must be one of ${formats.join(', ')}, got '${options.format}'`);
  if (options.out !== undefined && options.format === undefined) throw new UsageError('--out goes with --format');
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const path = journalPath(stateDir, runId);
  if (!existsSync(path)) throw new UsageError(`no run '${runId}' in ${stateDir} (see engine runs)`);
  const journal = readJournal(path);
  const report = foldEvents(journal.records, { runDir: runDirOf(stateDir, runId) });
  for (const problem of journal.problems)
    if (!problem.message.includes('torn last line')) io.err.write(`engine: journal line ${problem.line}: ${problem.message} (skipped)\n`);
  if (options.format === undefined) {
    const written = writeReports(report, journal.records);
    io.out.write(`${report.status} (exit ${report.exitCode}): wrote ${written.join(', ')}\n`);
    return ExitCode.PASSED;
  }
  const text = renderReport(options.format as ReportFormat, report, journal.records);
  if (options.out === undefined) io.out.write(text);
  else {
    writeFileSync(resolve(io.cwd, options.out), text);
    io.err.write(`wrote ${options.out}\n`);
  }
  return ExitCode.PASSED;
}
