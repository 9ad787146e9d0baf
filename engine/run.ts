import { createActor, fromPromise, type Actor } from 'xstate';
import type { AnyStepDefinition, Logger, StepContext, Target } from './types.ts';
import { compileWorkflow, FinalState, type StepActorInput, type StepActorOutput, type WorkflowMachine } from './compile.ts';
import { EngineError, InterruptedError, NonRetryableError, StepFailedError, errorMessage, toErrorRecord, type ErrorRecord } from './errors.ts';
import { executeStep } from './execute.ts';
import { Journal, journalPath, runDir as runDirOf } from './journal.ts';
import { createRunId, journalRollback } from './runSupport.ts';
import { maskSecrets } from './mask.ts';
import { processStart } from './runs.ts';
import { silentProgress } from './progress.ts';
import { ExitCode, RunStatus, writeReports, type RunReport, type StepStatus } from './report.ts';
import { systemClock } from './clock.ts';
import { resolveTemplates, truthy, type TemplateContext } from './template.ts';
import { referencesTarget } from './checkReferences.ts';
import type { RunHandle, RunOptions } from './runContract.ts';
import { flattenSteps, type StepNode } from './workflow.ts';

/**
 * The runner: compiles the workflow, provides the `runStep` / `compensateStep` actors, routes
 * XState's inspection events to the journal and the progress sink, and maps the outcome to a
 * {@link RunReport} with an exit code (0 passed, 1 failed and compensated, 3 compensation
 * incomplete, 130 interrupted).
 */

export type { RunHandle, RunOptions } from './runContract.ts';

interface StepState {
  node: StepNode;
  def: AnyStepDefinition | undefined;
  status: StepStatus;
  attempts: number;
  startedAt?: number;
  durationMs?: number;
  params?: unknown;
  outputs?: unknown;
  error?: ErrorRecord;
  started: boolean;
  /** Settles when the step and every attempt it started (abandoned ones included) settled. */
  inflight?: Promise<unknown>;
  settled?: boolean;
  /** Every attempt's own promise: an aborted or timed-out attempt may still be acting. */
  attemptPromises: Array<Promise<unknown>>;
  unsettledAttempts: number;
  compensation?: { status: 'succeeded' | 'failed'; durationMs: number; error?: ErrorRecord };
}

/** How long a compensation waits for its aborted step to settle. */
export const ABORT_GRACE_MS = 10_000;

/** Starts a run and returns its handle at once. */
export function startRun(options: RunOptions): RunHandle {
  const { workflow, registry } = options;
  const clock = options.clock ?? options.target.clock ?? systemClock;
  const progress = options.progress ?? silentProgress;
  const runId = options.runId ?? createRunId();
  const dir = runDirOf(options.stateDir, runId);
  const jPath = journalPath(options.stateDir, runId);
  const journal = Journal.open(jPath, { fsync: options.fsync ?? true });
  const inputs = options.inputs ?? {};
  const startedWall = Date.now();
  const startedAt = clock.now();

  const states = new Map<string, StepState>();
  for (const node of flattenSteps(workflow.steps)) {
    states.set(node.id, { node, def: registry.get(node.type), status: 'not-run', attempts: 0, started: false, attemptPromises: [], unsettledAttempts: 0 });
  }
  const needsTarget = [...states.values()].some(
    (s) => registry.needsTarget(s.node.type) || (s.node.rollback.kind === 'override' && registry.needsTarget(s.node.rollback.type)),
  ) || referencesTarget([workflow.steps, workflow.outputs]);

  const interruptController = new AbortController();
  const compensationController = new AbortController();
  let actor: Actor<WorkflowMachine> | undefined;
  let interrupted = false;
  let finished = false;
  let resolveDone!: (report: RunReport) => void;
  const done = new Promise<RunReport>((r) => (resolveDone = r));
  let target: Target = options.target.idle();
  let firstError: ErrorRecord | undefined;
  const pidStart = processStart(process.pid);

  journal.append({
    kind: 'run-start',
    runId,
    workflow: { file: workflow.file, name: workflow.name, digest: workflow.digest, dir: workflow.dir },
    inputs: maskSecrets(inputs),
    target: options.target.describe(),
    cleanup: workflow.cleanup,
    pid: process.pid,
    ...(typeof pidStart === 'string' ? { pidStart } : {}),
  });

  // Outputs by step id, filled as steps succeed (templates read it; O(1) per step).
  const stepOutputs: Record<string, { outputs?: unknown }> = {};
  const templateContext = (): TemplateContext => {
    return {
      inputs,
      steps: stepOutputs,
      env: options.env ?? process.env,
      target: target.values,
      run: { id: runId, dir, workflowDir: workflow.dir, startedAt: new Date(startedWall).toISOString() },
    };
  };

  const logger = (stepId: string): Logger => {
    const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) =>
      progress({ kind: 'log', level, stepId, message, ...(meta ? { meta: maskSecrets(meta) } : {}) });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  };

  const baseContext = (stepId: string): Omit<StepContext, 'signal' | 'attempt'> => ({
    log: logger(stepId),
    target,
    clock,
    runId,
    stepId,
    workflowDir: workflow.dir,
  });

  const runOne = async (state: StepState, signal: AbortSignal): Promise<StepActorOutput> => {
    const { node } = state;
    const ctx = templateContext();
    const fail = (error: unknown, status: 'failed' | 'aborted' = 'failed'): never => {
      state.status = status;
      state.error = toErrorRecord(error);
      firstError ??= state.error;
      journal.append({ kind: 'step-result', stepId: node.id, status, attempts: state.attempts, durationMs: state.durationMs ?? 0, error: state.error });
      progress({ kind: 'step-end', stepId: node.id, status, durationMs: state.durationMs ?? 0, attempts: state.attempts, error: state.error });
      throw error;
    };
    if (node.if !== undefined) {
      let condition: unknown;
      try {
        condition = resolveTemplates(node.if, ctx);
      } catch (error) {
        return fail(new StepFailedError(node.id, 0, { cause: error, message: `step '${node.id}': if: ${errorMessage(error)}` }));
      }
      if (!truthy(condition)) {
        state.status = 'skipped';
        journal.append({ kind: 'step-skipped', stepId: node.id, type: node.type });
        progress({ kind: 'step-end', stepId: node.id, status: 'skipped', durationMs: 0, attempts: 0 });
        return { status: 'skipped' };
      }
    }
    if (!state.def) return fail(new NonRetryableError(`unknown step type '${node.type}'`));
    let params: unknown;
    try {
      params = resolveTemplates(node.params, ctx);
    } catch (error) {
      return fail(new StepFailedError(node.id, 0, { cause: error, message: `step '${node.id}': ${errorMessage(error)}` }));
    }
    const problems = registry.validate(node.type, params);
    if (problems.length) {
      const detail = problems.map((p) => `${p.instancePath || '/'} ${p.message ?? ''}`.trim()).join('; ');
      return fail(new StepFailedError(node.id, 0, { message: `step '${node.id}': invalid params after templates: ${detail}`, cause: new NonRetryableError(detail) }));
    }
    state.params = params;
    state.started = true;
    state.startedAt = clock.now();
    journal.append({
      kind: 'step-intent',
      stepId: node.id,
      type: node.type,
      params: maskSecrets(params),
      rollback: journalRollback(node),
      needsTarget: registry.needsTarget(node.type),
    });
    state.status = 'running';
    progress({ kind: 'step-start', stepId: node.id, type: node.type });
    const result = await executeStep({
      definition: state.def,
      params,
      context: baseContext(node.id),
      clock,
      signal,
      retry: node.retry,
      ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
      hooks: {
        onRetry: (attempt, delayMs, error) => {
          const record = toErrorRecord(error);
          journal.append({ kind: 'step-retry', stepId: node.id, attempt, delayMs, error: record });
          progress({ kind: 'step-retry', stepId: node.id, attempt, delayMs, error: record });
        },
        onAttempt: (promise) => {
          state.attemptPromises.push(promise);
          state.unsettledAttempts++;
          const done = () => void state.unsettledAttempts--;
          promise.then(done, done);
        },
      },
    });
    state.attempts = result.attempts;
    state.durationMs = clock.now() - state.startedAt;
    if (!result.ok) return fail(result.error, result.aborted ? 'aborted' : 'failed');
    state.status = 'succeeded';
    state.outputs = result.outputs;
    stepOutputs[node.id] = { outputs: result.outputs };
    journal.append({ kind: 'step-result', stepId: node.id, status: 'succeeded', attempts: result.attempts, durationMs: state.durationMs, outputs: maskSecrets(result.outputs) });
    progress({ kind: 'step-end', stepId: node.id, status: 'succeeded', durationMs: state.durationMs, attempts: result.attempts });
    return { status: 'succeeded' };
  };

  const compensateOne = async (state: StepState): Promise<StepActorOutput> => {
    const { node } = state;
    if (!state.started || node.rollback.kind === 'none') return { status: 'skipped' };
    if (state.inflight && (!state.settled || state.unsettledAttempts > 0)) {
      // The step was aborted (interrupt, sibling failure) but may still be acting: let it settle first.
      const grace = new AbortController();
      const onStop = () => grace.abort();
      compensationController.signal.addEventListener('abort', onStop, { once: true });
      await Promise.race([state.inflight.catch(() => undefined), clock.sleep(ABORT_GRACE_MS, grace.signal).catch(() => undefined)]);
      grace.abort();
      compensationController.signal.removeEventListener('abort', onStop);
    }
    const rollbackType = node.rollback.kind === 'override' ? node.rollback.type : node.type;
    journal.append({ kind: 'compensation-start', stepId: node.id, type: rollbackType });
    progress({ kind: 'compensation-start', stepId: node.id, type: rollbackType });
    const t0 = clock.now();
    const context: StepContext = { ...baseContext(node.id), signal: compensationController.signal, attempt: 1 };
    try {
      if (node.rollback.kind === 'override') {
        const def = registry.get(node.rollback.type);
        if (!def) throw new NonRetryableError(`unknown rollback step type '${node.rollback.type}'`);
        const params = resolveTemplates(node.rollback.params, templateContext());
        const problems = registry.validate(node.rollback.type, params);
        if (problems.length) throw new NonRetryableError(`invalid rollback params: ${problems.map((p) => `${p.instancePath || '/'} ${p.message ?? ''}`).join('; ')}`);
        await def.run(params, context);
      } else if (state.def?.rollback) {
        await state.def.rollback(state.params, context, state.outputs);
      }
      state.compensation = { status: 'succeeded', durationMs: clock.now() - t0 };
      journal.append({ kind: 'compensation-result', stepId: node.id, status: 'succeeded', durationMs: state.compensation.durationMs });
      progress({ kind: 'compensation-end', stepId: node.id, status: 'succeeded', durationMs: state.compensation.durationMs });
      return { status: 'succeeded' };
    } catch (error) {
      if (finished) throw error; // stopped by abortNow: the run is dirty, `engine rollback` redoes it
      const record = toErrorRecord(error);
      state.compensation = { status: 'failed', durationMs: clock.now() - t0, error: record };
      journal.append({ kind: 'compensation-result', stepId: node.id, status: 'failed', durationMs: state.compensation.durationMs, error: record });
      progress({ kind: 'compensation-end', stepId: node.id, status: 'failed', durationMs: state.compensation.durationMs, error: record });
      throw error;
    }
  };

  const lookup = (stepId: string): StepState => {
    const state = states.get(stepId);
    if (!state) throw new EngineError(`no step '${stepId}'`);
    return state;
  };

  const compiled = compileWorkflow(workflow);
  const machine = compiled.machine.provide({
    actors: {
      runStep: fromPromise<StepActorOutput, StepActorInput>(({ input, signal }) => {
        const state = lookup(input.stepId);
        const combined = AbortSignal.any([signal, interruptController.signal]);
        const promise = runOne(state, combined).finally(() => {
          state.settled = true;
        });
        // executeStep returns when the signal fires; abandoned attempts may still be acting.
        state.inflight = Promise.allSettled([promise]).then(() => Promise.allSettled(state.attemptPromises));
        return promise;
      }),
      compensateStep: fromPromise<StepActorOutput, StepActorInput>(({ input }) => compensateOne(lookup(input.stepId))),
    },
  });

  const finish = async (status: RunStatus, exitCode: number, extra?: ErrorRecord): Promise<RunReport> => {
    finished = true;
    let outputs: Record<string, unknown> = {};
    if (status !== RunStatus.DIRTY) {
      const ctx = templateContext();
      for (const [key, value] of Object.entries(workflow.outputs)) {
        try {
          const resolved = resolveTemplates(value, ctx);
          if (resolved !== undefined) outputs[key] = resolved;
        } catch (error) {
          if (status === RunStatus.PASSED) outputs[key] = `<error: ${errorMessage(error)}>`;
        }
      }
      outputs = maskSecrets(outputs);
    }
    journal.append({ kind: 'run-end', status, exitCode });
    journal.close();
    try {
      await options.target.close();
    } catch {
      // the run's outcome stands even if the emulator does not stop cleanly
    }
    const report: RunReport = {
      runId,
      workflow: { name: workflow.name, file: workflow.file, digest: workflow.digest },
      status,
      exitCode,
      startedAt: new Date(startedWall).toISOString(),
      endedAt: new Date().toISOString(),
      durationMs: Math.max(0, clock.now() - startedAt),
      target: options.target.describe(),
      cleanup: workflow.cleanup,
      inputs: maskSecrets(inputs),
      outputs,
      steps: [...states.values()].map((s) => ({
        id: s.node.id,
        type: s.node.type,
        status: s.status,
        attempts: s.attempts,
        ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
        ...(s.error ? { error: s.error } : {}),
        ...(s.compensation ? { compensation: s.compensation } : {}),
      })),
      ...((extra ?? firstError) ? { error: extra ?? firstError } : {}),
      runDir: dir,
    };
    if (options.writeReport !== false) writeReports(report);
    progress({ kind: 'run-end', status, exitCode, durationMs: report.durationMs });
    resolveDone(report);
    return report;
  };

  const main = async () => {
    progress({ kind: 'run-start', runId, workflow: workflow.name, steps: states.size, target: options.target.kind });
    if (needsTarget) target = await options.target.acquire();
    if (finished) return;
    let previous: string | undefined;
    const a = createActor(machine, {
      inspect: (event) => {
        if (event.type !== '@xstate.snapshot' || event.actorRef !== a) return;
        const value = (event.snapshot as { value?: unknown }).value;
        const key = JSON.stringify(value);
        if (key === previous) return;
        const from = previous === undefined ? null : (JSON.parse(previous) as unknown);
        previous = key;
        journal.append({ kind: 'transition', from, to: value, event: event.event.type });
        progress({ kind: 'transition', from, to: value, event: event.event.type });
      },
    });
    actor = a;
    const ended = new Promise<void>((resolve) => {
      a.subscribe({ next: (s) => s.status !== 'active' && resolve(), error: () => resolve(), complete: () => resolve() });
    });
    a.start();
    if (interrupted) a.send({ type: 'INTERRUPT' });
    await ended;
    if (finished) return;
    const snapshot = a.getSnapshot();
    const compensationFailed = [...states.values()].some((s) => s.compensation?.status === 'failed');
    if (snapshot.status === 'error') {
      await finish(RunStatus.FAILED, ExitCode.STEP_FAILED, toErrorRecord(snapshot.error));
      return;
    }
    const final = snapshot.value as string;
    if (compensationFailed) await finish(RunStatus.COMPENSATION_INCOMPLETE, ExitCode.COMPENSATION_INCOMPLETE);
    else if (final === FinalState.SUCCEEDED) await finish(RunStatus.PASSED, ExitCode.PASSED);
    else if (final === FinalState.INTERRUPTED) await finish(RunStatus.INTERRUPTED, ExitCode.INTERRUPTED);
    else await finish(RunStatus.FAILED, ExitCode.STEP_FAILED);
  };

  main().catch(async (error: unknown) => {
    if (finished) return;
    actor?.stop();
    await finish(RunStatus.FAILED, ExitCode.STEP_FAILED, toErrorRecord(error));
  });

  return {
    runId,
    runDir: dir,
    journalPath: jPath,
    done,
    get finished() {
      return finished;
    },
    interrupt() {
      if (interrupted || finished) return false;
      interrupted = true;
      interruptController.abort(new InterruptedError('interrupted by signal'));
      progress({ kind: 'notice', message: 'interrupt: aborting the running step and compensating (interrupt again to stop now)' });
      actor?.send({ type: 'INTERRUPT' });
      return true;
    },
    async abortNow(reason = 'second interrupt') {
      if (finished) return done;
      interrupted = true;
      interruptController.abort(new InterruptedError(reason));
      compensationController.abort(new InterruptedError(reason));
      actor?.stop();
      journal.append({ kind: 'run-dirty', reason });
      progress({ kind: 'notice', message: `stopped at once (${reason}); run marked dirty: finish with 'engine rollback ${runId}'` });
      return finish(RunStatus.DIRTY, ExitCode.INTERRUPTED);
    },
  };
}

/** Runs a workflow to the end. */
export function runWorkflow(options: RunOptions): Promise<RunReport> {
  return startRun(options).done;
}
