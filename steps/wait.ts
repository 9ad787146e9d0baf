import { Type } from '@sinclair/typebox';
import { defineStep } from './define.ts';
import { Duration, durationMs } from './support/schema.ts';

/** Sleeps AWS time on the engine clock (so tests drive it with a manual clock); aborts with the step. */
export default defineStep({
  type: 'wait',
  effects: () => [],
  description: 'Wait for a duration of AWS time (`ms: 500` or `duration: "2s"`).',
  needsTarget: false,
  params: Type.Object(
    {
      ms: Type.Optional(Type.Integer({ minimum: 0, description: 'Milliseconds to wait.' })),
      duration: Type.Optional(Duration({ description: 'Duration to wait: milliseconds or "500ms", "2s", "1m", "1h".' })),
    },
    { additionalProperties: false, oneOf: [{ required: ['ms'] }, { required: ['duration'] }] },
  ),
  outputs: Type.Object({ waitedMs: Type.Integer({ description: 'How long the step waited.' }) }),
  run: async (params, ctx) => {
    // The schema's oneOf guarantees exactly one of the two.
    const ms = params.ms ?? durationMs(params.duration ?? '', 'wait');
    await ctx.clock.sleep(ms, ctx.signal);
    return { waitedMs: ms };
  },
});
