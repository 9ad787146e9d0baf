import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorLogFile } from './emulatorLogFile.ts';
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
import { journalPath, readJournal, resolveStateDir, runDir } from './journal.ts';
import { startRun } from './run.ts';
import { releaseLocks } from './locks.ts';
import { runMasker } from './secrets.ts';
import type { SecretMasker } from './mask.ts';
import { lineProgress, useColor, type ProgressSink } from './progress.ts';
import { ttyProgress, type StatusStream } from './statusLine.ts';
import { renderSummary } from './report.ts';
import { rollbackRun } from './rollback.ts';
import { type EngineError, InterruptedError, UsageError, WorkflowLoadError, errorMessage, formatIssue, type LoadIssue } from './errors.ts';
import { createRunId } from './runId.ts';
import { systemClock } from './clock.ts';
import { LockedError } from './locks.ts';
import { releaseIfSettled, takeRunLocks, type RunLocks } from './runLocks.ts';
import type { Workflow } from './workflow.ts';
import type { TargetSession } from './target.ts';
import { fetchHealth, preflight, PreflightError } from './preflight.ts';
import { flattenSteps } from './workflow.ts';
import type { Io } from './io.ts';
import { ExitCode, RunStatus, StepStatus } from './status.ts';
import { ErrorCode } from './errors.ts';

export type { Io } from './io.ts';
export { runsCommand, type RunsCommandOptions } from './runsCommand.ts';
export { reportCommand } from './reportCommand.ts';

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
      if (r.valid) io.out.write(`${r.file}: ok (${r.steps} ${r.steps === 1 ? 'step' : 'steps'})\n`);
      else for (const issue of r.problems) io.err.write(formatIssue(issue) + '\n');
    }
  }
  return results.every((r) => r.valid) ? ExitCode.PASSED : ExitCode.USAGE;
}

/** `engine plan <file> [--json]`: what a run would create, change and break; contacts nothing. */
export async function planCommand(
  file: string,
  options: { json: boolean; target: { kind?: string; endpoint?: string } },
  io: Io,
): Promise<number> {
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
  if (format !== GraphFormat.MERMAID && format !== GraphFormat.DOT)
    throw new UsageError(`--format must be mermaid or dot, got '${format}'`);
  const { config } = compileWorkflow(loadWorkflowFile(file, defaultRegistry()));
  io.out.write(format === GraphFormat.DOT ? toDot(config) : toMermaid(config));
  return 0;
}

/** `engine steps [--json]`: every step type with its params. */
export function stepsCommand(json: boolean, io: Io): number {
  const defs = defaultRegistry().list();
  if (json) {
    io.out.write(
      JSON.stringify(
        defs.map((d) => ({
          type: d.type,
          description: d.description,
          params: d.params,
          outputs: d.outputs ?? null,
          needsTarget: d.needsTarget ?? true,
          rollback: Boolean(d.rollback),
        })),
        null,
        2,
      ) + '\n',
    );
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
  /** Wait for the runs holding the names this run claims instead of refusing. */
  waitLock?: boolean;
}

/**
 * `engine run`: load, resolve inputs, compile, then run; prints the summary (or JSON report) and
 * returns the exit code. The first interrupt compensates; a second stops at once (dirty).
 */
export async function runCommand(options: RunCommandOptions, io: Io): Promise<number> {
  const registry = defaultRegistry();
  const loaded = loadForRun(options, io, registry);
  if (typeof loaded === 'number') return loaded;
  const { workflow, inputs } = loaded;
  const compiled = compileWorkflow(workflow);
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const runId = createRunId();
  // Events reach the progress printer masked; what the command writes itself is masked here.
  const masker = runMasker(workflow, inputs, io.env);
  // The embedded emulator's log goes to the run's folder (an endpoint's is `engine serve`'s own).
  let session: TargetSession | undefined;
  const logPath = join(runDir(stateDir, runId), 'emulator.log');
  const emulatorLog = emulatorLogFile(
    logPath,
    (text) => masker.maskText(text),
    () => session?.clock?.now() ?? Date.now(),
  );
  const prepared = await prepareTarget({ workflow, registry, inputs, options: { ...options, log: emulatorLog.log }, io, runId, stateDir });
  if (typeof prepared === 'number') return prepared;
  const { target, locks } = prepared;
  session = target;
  const { progress, status } = runProgress(options, io, masker);
  const handle = startRun({
    workflow,
    compiled,
    registry,
    target,
    stateDir,
    inputs,
    progress,
    env: io.env,
    masker,
    runId,
    ...(locks ? { locks: locks.held } : {}),
  });
  const unsubscribe = io.onInterrupt?.((signal) => {
    if (!handle.interrupt() && !handle.finished) {
      void handle.abortNow(`second ${signal}`).then(() => io.exit?.(ExitCode.INTERRUPTED));
    }
  });
  try {
    const report = await handle.done;
    if (
      report.status === RunStatus.FAILED &&
      report.error?.code === ErrorCode.TARGET &&
      report.steps.every((s) => s.status === StepStatus.NOT_RUN)
    ) {
      io.err.write(masker.maskText(`error: ${report.error.message}\n`));
    }
    const logged = emulatorLog.flush();
    io.out.write(masker.maskText(options.json ? JSON.stringify(report, null, 2) + '\n' : renderSummary(report)));
    if (logged && !options.json) io.out.write(`emulator log: ${emulatorLog.path}\n`);
    const released = await releaseIfSettled(stateDir, runId, options, locks);
    if (released && (options.verbose || !released.startsWith('locks released'))) io.err.write(`${released}\n`);
    return report.exitCode;
  } finally {
    emulatorLog.flush();
    unsubscribe?.();
    status?.stop();
  }
}

/** The workflow and its inputs, or the exit code of a refusal (with --json, a JSON document on stdout too). */
function loadForRun(
  options: RunCommandOptions,
  io: Io,
  registry: StepRegistry,
): { workflow: Workflow; inputs: Record<string, unknown> } | number {
  try {
    const workflow = loadWorkflowFile(options.file, registry);
    return { workflow, inputs: resolveInputs(workflow.inputs, parseInputArgs(options.inputs)) };
  } catch (error) {
    if (!options.json || !(error instanceof WorkflowLoadError || error instanceof UsageError)) throw error;
    const problems = error instanceof WorkflowLoadError ? error.issues : [];
    io.out.write(
      JSON.stringify(
        { file: options.file, status: 'invalid', exitCode: ExitCode.USAGE, problems, error: { code: error.code, message: error.message } },
        null,
        2,
      ) + '\n',
    );
    return ExitCode.USAGE;
  }
}

/** Where a run's progress goes: on a terminal (without NO_COLOR or --json) a status line redrawn during waits, else lines. */
function runProgress(options: RunCommandOptions, io: Io, masker: SecretMasker): { progress: ProgressSink; status?: { stop(): void } } {
  const color = useColor(io.err, io.env);
  if (color && !options.json) {
    const status = ttyProgress(
      maskedStream(io.err as StatusStream, (text) => masker.maskText(text)),
      { color: true, verbose: options.verbose },
    );
    return { progress: status, status };
  }
  return { progress: lineProgress((line) => io.err.write(masker.maskText(line) + '\n'), { color, verbose: options.verbose }) };
}

/**
 * Before a run exists: preflight (one line and exit 2 on failure), the DNS server the endpoint
 * advertises when --dns is not given, and the run's locks (refused with the holder's run id, or
 * waited for with --wait-lock). Returns the target and locks, or the exit code of a refusal.
 */
async function prepareTarget(args: {
  workflow: Workflow;
  registry: StepRegistry;
  inputs: Record<string, unknown>;
  options: RunCommandOptions;
  io: Io;
  runId: string;
  stateDir: string;
}): Promise<{ target: TargetSession; locks: RunLocks | undefined } | number> {
  const { workflow, registry, options, io } = args;
  createTargetSession(options); // usage errors in the target flags first
  let checked;
  try {
    checked = await preflight(workflow, registry, options);
  } catch (error) {
    if (!(error instanceof PreflightError)) throw error;
    return refuse(options, error, io);
  }
  const discovered = checked.dnsDiscovered && checked.dns ? formatHostPort(checked.dns) : undefined;
  const targetOptions = discovered ? { ...options, dns: discovered } : options;
  const target = createTargetSession(targetOptions);
  const stop = new AbortController();
  const unsubscribe = io.onInterrupt?.(() => stop.abort(new InterruptedError('interrupted while waiting for a lock')));
  try {
    const locks = await takeRunLocks({
      ...args,
      env: io.env,
      target,
      targetOptions,
      wait: options.waitLock === true,
      clock: systemClock,
      onWait: (message) => io.err.write(`${message}\n`),
      signal: stop.signal,
    });
    if (discovered) io.err.write(`dns ${discovered} (advertised by ${options.endpoint})\n`);
    // Only now, holding the locks: a session on a shared clock holds that clock while this run works.
    await target.prepareClock().catch(async (error: unknown) => {
      if (locks) await releaseLocks(locks.route53, locks.held, args.runId).catch(() => undefined);
      throw new PreflightError(`cannot join the clock of ${options.endpoint}: ${errorMessage(error)}`, { cause: error });
    });
    return { target, locks };
  } catch (error) {
    if (error instanceof LockedError || error instanceof PreflightError) return refuse(options, error, io);
    if (stop.signal.aborted) {
      io.err.write('engine: interrupted while waiting for a lock; nothing was started\n');
      return ExitCode.INTERRUPTED;
    }
    return refuse(options, new PreflightError(`cannot take the run's locks on the target: ${errorMessage(error)}`, { cause: error }), io);
  } finally {
    unsubscribe?.();
  }
}

/** A run refused before it started (preflight, locks): one line, exit 2, no run folder. */
function refuse(options: RunCommandOptions, error: EngineError, io: Io): number {
  if (options.json)
    io.out.write(
      JSON.stringify(
        { file: options.file, status: 'refused', exitCode: ExitCode.USAGE, error: { code: error.code, message: error.message } },
        null,
        2,
      ) + '\n',
    );
  const what = error instanceof PreflightError ? 'preflight: ' : error instanceof LockedError ? 'run refused: ' : '';
  io.err.write(`engine: ${what}${error.message}\n`);
  return ExitCode.USAGE;
}

/** `HOST:PORT`, IPv6 in brackets, as `--dns` takes it. */
function formatHostPort(hp: { host: string; port: number }): string {
  return `${hp.host.includes(':') ? `[${hp.host}]` : hp.host}:${hp.port}`;
}

/**
 * `engine rollback <runId>` and `engine destroy <runId>` (which also compensates a run that
 * passed and kept its resources). Without target flags the compensations go where the run
 * went: the endpoint (and DNS) or AWS recorded in its journal, never a fresh embedded emulator.
 */
export async function rollbackCommand(
  runId: string,
  options: TargetOptions & { stateDir?: string; verbose: boolean; destroy?: boolean },
  io: Io,
): Promise<number> {
  const progress = lineProgress((line) => io.err.write(line + '\n'), { color: useColor(io.err, io.env), verbose: options.verbose });
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  let targetOptions: TargetOptions = options;
  let targetGone: string | undefined;
  const flagged =
    options.kind !== undefined || options.endpoint !== undefined || options.dns !== undefined || options.timeScale !== undefined;
  // (An invalid or unknown run id is reported by rollbackRun.)
  if (!flagged && /^[\w.-]+$/.test(runId)) {
    const records = readJournal(journalPath(stateDir, runId)).records;
    const recorded = records.findLast((r) => r.kind === 'target-acquired') ?? records.find((r) => r.kind === 'run-start');
    const described =
      recorded?.kind === 'target-acquired' || recorded?.kind === 'run-start' ? parseTargetDescription(recorded.target) : undefined;
    if (described?.kind === 'embedded') {
      targetGone = "the run used the embedded emulator, which ended with the run's process (pass --endpoint to compensate elsewhere)";
    }
    const journaled = described ? targetOptionsFromRun(described) : undefined;
    if (journaled) {
      targetOptions = journaled;
      io.err.write(
        `rollback target (from the run's journal): ${journaled.kind}${journaled.endpoint ? ` ${journaled.endpoint}` : ''}${journaled.dns ? ` dns ${journaled.dns}` : ''}\n`,
      );
    }
  }
  const unreachable = await unreachableEndpoint(targetOptions, targetGone);
  if (unreachable) {
    io.err.write(`engine: ${unreachable}; nothing was compensated and run ${runId} stays pending: run this again once the target is up\n`);
    return ExitCode.COMPENSATION_INCOMPLETE;
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
  if (result.status !== 'untrusted') {
    const released = await releaseIfSettled(stateDir, runId, targetOptions);
    if (released) io.err.write(`${released}\n`);
  }
  return result.exitCode;
}

/** Why the endpoint a rollback would use cannot be reached, if it cannot (AWS and embedded are not checked). */
async function unreachableEndpoint(options: TargetOptions, targetGone: string | undefined): Promise<string | undefined> {
  if (targetGone !== undefined || options.endpoint === undefined) return undefined;
  try {
    await fetchHealth(options.endpoint);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** A terminal stream whose every write is masked (secrets by value), keeping its width. */
function maskedStream(stream: StatusStream, mask: (text: string) => string): StatusStream {
  return {
    write: (text: string) => stream.write(mask(text)),
    get columns() {
      return stream.columns;
    },
  };
}
