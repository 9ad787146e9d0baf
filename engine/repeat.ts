import { compileWorkflow } from './compile.ts';
import type { Measures } from './measures/deriveMeasures.ts';
import { inPool } from './pool.ts';
import { PROVE_AT_ONCE } from './prove.ts';
import type { RunReport } from './report.ts';
import type { StepRegistry } from './registry.ts';
import { RunBatch } from './runBatch.ts';
import { ExitCode, RunStatus } from './status.ts';
import type { TargetSession } from './target.ts';
import type { Workflow } from './workflow.ts';

/**
 * `engine repeat`: one run of a drill is one sample. Route 53's checkers start at a random phase,
 * so the same drill measures a different RTO with another seed. The drill runs N times on fresh
 * embedded targets with consecutive seeds (each run reproducible by its seed), and every measure
 * is summarised over the runs: min, p50, p95, max (nearest rank), and how many runs measured it.
 */

/** One run of the drill. */
export interface RepeatRun {
  seed: number;
  runId: string;
  status: RunReport['status'];
  exitCode: number;
  /** Each measure as objectives name it (`failover.rto`), AWS ms, a count or a ratio; null = not measured. */
  measures: Record<string, number | null>;
  /** Each objective's verdict, with its actual value when that is a number. */
  verdicts: Array<{ name: string; expression: string; pass: boolean; actual: number | null }>;
}

/** One measure (or an objective's actual value) over the runs; the figures are null when no run measured it. */
export interface MeasureSpread {
  measure: string;
  /** For an objective's row: its expression, whose limit says the unit. */
  expression?: string;
  measured: number;
  runs: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export interface RepeatOptions {
  workflow: Workflow;
  registry: StepRegistry;
  /** A fresh embedded target for the run with this seed. */
  target: (seed: number) => TargetSession;
  stateDir: string;
  inputs: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  runs: number;
  /** The first run's seed; the others follow it. */
  seed: number;
  onResult?: (run: RepeatRun) => void;
  /** Starts the runs, so that a signal stops them together (default: a batch of its own). */
  batch?: RunBatch;
}

/**
 * Runs the drill `runs` times, up to {@link PROVE_AT_ONCE} at a time; the results come back in seed
 * order, without the runs an interrupt kept from starting.
 */
export async function repeatWorkflow(options: RepeatOptions): Promise<RepeatRun[]> {
  const seeds = Array.from({ length: options.runs }, (_, i) => options.seed + i);
  const batch = options.batch ?? new RunBatch();
  const runs = await inPool(seeds, PROVE_AT_ONCE, async (seed) => {
    const handle = batch.start({
      workflow: options.workflow,
      compiled: compileWorkflow(options.workflow),
      registry: options.registry,
      target: options.target(seed),
      stateDir: options.stateDir,
      inputs: options.inputs,
      ...(options.env ? { env: options.env } : {}),
    });
    if (!handle) return undefined;
    const report = await handle.done;
    const run: RepeatRun = {
      seed,
      runId: report.runId,
      status: report.status,
      exitCode: report.exitCode,
      measures: report.drill?.measures ? flatMeasures(report.drill.measures) : {},
      verdicts: (report.drill?.verdicts ?? []).map((v) => ({
        name: v.name,
        expression: v.expression,
        pass: v.pass,
        actual: typeof v.actual === 'number' ? v.actual : null,
      })),
    };
    options.onResult?.(run);
    return run;
  });
  return runs.filter((r): r is RepeatRun => r !== undefined);
}

/** The measures objectives read, flattened to their names (`failover.errorWindow.ttl`). */
export function flatMeasures(m: Measures): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const direction of ['failover', 'failback'] as const) {
    const d = m[direction];
    for (const phase of ['rto', 'onset', 'detection', 'dns', 'recovery', 'stable'] as const) out[`${direction}.${phase}`] = d[phase];
    out[`${direction}.rpo.lostWrites`] = d.rpo.lostWrites;
    for (const [client, window] of Object.entries(d.errorWindow)) out[`${direction}.errorWindow.${client}`] = window;
  }
  for (const [client, share] of Object.entries(m.availability)) out[`availability.${client}`] = share;
  return out;
}

/**
 * Every measure over the runs, in the order the first run that has it lists it, then each
 * objective's actual value (`objective <name>`).
 */
export function spreads(runs: readonly RepeatRun[]): MeasureSpread[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.measures)))];
  const objectives = [...new Map(runs.flatMap((r) => r.verdicts.map((v) => [v.name, v.expression] as const))).entries()];
  return [
    ...names.map((measure) =>
      spread(
        measure,
        runs.map((r) => r.measures[measure]),
      ),
    ),
    ...objectives.map(([name, expression]) => ({
      ...spread(
        `objective ${name}`,
        runs.map((r) => r.verdicts.find((v) => v.name === name)?.actual),
      ),
      expression,
    })),
  ];
}

/** min, p50, p95 and max (nearest rank) of the numbers among `values`. */
function spread(measure: string, values: ReadonlyArray<number | null | undefined>): MeasureSpread {
  const sorted = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : null);
  return {
    measure,
    measured: sorted.length,
    runs: values.length,
    min: sorted[0] ?? null,
    p50: rank(50),
    p95: rank(95),
    max: sorted.at(-1) ?? null,
  };
}

/** The exit code of the whole repeat: the worst run's (compensation incomplete, failed, breached, passed). */
export function repeatExitCode(runs: readonly RepeatRun[]): number {
  for (const code of [ExitCode.COMPENSATION_INCOMPLETE, ExitCode.STEP_FAILED, ExitCode.INTERRUPTED, ExitCode.OBJECTIVE_BREACHED]) {
    if (runs.some((r) => r.exitCode === code)) return code;
  }
  return runs.every((r) => r.status === RunStatus.PASSED) ? ExitCode.PASSED : ExitCode.STEP_FAILED;
}
