import type { StepDefinition } from '../engine/types.ts';

/**
 * Identity helper that gives a step file type inference for its params and outputs.
 *
 * @example
 * export default defineStep<{ ms: number }, { waitedMs: number }>({
 *   type: 'wait', description: 'Sleep on the engine clock.',
 *   params: { type: 'object', required: ['ms'], properties: { ms: { type: 'integer' } } },
 *   run: async (p, ctx) => { await ctx.clock.sleep(p.ms, ctx.signal); return { waitedMs: p.ms }; },
 * });
 */
export function defineStep<TParams, TOutputs>(
  definition: StepDefinition<TParams, TOutputs>,
): StepDefinition<TParams, TOutputs> {
  return definition;
}
