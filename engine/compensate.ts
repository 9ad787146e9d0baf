import type { Clock, Logger, StepContext, Target } from './types.ts';
import { EngineError, NonRetryableError, toErrorRecord, type ErrorRecord } from './errors.ts';
import type { RunEventBody, RunEventOf } from './events.ts';
import type { StepRegistry } from './registry.ts';
import { resolveTemplates, type TemplateContext } from './template.ts';
import { CompensationStatus } from './status.ts';
import { MASK } from './mask.ts';

/**
 * Compensation of one step, the one implementation behind both the live run's
 * `compensateStep` actor and `engine rollback`: it is driven by the step's intent record
 * (type, params, rollback spec) and the outputs of its result record, so a rollback after
 * `kill -9` does exactly what the live run would have done.
 */

/** What compensating a step needs to know about it: its intent record plus its outputs, if it finished. */
export type CompensationRequest = Pick<RunEventOf<'step-intent'>, 'stepId' | 'type' | 'params' | 'rollback' | 'needsTarget'> & {
  outputs: unknown;
};

/** Where and how to compensate. */
export interface CompensationContext {
  registry: StepRegistry;
  target: Target;
  clock: Clock;
  runId: string;
  workflowDir: string;
  signal: AbortSignal;
  /** The template context an override's params are resolved in (steps' outputs, inputs, env, target, run). */
  templates(): TemplateContext;
  emit(body: RunEventBody): unknown;
  log: Logger;
  /**
   * Set when the run's target no longer exists (an embedded emulator ends with the run's
   * process): a compensation that needs the target is recorded as done with this reason,
   * instead of being run against a fresh, empty emulator.
   */
  targetGone?: string;
}

/** How a compensation ended. */
export interface CompensationResult {
  status: CompensationStatus;
  durationMs: number;
  error?: ErrorRecord;
  /** What the compensation threw, when it failed. */
  cause?: unknown;
}

/** The step type a request's compensation runs. */
export function compensationType(request: Pick<CompensationRequest, 'type' | 'rollback'>): string {
  return request.rollback.kind === 'override' ? request.rollback.type : request.type;
}

/** Whether a request's compensation calls the target. */
export function compensationNeedsTarget(request: CompensationRequest, registry: StepRegistry): boolean {
  return request.needsTarget || (request.rollback.kind === 'override' && registry.needsTarget(request.rollback.type));
}

/**
 * Runs a step's compensation: its type's `rollback(params, ctx, outputs)`, or the override step
 * with its params resolved now. Params are validated as a live run validates them. Emits
 * `compensation-start` and `compensation-result`; never throws.
 */
export async function compensate(request: CompensationRequest, ctx: CompensationContext): Promise<CompensationResult> {
  const { stepId } = request;
  ctx.emit({ kind: 'compensation-start', stepId, type: compensationType(request) });
  const t0 = ctx.clock.now();
  const end = (status: CompensationStatus, cause?: unknown): CompensationResult => {
    const durationMs = ctx.clock.now() - t0;
    const error = cause === undefined ? undefined : toErrorRecord(cause);
    ctx.emit({ kind: 'compensation-result', stepId, status, durationMs, ...(error ? { error } : {}) });
    return { status, durationMs, ...(error ? { error, cause } : {}) };
  };
  if (ctx.targetGone !== undefined && compensationNeedsTarget(request, ctx.registry)) {
    ctx.log.info(`nothing to undo: ${ctx.targetGone}`);
    return end(CompensationStatus.SUCCEEDED);
  }
  try {
    // An activity, as a step attempt is: on the idle-skipping clock AWS time stands still while
    // the compensation's own code runs, and moves only while it sleeps or waits on AWS.
    await ctx.clock.activity(`compensate ${stepId}`, () => runCompensation(request, ctx));
    return end(CompensationStatus.SUCCEEDED);
  } catch (error) {
    if (serviceMissing(error)) {
      ctx.log.info(
        `nothing to undo: the target does not offer this service, so the step created nothing with it (${(error as Error).message})`,
      );
      return end(CompensationStatus.SUCCEEDED);
    }
    return end(CompensationStatus.FAILED, error ?? new EngineError('compensation failed'));
  }
}

/**
 * LocalStack's answer for a whole service it does not offer (FIS on Community): HTTP 501 "The API
 * for service fis is either not included in your current license plan or has not yet been
 * emulated". A step cannot have created anything with a service that is not there, so its
 * compensation has nothing to undo. (A 501 for one unimplemented operation is not this answer.)
 */
function serviceMissing(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const message = error instanceof Error ? error.message : '';
  return (
    status === 501 &&
    /The API for service \S+ is either not included in your current license plan or has not yet been emulated/.test(message)
  );
}

async function runCompensation(request: CompensationRequest, ctx: CompensationContext): Promise<void> {
  const context: StepContext = {
    signal: ctx.signal,
    log: ctx.log,
    target: ctx.target,
    clock: ctx.clock,
    runId: ctx.runId,
    stepId: request.stepId,
    workflowDir: ctx.workflowDir,
    attempt: 1,
  };
  if (JSON.stringify(request.params ?? null).includes(`"${MASK}"`))
    ctx.log.warn('some params were masked in the journal; the compensation sees the mask, not the secret');
  if (request.rollback.kind === 'override') {
    const { type } = request.rollback;
    const def = ctx.registry.get(type);
    if (!def) throw new NonRetryableError(`unknown rollback step type '${type}'`);
    const params = resolveTemplates(request.rollback.params, ctx.templates());
    checkParams(ctx.registry, type, params, 'invalid rollback params');
    await def.run(params, context);
    return;
  }
  const def = ctx.registry.get(request.type);
  if (!def) throw new NonRetryableError(`unknown step type '${request.type}' (not in this engine's registry)`);
  const params = structuredClone(request.params);
  checkParams(ctx.registry, request.type, params, 'invalid params');
  await def.rollback?.(params, context, request.outputs);
}

/** Refuses params a live run would refuse. */
function checkParams(registry: StepRegistry, type: string, params: unknown, what: string): void {
  const problems = registry.validate(type, params);
  if (problems.length)
    throw new NonRetryableError(`${what}: ${problems.map((p) => `${p.instancePath || '/'} ${p.message ?? ''}`).join('; ')}`);
}
