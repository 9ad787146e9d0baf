import { fromPromise } from 'xstate';
import type { StepActorInput, StepActorOutput } from './compile.ts';
import { ErrorCode, NonRetryableError, ObjectiveBreachedError, StepFailedError, errorMessage, toErrorRecord } from './errors.ts';
import { checkObjectives, type Verdict } from './objectives.ts';
import { executeStep } from './execute.ts';
import { compensate, compensationNeedsTarget, type CompensationContext, type CompensationRequest } from './compensate.ts';
import { maskSecrets } from './mask.ts';
import { resolveTemplates, truthy } from './template.ts';
import { StepStatus, type StepResultStatus } from './status.ts';
import type { RunState, StepState } from './runState.ts';

/**
 * The actors a live run provides to its compiled machine: `runStep` (condition, templates,
 * validation, then the step with its retries) and `compensateStep` (waits for an aborted step
 * to settle, then {@link compensate}). Both report through the run's events only.
 */

/** How long a compensation waits for its aborted step to settle. */
export const ABORT_GRACE_MS = 10_000;

/** The `runStep` actor of a run. */
export function runStepActor(run: RunState) {
  return fromPromise<StepActorOutput, StepActorInput>(({ input, signal }) => {
    const state = run.lookup(input.stepId);
    const combined = AbortSignal.any([signal, run.interruptController.signal]);
    const promise = runStep(run, state, combined).finally(() => {
      state.settled = true;
    });
    // executeStep returns when the signal fires; abandoned attempts may still be acting.
    state.inflight = Promise.allSettled([promise]).then(() => Promise.allSettled(state.attemptPromises));
    return promise;
  });
}

/** The `compensateStep` actor of a run. */
export function compensateStepActor(run: RunState) {
  return fromPromise<StepActorOutput, StepActorInput>(({ input }) => compensateStep(run, run.lookup(input.stepId)));
}

/**
 * The `checkVerdicts` actor of a drill: when the steps ended, stops the probes, emits the
 * measures and one `verdict` per objective, and fails with an {@link ObjectiveBreachedError}
 * when any objective did not hold (the machine then compensates; the run exits 4).
 */
export function checkVerdictsActor(run: RunState) {
  return fromPromise<StepActorOutput, StepActorInput>(async () => {
    const verdicts = await emitVerdicts(run);
    const failed = verdicts.filter((v) => !v.pass);
    if (failed.length === 0) return { status: 'succeeded' };
    run.breached = true;
    const error = new ObjectiveBreachedError(
      failed.map(({ name, line, actual, limit }) => ({ name, line, actual, limit })),
      {
        message: `${failed.length} of ${verdicts.length} objective(s) breached: ${failed.map((v) => v.line).join('; ')}`,
      },
    );
    run.firstError ??= toErrorRecord(error);
    throw error;
  });
}

/**
 * Stops the probes, derives the measures and checks the objectives, emitting `measures` and one
 * `verdict` each (once per run: later calls return no verdicts). A run whose steps failed is
 * judged too, for its report: what it measured, and which objectives that failure breaks.
 */
export async function emitVerdicts(run: RunState): Promise<Verdict[]> {
  if (run.measured) return [];
  run.measured = true;
  const measures = await run.probes.endOfSteps({ endOfTest: !run.finished });
  run.emit({ kind: 'measures', measures });
  const verdicts = checkObjectives(run.workflow.objectives ?? [], { ...run.templateContext(), measures });
  for (const verdict of verdicts) run.emit({ kind: 'verdict', ...verdict });
  return verdicts;
}

/** Whether an error is, or was caused by, a breached objective (a failed `assert`). */
function isBreach(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === ErrorCode.OBJECTIVE_BREACHED) return true;
  }
  return false;
}

/** Records a step's failure and throws (the machine's `onError` takes over). */
function fail(
  run: RunState,
  state: StepState,
  error: unknown,
  durationMs: number,
  attempts: number,
  status: StepResultStatus = StepStatus.FAILED,
): never {
  state.status = status;
  if (status === StepStatus.FAILED && isBreach(error)) run.breached = true;
  const record = toErrorRecord(error);
  run.firstError ??= record;
  run.emit({ kind: 'step-result', stepId: state.node.id, status, attempts, durationMs, error: record });
  throw error;
}

/** Resolves `if:` and params; undefined when the step is skipped. */
function prepare(run: RunState, state: StepState): { params: unknown } | undefined {
  const { node } = state;
  const ctx = run.templateContext();
  const failed = (cause: unknown, message: string) => fail(run, state, new StepFailedError(node.id, 0, { cause, message }), 0, 0);
  if (node.if !== undefined) {
    let condition: unknown;
    try {
      condition = resolveTemplates(node.if, ctx);
    } catch (error) {
      return failed(error, `step '${node.id}': if: ${errorMessage(error)}`);
    }
    if (!truthy(condition)) return undefined;
  }
  if (!state.def) return fail(run, state, new NonRetryableError(`unknown step type '${node.type}'`), 0, 0);
  let params: unknown;
  try {
    params = resolveTemplates(node.params, ctx);
  } catch (error) {
    return failed(error, `step '${node.id}': ${errorMessage(error)}`);
  }
  const problems = run.registry.validate(node.type, params);
  if (problems.length) {
    const detail = problems.map((p) => `${p.instancePath || '/'} ${p.message ?? ''}`.trim()).join('; ');
    return failed(new NonRetryableError(detail), `step '${node.id}': invalid params after templates: ${detail}`);
  }
  return { params };
}

async function runStep(run: RunState, state: StepState, signal: AbortSignal): Promise<StepActorOutput> {
  const { node } = state;
  const prepared = prepare(run, state);
  if (!prepared) {
    state.status = StepStatus.SKIPPED;
    run.emit({ kind: 'step-skipped', stepId: node.id, type: node.type });
    return { status: 'skipped' };
  }
  const { params } = prepared;
  run.masker.collect(params);
  state.params = params;
  state.started = true;
  const startedAt = run.clock.now();
  // The intent is durable before the step acts: a step that timed out may still have acted.
  run.emit({
    kind: 'step-intent',
    stepId: node.id,
    type: node.type,
    params: maskSecrets(params),
    rollback: node.rollback,
    needsTarget: run.registry.needsTarget(node.type),
  });
  // Not journaled (the journal failed): the step must not act, and has nothing to compensate.
  if (run.journalError) state.started = false;
  state.status = StepStatus.RUNNING;
  const result = await executeStep({
    definition: state.def!,
    params,
    context: { ...run.baseContext(node.id), scope: run.expressionScope() },
    clock: run.clock,
    signal,
    retry: node.retry,
    ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
    hooks: {
      onRetry: (attempt, delayMs, error) =>
        run.emit({ kind: 'step-retry', stepId: node.id, attempt, delayMs, error: toErrorRecord(error) }),
      onAttempt: (promise) => {
        state.attemptPromises.push(promise);
        state.unsettledAttempts++;
        const done = () => void state.unsettledAttempts--;
        promise.then(done, done);
      },
    },
  });
  const durationMs = run.clock.now() - startedAt;
  if (!result.ok)
    return fail(run, state, result.error, durationMs, result.attempts, result.aborted ? StepStatus.ABORTED : StepStatus.FAILED);
  state.status = StepStatus.SUCCEEDED;
  run.masker.collect(result.outputs);
  state.outputs = result.outputs;
  run.stepOutputs[node.id] = { outputs: result.outputs };
  run.emit({
    kind: 'step-result',
    stepId: node.id,
    status: StepStatus.SUCCEEDED,
    attempts: result.attempts,
    durationMs,
    outputs: maskSecrets(result.outputs),
  });
  await run.probes.afterStep(node.id, node.type, result.outputs);
  return { status: 'succeeded' };
}

async function compensateStep(run: RunState, state: StepState): Promise<StepActorOutput> {
  const { node } = state;
  // Compensation undoes the drill: no probe observes it.
  await run.probes.stopAll();
  if (!state.started || node.rollback.kind === 'none') return { status: 'skipped' };
  if (state.inflight && (!state.settled || state.unsettledAttempts > 0)) await settle(run, state.inflight);
  const result = await compensate(compensationRequest(run, state), compensationContext(run, state));
  // Stopped by abortNow: the run's outcome is decided without it (dirty: `engine rollback` redoes it).
  if (!run.finished) state.compensation = result;
  if (result.status !== 'failed') await run.probes.afterCompensation(node.type);
  if (result.status === 'failed') throw result.cause;
  return { status: 'succeeded' };
}

function compensationRequest(run: RunState, state: StepState): CompensationRequest {
  const { node } = state;
  return {
    stepId: node.id,
    type: node.type,
    params: state.params,
    rollback: node.rollback,
    needsTarget: run.registry.needsTarget(node.type),
    outputs: state.outputs,
  };
}

function compensationContext(run: RunState, state: StepState, targetGone?: string): CompensationContext {
  const stopped = run.compensationController.signal;
  return {
    registry: run.registry,
    target: run.target,
    clock: run.clock,
    runId: run.runId,
    workflowDir: run.workflow.dir,
    signal: stopped,
    templates: () => run.templateContext(),
    // A compensation that abortNow stopped records nothing more: the run no longer knows how it
    // ended, and `engine rollback` (or the moot records below) take it from its intent.
    emit: targetGone === undefined ? (body) => !stopped.aborted && run.emit(body) : (body) => run.emit(body),
    log: run.baseContext(state.node.id).log,
    ...(targetGone === undefined ? {} : { targetGone }),
  };
}

/**
 * After abortNow on a run whose target ended with it (the embedded emulator, stopped when the
 * run finishes): when every compensation still pending needs that target, records each as done
 * ("nothing to undo", as `engine rollback` would) and returns their step ids, newest first; the
 * run is then over, not dirty. Returns undefined when some pending compensation acts elsewhere
 * (a local file, a command): the run stays dirty for `engine rollback`.
 */
export async function settleWithTarget(run: RunState, targetGone: string): Promise<string[] | undefined> {
  const pending = [...run.steps.values()]
    .filter((s) => s.started && s.node.rollback.kind !== 'none' && s.compensation?.status !== 'succeeded')
    .reverse();
  const requests = pending.map((state) => ({ state, request: compensationRequest(run, state) }));
  if (!requests.every(({ request }) => compensationNeedsTarget(request, run.registry))) return undefined;
  for (const { state, request } of requests) await compensate(request, compensationContext(run, state, targetGone));
  return requests.map(({ request }) => request.stepId);
}

/** Lets an aborted step that may still be acting settle first (at most ABORT_GRACE_MS, or until abortNow). */
async function settle(run: RunState, inflight: Promise<unknown>): Promise<void> {
  const grace = new AbortController();
  const onStop = () => grace.abort();
  run.compensationController.signal.addEventListener('abort', onStop, { once: true });
  await Promise.race([inflight.catch(() => undefined), run.clock.sleep(ABORT_GRACE_MS, grace.signal).catch(() => undefined)]);
  grace.abort();
  run.compensationController.signal.removeEventListener('abort', onStop);
}
