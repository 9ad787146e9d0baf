import { createActor, type Actor, type InspectionEvent } from 'xstate';
import { FinalState, type WorkflowMachine } from './compile.ts';
import { InterruptedError, JournalError, errorMessage, toErrorRecord, type ErrorRecord } from './errors.ts';
import { RunEvents, type RunEvent } from './events.ts';
import { Journal, journalPath, journalWriter, runDir as runDirOf } from './journal.ts';
import { createRunId } from './runId.ts';
import { maskSecrets } from './mask.ts';
import { runMasker } from './secrets.ts';
import { processStart } from './runs.ts';
import { silentProgress } from './progress.ts';
import type { RunReport } from './report.ts';
import { writeReports } from './reports/write.ts';
import { foldEvents, reportCollector } from './foldEvents.ts';
import { ExitCode, RunStatus } from './status.ts';
import { systemClock } from './clock.ts';
import { resolveTemplates } from './template.ts';
import { parseTargetDescription, type TargetDescription } from './targetDescription.ts';
import { compileWorkflow } from './compile.ts';
import { RunState } from './runState.ts';
import { sweepAfterRun } from './runSweep.ts';
import { checkVerdictsActor, compensateStepActor, emitVerdicts, runStepActor, settleWithTarget } from './stepActors.ts';
import { flattenSteps, type Workflow } from './workflow.ts';
import { engineVersion } from './version.ts';
import type { RunHandle, RunOptions } from './runContract.ts';
import type { TargetSession } from './target.ts';

/**
 * The runner: provides the `runStep` / `compensateStep` actors to the compiled machine, emits
 * every event once on the run's bus (handlers: the journal writer, the progress printer, the
 * report collector) and maps the outcome to a {@link RunReport} with an exit code (0 passed,
 * 1 failed and compensated, 3 compensation incomplete, 4 an objective breached, 130
 * interrupted). A drill's probes (engine/drillProbes.ts) run alongside the steps.
 */

export type { RunHandle, RunOptions } from './runContract.ts';
export { ABORT_GRACE_MS } from './stepActors.ts';

/** Why a compensation on the embedded emulator has nothing to undo once the run stopped. */
const EMBEDDED_GONE = 'the run used the embedded emulator, which ends with the run';

/** Starts a run of an already compiled workflow and returns its handle at once. */
export function startRun(options: RunOptions): RunHandle {
  const clock = options.clock ?? options.target.clock ?? systemClock;
  const runId = options.runId ?? createRunId();
  const dir = runDirOf(options.stateDir, runId);
  const jPath = journalPath(options.stateDir, runId);
  const journal = Journal.open(jPath, { fsync: options.fsync ?? true });
  const collector = reportCollector();
  const handlers = [journalWriter(journal), options.progress ?? silentProgress, collector.handler];
  const masker = options.masker ?? runMasker(options.workflow, options.inputs ?? {}, options.env ?? process.env);
  const events = new RunEvents(clock, handlers, { masker, onHandlerError: (error) => journalFailed(run, journal, error) });
  const run: RunState = new RunState(options, events, runId, dir, Date.now(), masker);
  let resolveDone!: (report: RunReport) => void;
  const done = new Promise<RunReport>((r) => (resolveDone = r));
  const finish = async (status: RunStatus, exitCode: number, extra?: ErrorRecord): Promise<RunReport> => {
    const report = await finishRun(run, journal, collector.events, [status, exitCode, extra]);
    resolveDone(report);
    return report;
  };
  emitRunStart(run);

  const drive = async () => {
    if (run.needsTarget()) {
      run.target = await options.target.acquire();
      // A target whose clock was learnt only now (an endpoint's, without prepareClock): the run's
      // AWS time starts here.
      if (run.clock.now() < run.startedAws) run.startedAws = run.clock.now();
      events.emit({ kind: 'target-acquired', target: describe(options.target) });
    }
    if (run.finished) return;
    await run.probes.beforeSteps();
    if (run.finished) return;
    const actors = { runStep: runStepActor(run), compensateStep: compensateStepActor(run), checkVerdicts: checkVerdictsActor(run) };
    const actor = createActor(options.compiled.machine.provide({ actors }), {
      inspect: transitionRecorder(run, () => run.actor),
    });
    run.actor = actor;
    const outcome = await settleMachine(actor, run);
    if (outcome) await finish(...outcome);
  };

  drive().catch(async (error: unknown) => {
    if (run.finished) return;
    run.actor?.stop();
    await finish(RunStatus.FAILED, ExitCode.STEP_FAILED, toErrorRecord(error));
  });

  return {
    runId,
    runDir: dir,
    journalPath: jPath,
    done,
    get finished() {
      return run.finished;
    },
    interrupt() {
      if (run.interrupted || run.finished) return false;
      run.interrupted = true;
      run.interruptController.abort(new InterruptedError('interrupted by signal'));
      events.emit({ kind: 'notice', message: 'interrupt: aborting the running step and compensating (interrupt again to stop now)' });
      run.actor?.send({ type: 'INTERRUPT' });
      return true;
    },
    async abortNow(reason = 'second interrupt') {
      if (run.finished) return done;
      // The outcome is decided here: the stopped machine must not finish the run meanwhile.
      run.finished = true;
      run.interrupted = true;
      run.interruptController.abort(new InterruptedError(reason));
      run.compensationController.abort(new InterruptedError(reason));
      run.actor?.stop();
      return finish(...(await stopAtOnce(run, reason)));
    },
  };
}

/**
 * How a run stopped at once ends: dirty, for `engine rollback` to finish, unless the target was
 * the embedded emulator (which ends with the run) and everything left to undo was in it.
 */
async function stopAtOnce(run: RunState, reason: string): Promise<Outcome> {
  if (describe(run.options.target).kind === 'embedded') {
    const moot = await settleWithTarget(run, EMBEDDED_GONE);
    if (moot) {
      const what = moot.length ? `: what ${moot.join(', ')} created was in the embedded emulator, which ends with this run` : '';
      run.emit({ kind: 'notice', message: `stopped at once (${reason}); nothing is left behind${what}` });
      return [RunStatus.INTERRUPTED, ExitCode.INTERRUPTED];
    }
  }
  run.emit({ kind: 'run-dirty', reason });
  run.emit({ kind: 'notice', message: `stopped at once (${reason}); run marked dirty: finish with 'engine rollback ${run.runId}'` });
  return [RunStatus.DIRTY, ExitCode.INTERRUPTED];
}

/** Runs a workflow to the end (compiling it first when `compiled` is not given). */
export function runWorkflow(options: Omit<RunOptions, 'compiled'> & Partial<Pick<RunOptions, 'compiled'>>): Promise<RunReport> {
  return startRun({ ...options, compiled: options.compiled ?? compileWorkflow(options.workflow) }).done;
}

/** Emits `run-start`: the workflow, masked inputs, the target as known now, the process, the steps. */
function emitRunStart(run: RunState): void {
  const { workflow, target } = run.options;
  run.emit({
    kind: 'run-start',
    runId: run.runId,
    workflow: {
      file: workflow.file,
      name: workflow.name,
      digest: workflow.digest,
      dir: workflow.dir,
      ...(workflow.description ? { description: workflow.description } : {}),
    },
    inputs: maskSecrets(run.inputs),
    target: describe(target),
    cleanup: workflow.cleanup,
    pid: process.pid,
    ...pidStartOf(),
    steps: flattenSteps(workflow.steps).map((s) => ({ id: s.id, type: s.type, ...(s.description ? { description: s.description } : {}) })),
    ...inputDescriptions(workflow),
    engineVersion: engineVersion(),
    ...(run.options.locks ? { locks: run.options.locks } : {}),
  });
}

/** `{ inputDescriptions }` of the inputs that have a description, or nothing. */
function inputDescriptions(workflow: Workflow): { inputDescriptions?: Record<string, string> } {
  const described = Object.entries(workflow.inputs).flatMap(([name, spec]) =>
    spec.description ? [[name, spec.description] as const] : [],
  );
  return described.length ? { inputDescriptions: Object.fromEntries(described) } : {};
}

/**
 * Ends a run: its outcome is decided at once (a signal no longer changes it), `run-end` closes
 * the bus, then the target is closed and the report folded from the events and written.
 */
async function finishRun(run: RunState, journal: Journal, events: RunEvent[], [status, exitCode, extra]: Outcome): Promise<RunReport> {
  run.finished = true;
  // A drill whose steps failed is still judged (its report says what it measured and which
  // objectives the failure breaks); an interrupted one is not.
  if (run.isDrill() && (status === RunStatus.FAILED || status === RunStatus.COMPENSATION_INCOMPLETE)) await emitVerdicts(run);
  await run.probes.stopAll();
  const outputs = status === RunStatus.DIRTY ? {} : workflowOutputs(run, status);
  const durationMs = Math.max(0, run.clock.now() - run.startedAws);
  run.emit({ kind: 'run-end', status, exitCode, durationMs, outputs, ...(extra ? { error: extra } : {}) });
  try {
    journal.close();
  } catch (error) {
    journal.abandon();
    run.emit({ kind: 'notice', message: `cannot close the journal: ${errorMessage(error)}` });
  }
  await closeTarget(run.options.target);
  const report = foldEvents(events, { runDir: run.dir });
  try {
    if (run.options.writeReport !== false) writeReports(report, events, { env: run.options.env });
  } catch (error) {
    run.emit({
      kind: 'notice',
      message: `cannot write the report into ${run.dir}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    });
  }
  return report;
}

/**
 * A journal write failed (full disk, I/O error, deleted run folder): once, the journal is
 * abandoned, the running steps are aborted and the machine compensates from memory. Other
 * handlers' failures (a closed stderr) do not stop a run.
 */
function journalFailed(run: RunState, journal: Journal, error: unknown): void {
  if (!(error instanceof JournalError)) return;
  journal.abandon();
  if (run.journalError) return;
  run.journalError = toErrorRecord(error);
  run.emit({ kind: 'notice', message: `${error.message}: stopping, and compensating from what the run holds in memory` });
  if (run.finished) return;
  run.interrupted = true;
  run.interruptController.abort(error);
  run.actor?.send({ type: 'INTERRUPT' });
}

/** How a run ended: status, exit code and the error that ended it, if not a step's. */
type Outcome = [RunStatus, number, ErrorRecord?];

/** Starts the actor and waits for the machine to stop; returns the outcome, or undefined when abortNow decided it. */
async function settleMachine(actor: Actor<WorkflowMachine>, run: RunState): Promise<Outcome | undefined> {
  const ended = new Promise<void>((resolve) => {
    actor.subscribe({ next: (s) => s.status !== 'active' && resolve(), error: () => resolve(), complete: () => resolve() });
  });
  actor.start();
  if (run.interrupted) actor.send({ type: 'INTERRUPT' });
  await ended;
  if (run.finished) return undefined;
  const snapshot = actor.getSnapshot();
  if (snapshot.status === 'error') return [RunStatus.FAILED, ExitCode.STEP_FAILED, toErrorRecord(snapshot.error)];
  // What still carries the run's tag after its compensations (engine/sweep.ts).
  const sweepFailed = await sweepAfterRun(run);
  if (run.finished) return undefined;
  const compensationFailed = sweepFailed || [...run.steps.values()].some((s) => s.compensation?.status === 'failed');
  const final = snapshot.value as string;
  if (run.journalError && final !== FinalState.SUCCEEDED) {
    return compensationFailed
      ? [RunStatus.COMPENSATION_INCOMPLETE, ExitCode.COMPENSATION_INCOMPLETE, run.journalError]
      : [RunStatus.FAILED, ExitCode.STEP_FAILED, run.journalError];
  }
  if (compensationFailed) return [RunStatus.COMPENSATION_INCOMPLETE, ExitCode.COMPENSATION_INCOMPLETE];
  if (final === FinalState.SUCCEEDED) return [RunStatus.PASSED, ExitCode.PASSED];
  if (final === FinalState.INTERRUPTED) return [RunStatus.INTERRUPTED, ExitCode.INTERRUPTED];
  if (run.breached) return [RunStatus.BREACHED, ExitCode.OBJECTIVE_BREACHED, ...(run.firstError ? [run.firstError] : [])] as Outcome;
  return [RunStatus.FAILED, ExitCode.STEP_FAILED];
}

/** An inspection callback emitting a `transition` event whenever the machine's state value changes. */
function transitionRecorder(run: RunState, actor: () => Actor<WorkflowMachine> | undefined) {
  let previous: string | undefined;
  return (event: InspectionEvent) => {
    if (event.type !== '@xstate.snapshot' || event.actorRef !== actor()) return;
    const value = (event.snapshot as { value?: unknown }).value;
    const key = JSON.stringify(value);
    if (key === previous) return;
    const from = previous === undefined ? null : (JSON.parse(previous) as unknown);
    previous = key;
    run.emit({ kind: 'transition', from, to: value, event: event.event.type });
  };
}

/**
 * The workflow's `outputs:`, resolved at the end. When the run passed, one that cannot be resolved
 * is shown as an error, and one that resolves to nothing (an unset environment variable, an index
 * past the end) as `<not set: …>`, never dropped: a missing line in the summary explained nothing.
 * When the run failed, outputs of steps that never ran are left out.
 */
function workflowOutputs(run: RunState, status: RunStatus): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  const ctx = run.templateContext();
  for (const [key, value] of Object.entries(run.workflow.outputs)) {
    try {
      const resolved = resolveTemplates(value, ctx);
      if (resolved !== undefined) outputs[key] = resolved;
      else if (status === RunStatus.PASSED)
        outputs[key] = `<not set: ${typeof value === 'string' ? value : JSON.stringify(value)} resolved to nothing>`;
    } catch (error) {
      if (status === RunStatus.PASSED) outputs[key] = `<error: ${errorMessage(error)}>`;
    }
  }
  return maskSecrets(outputs);
}

function describe(target: TargetSession): TargetDescription {
  const described = target.describe();
  // target.ts describes every session it makes; an unknown shape is recorded as embedded, which
  // `engine rollback` never reaches again (the safe reading), rather than as AWS.
  return parseTargetDescription(described) ?? { kind: 'embedded', timeScale: 1 };
}

function pidStartOf(): { pidStart?: string } {
  const pidStart = processStart(process.pid);
  return typeof pidStart === 'string' ? { pidStart } : {};
}

async function closeTarget(target: TargetSession): Promise<void> {
  try {
    await target.close();
  } catch {
    // the run's outcome stands even if the emulator does not stop cleanly
  }
}
