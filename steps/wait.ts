import { defineStep } from './define.ts';
import { DURATION_SCHEMA, parseDuration } from '../engine/duration.ts';
import { NonRetryableError } from '../engine/errors.ts';

interface WaitParams {
  ms?: number;
  duration?: number | string;
}

/** Sleeps AWS time on the engine clock (so tests drive it with a manual clock); aborts with the step. */
export default defineStep<WaitParams, { waitedMs: number }>({
  type: 'wait',
  description: 'Wait for a duration of AWS time (`ms: 500` or `duration: "2s"`).',
  needsTarget: false,
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ms: { type: 'integer', minimum: 0, description: 'Milliseconds to wait.' },
      duration: { ...DURATION_SCHEMA, description: 'Duration to wait: milliseconds or "500ms", "2s", "1m", "1h".' },
    },
    oneOf: [{ required: ['ms'] }, { required: ['duration'] }],
  },
  outputs: {
    type: 'object',
    properties: { waitedMs: { type: 'integer', description: 'How long the step waited.' } },
  },
  run: async (params, ctx) => {
    const ms = params.ms ?? parseDuration(params.duration);
    if (ms === undefined) throw new NonRetryableError(`wait: invalid duration ${JSON.stringify(params.duration)}`);
    await ctx.clock.sleep(ms, ctx.signal);
    return { waitedMs: ms };
  },
});
