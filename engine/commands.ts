import type { EmulationModel } from '../emulator/model.ts';
import type { RoutingSettings } from '../emulator/route53/routingSettings.ts';
import { writeFileSync } from 'node:fs';
import { steps as registered } from '../steps/all.ts';
import { StepRegistry } from './registry.ts';
import { envelopeSchema, loadWorkflowFile } from './load.ts';
import { editorSchema } from './editorSchema.ts';
import { describeSteps } from './stepsText.ts';
import { compileWorkflow } from './compile.ts';
import { toDot, toMermaid, GraphFormat } from './graph.ts';
import { parseInputArgs, resolveInputs } from './inputs.ts';
import { createTargetSession, targetOptionsFromRun, type TargetOptions } from './target.ts';
import { parseTargetDescription } from './targetDescription.ts';
import { journalPath, readJournal, resolveStateDir } from './journal.ts';
import { startRun } from './run.ts';
import { lineProgress, useColor } from './progress.ts';
import { formatMs, renderSummary } from './report.ts';
import { listRuns, pruneRuns, type RunSummary } from './runs.ts';
import { parseDuration } from './duration.ts';
import { rollbackRun } from './rollback.ts';
import { UsageError, WorkflowLoadError, formatIssue, type LoadIssue } from './errors.ts';
import { flattenSteps } from './workflow.ts';
import type { Io } from './io.ts';
import { ExitCode, RunStatus, StepStatus, SummaryStatus } from './status.ts';
import { ErrorCode } from './errors.ts';

export type { Io } from './io.ts';

/** The registry of `steps/index.ts`. */
export function defaultRegistry(): StepRegistry {
  return new StepRegistry(registered);
}

/** What `engine validate --json` says of one file. */
interface Validation {
  file: string;
  valid: boolean;
  steps?: number;
  problems: LoadIssue[];
}

/** `engine validate <file>... [--json]`: 0 when every file is valid, 2 otherwise; every problem of every file is listed. */
export function validateCommand(files: string[], json: boolean, io: Io): number {
  const registry = defaultRegistry();
  const results = files.map((file): Validation => {
    try {
      const workflow = loadWorkflowFile(file, registry);
      compileWorkflow(workflow);
      return { file, valid: true, steps: flattenSteps(workflow.steps).length, problems: [] };
    } catch (error) {
      if (!(error instanceof WorkflowLoadError)) throw error;
      return { file, valid: false, problems: error.issues };
    }
  });
  if (json) io.out.write(JSON.stringify(results, null, 2) + '\n');
  else {
    for (const r of results) {
      if (r.valid) io.out.write(`${r.file}: ok (${r.steps} steps)\n`);
      else for (const issue of r.problems) io.err.write(formatIssue(issue) + '\n');
    }
  }
  return results.every((r) => r.valid) ? ExitCode.PASSED : ExitCode.USAGE;
}

/** `engine plan <file> [--json]`: what a run would create, change and break; contacts nothing. */
export async function planCommand(file: string, options: { json: boolean; target: { kind?: string; endpoint?: string } }, io: Io): Promise<number> {
  const { planWorkflow, formatPlan } = await import('./plan.ts');
  const registry = defaultRegistry();
  const workflow = loadWorkflowFile(file, registry);
  const plan = planWorkflow(workflow, registry);
  if (options.json) io.out.write(JSON.stringify(plan, null, 2) + '\n');
  else {
    const named = options.target.endpoint ?? options.target.kind ?? 'embedded';
    io.out.write(`target: ${named} (not contacted)\n` + formatPlan(workflow, plan));
  }
  return ExitCode.PASSED;
}

/** `engine graph <file> [--format mermaid|dot]`. */
export function graphCommand(file: string, format: string, io: Io): number {
  if (format !== GraphFormat.MERMAID && format !== GraphFormat.DOT) throw new UsageError(`--format must be mermaid or dot, got '${format}'`);
  const { config } = compileWorkflow(loadWorkflowFile(file, defaultRegistry()));
  io.out.write(format === GraphFormat.DOT ? toDot(config) : toMermaid(config));
  return 0;
}

/** `engine steps [--json]`: every step type with its params. */
export function stepsCommand(json: boolean, io: Io): number {
  const defs = defaultRegistry().list();
  if (json) {
    io.out.write(JSON.stringify(defs.map((d) => ({ type: d.type, description: d.description, params: d.params, outputs: d.outputs ?? null, needsTarget: d.needsTarget ?? true, rollback: Boolean(d.rollback) })), null, 2) + '\n');
    return 0;
  }
  io.out.write(describeSteps(defs));
  return 0;
}

/** `engine schema [--out FILE]`: the editor schema (`npm run schema` writes it to schemas/workflow.schema.json). */
export function schemaCommand(out: string | undefined, io: Io): number {
  const registry = defaultRegistry();
  const text = JSON.stringify(editorSchema(envelopeSchema(), registry), null, 2) + '\n';
  if (out === undefined) io.out.write(text);
  else {
    writeFileSync(out, text);
    io.err.write(`wrote ${out} (${registry.list().length} step types)\n`);
  }
  return 0;
}

/** Options of `engine run`. */
export interface RunCommandOptions extends TargetOptions {
  file: string;
  inputs: string[];
  json: boolean;
  stateDir?: string;
  verbose: boolean;
}

/**
 * `engine run`: load, resolve inputs, compile, then run; prints the summary (or JSON report) and
 * returns the exit code. The first interrupt compensates; a second stops at once (dirty).
 */
export async function runCommand(options: RunCommandOptions, io: Io): Promise<number> {
  const registry = defaultRegistry();
  let workflow;
  let inputs;
  try {
    workflow = loadWorkflowFile(options.file, registry);
    inputs = resolveInputs(workflow.inputs, parseInputArgs(options.inputs));
  } catch (error) {
    // With --json, a workflow or input that is refused is a JSON document on stdout too.
    if (!options.json || !(error instanceof WorkflowLoadError || error instanceof UsageError)) throw error;
    const problems = error instanceof WorkflowLoadError ? error.issues : [];
    io.out.write(JSON.stringify({ file: options.file, status: 'invalid', exitCode: ExitCode.USAGE, problems, error: { code: error.code, message: error.message } }, null, 2) + '\n');
    return ExitCode.USAGE;
  }
  const compiled = compileWorkflow(workflow);
  const target = createTargetSession(options);
  const progress = lineProgress((line) => io.err.write(line + '\n'), { color: useColor(io.err, io.env), verbose: options.verbose });
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const handle = startRun({ workflow, compiled, registry, target, stateDir, inputs, progress, env: io.env });
  const unsubscribe = io.onInterrupt?.((signal) => {
    if (!handle.interrupt() && !handle.finished) {
      void handle.abortNow(`second ${signal}`).then(() => io.exit?.(ExitCode.INTERRUPTED));
    }
  });
  try {
    const report = await handle.done;
    if (report.status === RunStatus.FAILED && report.error?.code === ErrorCode.TARGET && report.steps.every((s) => s.status === StepStatus.NOT_RUN)) {
      io.err.write(`error: ${report.error.message}\n`);
    }
    io.out.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderSummary(report));
    return report.exitCode;
  } finally {
    unsubscribe?.();
  }
}

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
    for (const problem of r.problems) if (!problem.includes('torn last line')) io.err.write(`engine: run ${r.runId}: journal ${problem} (skipped)\n`);
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
    lines.push(pad([r.runId, r.status, r.workflow, r.startedAt ?? '', duration, r.exitCode === undefined ? '' : String(r.exitCode), held(r)]));
  }
  return lines.join('');
}

/** What a run still holds and the command that releases it. */
function held(r: RunSummary): string {
  if (r.needsRollback) return `${r.pending.length} to compensate (engine rollback ${r.runId})`;
  if (r.status === SummaryStatus.PASSED && r.held.length) return `${r.held.length} kept (engine destroy ${r.runId})`;
  return '';
}

/**
 * `engine rollback <runId>` and `engine destroy <runId>` (which also compensates a run that
 * passed and kept its resources). Without target flags the compensations go where the run
 * went: the endpoint (and DNS) or AWS recorded in its journal, never a fresh embedded emulator.
 */
export async function rollbackCommand(runId: string, options: TargetOptions & { stateDir?: string; verbose: boolean; destroy?: boolean }, io: Io): Promise<number> {
  const progress = lineProgress((line) => io.err.write(line + '\n'), { color: useColor(io.err, io.env), verbose: options.verbose });
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  let targetOptions: TargetOptions = options;
  let targetGone: string | undefined;
  const flagged = options.kind !== undefined || options.endpoint !== undefined || options.dns !== undefined || options.timeScale !== undefined;
  // (An invalid or unknown run id is reported by rollbackRun.)
  if (!flagged && /^[\w.-]+$/.test(runId)) {
    const records = readJournal(journalPath(stateDir, runId)).records;
    const recorded = records.findLast((r) => r.kind === 'target-acquired') ?? records.find((r) => r.kind === 'run-start');
    const described = recorded?.kind === 'target-acquired' || recorded?.kind === 'run-start' ? parseTargetDescription(recorded.target) : undefined;
    if (described?.kind === 'embedded') {
      targetGone = "the run used the embedded emulator, which ended with the run's process (pass --endpoint to compensate elsewhere)";
    }
    const journaled = described ? targetOptionsFromRun(described) : undefined;
    if (journaled) {
      targetOptions = journaled;
      io.err.write(`rollback target (from the run's journal): ${journaled.kind}${journaled.endpoint ? ` ${journaled.endpoint}` : ''}${journaled.dns ? ` dns ${journaled.dns}` : ''}\n`);
    }
  }
  const result = await rollbackRun({
    stateDir,
    runId,
    registry: defaultRegistry(),
    target: createTargetSession(targetOptions),
    progress,
    env: io.env,
    ...(targetGone ? { targetGone } : {}),
    ...(options.destroy ? { destroy: true } : {}),
  });
  (result.status === 'untrusted' ? io.err : io.out).write(result.message + '\n');
  return result.exitCode;
}

/** `engine serve`: the emulator alone (emulator/serve.ts, written separately). */
export async function serveCommand(argv: {
  port?: number;
  dnsPort?: number;
  host?: string;
  timeScale?: number;
  model?: Partial<EmulationModel>;
  route53?: Partial<RoutingSettings>;
}): Promise<number> {
  const { serve } = await import('../emulator/serve.ts');
  await serve(argv);
  // serve() reports its own errors (one line naming the flag) and sets the exit code.
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
