import type { Static, TObject } from '@sinclair/typebox';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepRegistry } from '../../engine/registry.ts';
import type { StepContext, Target } from '../../engine/types.ts';
import type { DefinedStep, StepInput, StepParams } from '../../steps/define.ts';
import { stepContext } from './emulatorTarget.ts';
import { noTarget } from './noTarget.ts';
import { paramErrors } from './validateParams.ts';

/**
 * Params as the engine hands them to a step: validated against the schema with its defaults
 * applied (the engine's own registry does it, on a copy). Throws on invalid params, so a test
 * cannot call `run` with params a workflow could not have.
 */
export function engineParams<P extends TObject, O extends TObject>(def: DefinedStep<P, O>, input: StepInput<P>): StepParams<P> {
  const params = structuredClone(input);
  const problems = new StepRegistry([def]).validate(def.type, params);
  if (problems.length)
    throw new Error(
      `${def.type}: invalid params ${JSON.stringify(input)}: ${problems.map((p) => `${p.instancePath || '/'} ${p.message}`).join('; ')}`,
    );
  return params as StepParams<P>;
}

/** `def.run` with params prepared as the engine prepares them. */
export function runStep<P extends TObject, O extends TObject>(
  def: DefinedStep<P, O>,
  input: StepInput<P>,
  ctx: StepContext,
): Promise<Static<O>> {
  // `as never`: the generic StepParams<P> is the same type on both sides, too deep for tsc to compare.
  return def.run(engineParams(def, input) as never, ctx);
}

/** `def.rollback` with params prepared as the engine prepares them (live or from the journal). */
export async function rollbackStep<P extends TObject, O extends TObject>(
  def: DefinedStep<P, O>,
  input: StepInput<P>,
  ctx: StepContext,
  outputs: Static<O> | undefined,
): Promise<void> {
  assert.type(def.rollback, 'function', `${def.type} has a rollback`);
  await def.rollback!(engineParams(def, input) as never, ctx, outputs);
}

/** What an `emulatorSuite` gives its tests; a plain suite (generic steps) runs on a target without AWS. */
export interface StepSuiteContext {
  target?: Target;
}

/** How to run a compensable step for real and see what it leaves behind. */
export interface RunThenRollback<P extends TObject, Ctx> {
  /** The params, or a setup that creates prerequisites (a zone, a health check) and returns them. */
  params: StepInput<P> | ((ctx: Ctx & { target: Target }) => StepInput<P> | Promise<StepInput<P>>);
  /** Context overrides (a workflow folder, a clock). */
  context?: (ctx: Ctx & { target: Target }) => Partial<StepContext>;
  /**
   * What the step's run left that a rollback must undo, read back through the SDK or the file
   * system: must be non-empty after `run` (so the check can fail) and empty after the rollback.
   */
  leftovers: ((ctx: Ctx & { target: Target }, stepContext: StepContext) => Promise<unknown[]>) | { none: string };
  /**
   * What a rollback without outputs does. `undone` (default): it finds and undoes the run's work.
   * `kept`: it cannot know what to restore (the reason says why) and leaves it; the helper then
   * checks it does not throw, and cleans up with the outputs.
   */
  withoutOutputs?: { kept: string };
}

/** The cases every step type's test gives {@link testStep}. */
export interface StepCases<P extends TObject, Ctx> {
  /** Params a workflow may write; each must validate. */
  valid: StepInput<P>[];
  /** Params the loader refuses, with ajv's exact `instancePath: message` lines. */
  invalid: { params: unknown; errors: string[] }[];
  /** A run against the suite's target, then its compensation; or why the step has none. */
  runThenRollback: RunThenRollback<P, Ctx> | { noRollback: string };
}

/**
 * The conformance tests every step type passes, registered on the step's own suite (an
 * `emulatorSuite` for steps that call AWS, so runs go through the real SDK to the emulator):
 * - every `valid` params object validates, every `invalid` one fails with exactly its messages;
 * - `runThenRollback`: run, see the leftovers, roll back twice (idempotent), see nothing left;
 *   then run again and roll back twice with `outputs` undefined (as after a crash), see nothing
 *   left; a step without rollback must say why, and must really have none.
 *
 * @example
 * const test = emulatorSuite('steps/createZone');
 * testStep(test, createZone, { valid: [{ name: 'a.com' }], invalid: [...], runThenRollback: { params: { name: 'a.com' }, leftovers } });
 */
export function testStep<P extends TObject, O extends TObject, Ctx extends object>(
  test: Test<Ctx>,
  def: DefinedStep<P, O>,
  cases: StepCases<P, Ctx>,
): void {
  const name = def.type;
  test(`${name} conformance: valid params validate`, () => {
    assert.ok(cases.valid.length > 0, 'at least one valid case');
    for (const params of cases.valid) assert.equal(paramErrors(def, params), [], JSON.stringify(params));
  });
  test(`${name} conformance: invalid params are refused with ajv's messages`, () => {
    assert.ok(cases.invalid.length > 0, 'at least one invalid case');
    for (const { params, errors } of cases.invalid) assert.equal(paramErrors(def, params), errors, JSON.stringify(params));
  });
  const scenario = cases.runThenRollback;
  if ('noRollback' in scenario) {
    test(`${name} conformance: no rollback (${scenario.noRollback})`, () => {
      assert.is(def.rollback, undefined, `${name} declares a rollback: give runThenRollback`);
    });
    return;
  }
  const leftovers = async (ctx: Ctx & { target: Target }, stepCtx: StepContext): Promise<unknown[] | undefined> =>
    typeof scenario.leftovers === 'function' ? scenario.leftovers(ctx, stepCtx) : undefined;
  const setup = async (ctx: Ctx, runId: string) => {
    const suiteCtx = { ...ctx, target: (ctx as StepSuiteContext).target ?? noTarget };
    const stepCtx = stepContext(suiteCtx.target, { runId, stepId: name, ...scenario.context?.(suiteCtx) });
    const params = typeof scenario.params === 'function' ? await scenario.params(suiteCtx) : scenario.params;
    return { suiteCtx, stepCtx, params };
  };
  test(`${name} conformance: run, then rollback twice (idempotent) leaves nothing`, async (ctx) => {
    assert.type(def.rollback, 'function', `${name} has no rollback: say so with { noRollback: reason }`);
    const { suiteCtx, stepCtx, params } = await setup(ctx, `conformance-${name}-outputs`);
    const outputs = await runStep(def, params, stepCtx);
    const made = await leftovers(suiteCtx, stepCtx);
    if (made) assert.ok(made.length > 0, 'the run left something to undo');
    await rollbackStep(def, params, stepCtx, outputs);
    assert.equal((await leftovers(suiteCtx, stepCtx)) ?? [], [], 'nothing left after the rollback');
    await rollbackStep(def, params, stepCtx, outputs);
    assert.equal((await leftovers(suiteCtx, stepCtx)) ?? [], [], 'nothing left after the second rollback');
  });
  test(`${name} conformance: rollback without outputs (twice) ${scenario.withoutOutputs ? `keeps the change: ${scenario.withoutOutputs.kept}` : 'leaves nothing'}`, async (ctx) => {
    const { suiteCtx, stepCtx, params } = await setup(ctx, `conformance-${name}-no-outputs`);
    const outputs = await runStep(def, params, stepCtx);
    await rollbackStep(def, params, stepCtx, undefined);
    await rollbackStep(def, params, stepCtx, undefined);
    const left = (await leftovers(suiteCtx, stepCtx)) ?? [];
    if (scenario.withoutOutputs) {
      assert.ok(left.length > 0, 'kept as documented');
      await rollbackStep(def, params, stepCtx, outputs);
      assert.equal((await leftovers(suiteCtx, stepCtx)) ?? [], [], 'the rollback with outputs still undoes it');
    } else {
      assert.equal(left, [], 'nothing left after a rollback without outputs');
    }
  });
}
