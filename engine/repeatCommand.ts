import { defaultRegistry } from './commands.ts';
import { loadWorkflowFile } from './load.ts';
import { parseInputArgs, resolveInputs } from './inputs.ts';
import { resolveStateDir } from './journal.ts';
import { UsageError } from './errors.ts';
import { PROVE_AT_ONCE } from './prove.ts';
import { embeddedSession, type ProveCommandOptions } from './proveCommand.ts';
import { repeatExitCode, repeatWorkflow, spreads, type MeasureSpread, type RepeatRun } from './repeat.ts';
import type { Io } from './io.ts';
import { RunBatch } from './runBatch.ts';
import { ExitCode } from './status.ts';
import { operandText } from './reports/format.ts';

/** Options of `engine repeat`: those of `engine prove` (`seed` is the first run's), and how many runs. */
export interface RepeatCommandOptions extends Omit<ProveCommandOptions, 'only'> {
  runs?: number;
}

/** How many runs without `--runs`. */
export const DEFAULT_RUNS = 5;

/**
 * `engine repeat <workflow> [--runs N] [--seed S]`: runs the drill N times on the embedded target,
 * seeds S, S+1, …, and prints each run's line, then every measure's spread over the runs and how
 * often each objective held. Exit code: the worst run's (3, then 1, 130, 4; 0 when all passed).
 */
export async function repeatCommand(options: RepeatCommandOptions, io: Io): Promise<number> {
  const registry = defaultRegistry();
  const workflow = loadWorkflowFile(options.file, registry);
  const runs = options.runs ?? DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new UsageError('--runs must be a whole number from 1 to 1000');
  const seed = options.seed ?? Date.now() % 100_000;
  const inputs = resolveInputs(workflow.inputs, parseInputArgs(options.inputs));
  if (!options.json)
    io.err.write(
      `repeating ${options.file}: ${runs} runs on the embedded target, seeds ${seed}–${seed + runs - 1}, ${Math.min(PROVE_AT_ONCE, runs)} at a time\n`,
    );
  const batch = new RunBatch();
  const unsubscribe = io.onInterrupt?.((signal) => batch.interrupt(signal));
  const results = await repeatWorkflow({
    batch,
    workflow,
    registry,
    target: (s) => embeddedSession(options.timeScale, s),
    stateDir: resolveStateDir(options.stateDir, io.env, io.cwd),
    inputs,
    env: io.env,
    runs,
    seed,
    onResult: (r) => options.json || io.err.write(`  seed ${r.seed}: ${r.status} (exit ${r.exitCode}, run ${r.runId})\n`),
  });
  unsubscribe?.();
  const spread = spreads(results);
  io.out.write(options.json ? JSON.stringify({ runs: results, spreads: spread }, null, 2) + '\n' : renderRepeat(results, spread, runs));
  return batch.interrupted ? ExitCode.INTERRUPTED : repeatExitCode(results);
}

/** The table of spreads, how often each objective held, and the bottom line. */
export function renderRepeat(runs: readonly RepeatRun[], spread: readonly MeasureSpread[], asked = runs.length): string {
  const lines: string[] = [];
  const measured = spread.filter((s) => s.measured > 0);
  const rows = measured.map((s) => [s.measure, `${s.measured}/${s.runs}`, ...[s.min, s.p50, s.p95, s.max].map((v) => shown(s, v))]);
  if (rows.length) {
    const table = [['measure', 'measured', 'min', 'p50', 'p95', 'max'], ...rows];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table)
      lines.push(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
  }
  // Objectives whose actual value is not a number (an answer, a boolean) have no spread; measures
  // none of the runs reached are named, unless the drill measures nothing at all (no probes).
  const never = spread.filter((s) => s.measured === 0 && s.expression === undefined).map((s) => s.measure);
  if (never.length && measured.some((s) => s.expression === undefined)) lines.push(`not measured in any run: ${never.join(', ')}`);
  const objectives = [...new Set(runs.flatMap((r) => r.verdicts.map((v) => v.name)))];
  if (objectives.length) {
    const held = (name: string) => runs.filter((r) => r.verdicts.some((v) => v.name === name && v.pass)).length;
    lines.push(`objectives held: ${objectives.map((name) => `${name} ${held(name)}/${runs.length}`).join(', ')}`);
  }
  const byStatus = new Map<string, number>();
  for (const r of runs) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const seeds = runs.length ? `, seeds ${runs[0]!.seed}–${runs.at(-1)!.seed}` : '';
  const missing = asked > runs.length ? `; ${asked - runs.length} not started (interrupted)` : '';
  lines.push(`${runs.length} runs${seeds}: ${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}${missing}`);
  return lines.join('\n') + '\n';
}

/** A figure as its measure reads: AWS seconds, a count of writes, a percentage, or an objective's operand. */
function shown(s: MeasureSpread, value: number | null): string {
  if (value === null) return '-';
  if (s.expression !== undefined) return operandText(s.expression, value);
  if (s.measure.endsWith('.lostWrites')) return String(value);
  if (s.measure.startsWith('availability.')) return `${(value * 100).toFixed(1)}%`;
  return `${(value / 1000).toFixed(1)} s`;
}
