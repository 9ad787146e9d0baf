import { availableParallelism } from 'node:os';
import { BROKEN_SETUPS, type BrokenSetup } from './brokenSetups.ts';
import { inPool } from './pool.ts';
import { RunBatch } from './runBatch.ts';
import { compileWorkflow } from './compile.ts';
import type { RunReport } from './report.ts';
import type { StepRegistry } from './registry.ts';
import { RunStatus } from './status.ts';
import type { TargetSession } from './target.ts';
import type { Workflow } from './workflow.ts';

/**
 * `engine prove`: a drill that has only ever been seen green is not evidence. The drill runs
 * once per {@link BROKEN_SETUPS broken setup} on a fresh embedded target, and each must turn
 * its verdict red: the run does not pass, and at least one objective fails (a step that merely
 * timed out, with every objective green, is not caught by the objectives). Every run compensates
 * as usual; one that cannot is reported as such.
 */

/** What became of one broken setup. */
export interface ProveResult {
  setup: string;
  title: string;
  /** Caught: the run did not pass and an objective failed. */
  caught: boolean;
  /** Why it does not apply to this drill: it was not run, and counts neither as caught nor as missed. */
  notApplicable?: string;
  /** Set when an interrupt came before the setup's run started: it was not run. */
  notRun?: 'interrupted';
  runId?: string;
  status?: RunReport['status'];
  exitCode?: number;
  /** The failed objectives' lines (`failover RTO not measured ≤ 2 min  FAIL`). */
  failedObjectives: string[];
  /** The first failed step, if any: `awaitFailover: …`. */
  failedStep?: string;
  /** Every compensation succeeded (false means resources may remain: see the run's report). */
  compensatedCleanly: boolean;
}

export interface ProveOptions {
  workflow: Workflow;
  registry: StepRegistry;
  /** A fresh embedded target per run. */
  target: () => TargetSession;
  stateDir: string;
  inputs: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** Only these setups (ids); default all. */
  only?: readonly string[];
  /** Called as each run ends. */
  onResult?: (result: ProveResult) => void;
  /** Starts the runs, so that a signal stops them together (default: a batch of its own). */
  batch?: RunBatch;
}

/**
 * How many broken setups run at once. Each run has its own emulator and its own idle-skipping
 * clock, which looks only at its own activities, so runs side by side give the same figures as
 * one after the other; each keeps about one core busy (its main thread and Lambda processes).
 */
export const PROVE_AT_ONCE = Math.max(1, Math.min(4, availableParallelism()));

/**
 * Runs the drill against each broken setup, up to {@link PROVE_AT_ONCE} at a time; `onResult` hears
 * each as it ends, the results come back in the setups' order.
 */
export async function proveWorkflow(options: ProveOptions): Promise<ProveResult[]> {
  const setups = BROKEN_SETUPS.filter((s) => !options.only || options.only.includes(s.id));
  const batch = options.batch ?? new RunBatch();
  return inPool(setups, PROVE_AT_ONCE, async (setup) => {
    const result = await proveOne(setup, options, batch);
    options.onResult?.(result);
    return result;
  });
}

async function proveOne(setup: BrokenSetup, options: ProveOptions, batch: RunBatch): Promise<ProveResult> {
  const base = { setup: setup.id, title: setup.title, failedObjectives: [] as string[] };
  const broken = setup.apply(options.workflow);
  if ('notApplicable' in broken) return { ...base, caught: false, notApplicable: broken.notApplicable, compensatedCleanly: true };
  const workflow: Workflow = { ...broken, name: `${options.workflow.name} [broken: ${setup.id}]` };
  const handle = batch.start({
    workflow,
    compiled: compileWorkflow(workflow),
    registry: options.registry,
    target: options.target(),
    stateDir: options.stateDir,
    inputs: options.inputs,
    ...(options.env ? { env: options.env } : {}),
  });
  if (!handle) return { ...base, caught: false, notRun: 'interrupted', compensatedCleanly: true };
  const report = await handle.done;
  const failedObjectives = (report.drill?.verdicts ?? []).filter((v) => !v.pass).map((v) => v.line);
  const failed = report.steps.find((s) => s.status === 'failed' || s.status === 'aborted');
  return {
    ...base,
    caught: report.status !== RunStatus.PASSED && failedObjectives.length > 0,
    runId: report.runId,
    status: report.status,
    exitCode: report.exitCode,
    failedObjectives,
    ...(failed ? { failedStep: `${failed.id}: ${failed.error?.message ?? failed.status}` } : {}),
    compensatedCleanly:
      report.steps.every((s) => s.compensation?.status !== 'failed') && report.status !== RunStatus.COMPENSATION_INCOMPLETE,
  };
}

/** The table and the bottom line: `6/6 broken setups caught`, or which were not, and which do not apply. */
export function renderProve(results: readonly ProveResult[]): string {
  const width = Math.max(...results.map((r) => r.setup.length));
  const wordWidth = Math.max(...results.map((r) => verdictWord(r).length));
  const lines = results.map((r) => {
    const clean = r.compensatedCleanly ? '' : '  COMPENSATION INCOMPLETE';
    return `  ${r.setup.padEnd(width)}  ${verdictWord(r).padEnd(wordWidth)}  ${proveDetail(r)}${clean}`;
  });
  const applicable = results.filter((r) => !r.notApplicable && !interrupted(r));
  const caught = applicable.filter((r) => r.caught).length;
  const missed = applicable.filter((r) => !r.caught);
  const notApplicable = results.filter((r) => r.notApplicable).map((r) => r.setup);
  const stopped = results.filter(interrupted).map((r) => r.setup);
  const parts = [`${caught}/${applicable.length} broken setups caught`];
  if (missed.length) parts.push(`not caught by the drill's objectives: ${missed.map((r) => `${r.setup} (${r.title})`).join(', ')}`);
  if (notApplicable.length) parts.push(`not applicable to this drill, so not tried: ${notApplicable.join(', ')}`);
  if (stopped.length) parts.push(`interrupted, so not judged: ${stopped.join(', ')}`);
  return [...lines, parts.join('; ')].join('\n') + '\n';
}

/** Whether a setup's run was stopped by an interrupt, or never started because of one. */
function interrupted(r: ProveResult): boolean {
  return r.notRun !== undefined || r.status === 'interrupted';
}

function verdictWord(r: ProveResult): string {
  if (r.notApplicable) return 'N/A';
  if (interrupted(r)) return 'STOPPED';
  return r.caught ? 'CAUGHT' : 'MISSED';
}

function proveDetail(r: ProveResult): string {
  if (r.notApplicable) return `not applicable: ${r.notApplicable}`;
  if (r.notRun) return 'not run: interrupted before it started';
  if (r.status === 'interrupted') return `interrupted (exit ${r.exitCode})${r.failedStep ? ` during ${r.failedStep.split(':')[0]}` : ''}`;
  const failed = r.failedStep ? `, step ${r.failedStep.split(':')[0]} failed` : '';
  const objectives = r.failedObjectives.length
    ? `; ${r.failedObjectives.length} objective(s) failed: ${r.failedObjectives[0]}${r.failedObjectives.length > 1 ? ', …' : ''}`
    : '; every objective passed';
  return `${r.status} (exit ${r.exitCode})${failed}${objectives}`;
}

/** Why nothing was proven, when no chosen setup applies to the drill (`engine prove` then exits 2). */
export function nothingApplies(results: readonly ProveResult[]): string | undefined {
  if (results.length === 0 || results.some((r) => !r.notApplicable)) return undefined;
  return `none of the broken setups applies to this drill, so nothing was proven: ${results.map((r) => `${r.setup} (${r.notApplicable})`).join(', ')}; engine prove breaks failover records (upsertFailoverRecords), replicating regions (provisionRegion with replicateTo) and FIS experiments (startExperiment)`;
}
