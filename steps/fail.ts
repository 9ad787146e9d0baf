import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { NonRetryableError } from '../engine/errors.ts';
import { FailedOnPurposeError } from './support/errors.ts';

/**
 * Fails on purpose, to exercise retries, timeouts and compensation. With `times: N` only the
 * first N attempts fail (then it succeeds); with `hang: true` an attempt waits until it is
 * aborted (timeout or interrupt); `rollbackError` makes its compensation fail.
 */
export default defineStep({
  type: 'fail',
  effects: () => [],
  description: 'Fail with a given error type/message (optionally only the first N attempts, or hang until aborted).',
  needsTarget: false,
  params: Type.Object(
    {
      message: Default(Type.String({ description: 'Error message.' }), 'failed on purpose'),
      errorType: Default(Type.String({ description: 'Error name (matched by retry.nonRetryableErrorTypes).' }), 'DrillError'),
      times: Type.Optional(
        Type.Integer({ minimum: 0, description: 'Fail only the first N attempts, then succeed. Default: every attempt fails.' }),
      ),
      hang: Default(Type.Boolean({ description: 'Hang until aborted (by timeout or interrupt) instead of failing at once.' }), false),
      nonRetryable: Default(Type.Boolean({ description: 'Throw NonRetryableError (never retried).' }), false),
      rollbackError: Type.Optional(Type.String({ description: 'When set, the compensation fails with this message.' })),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({ attempt: Type.Integer({ description: 'The attempt that succeeded.' }) }),
  run: async (params, ctx) => {
    const failing = params.times === undefined || ctx.attempt <= params.times;
    if (!failing) return { attempt: ctx.attempt };
    if (params.hang) {
      await new Promise<never>((_, reject) => {
        if (ctx.signal.aborted) reject(ctx.signal.reason);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    }
    if (params.nonRetryable) throw new NonRetryableError(params.message);
    throw new FailedOnPurposeError(params.message, params.errorType);
  },
  rollback: async (params) => {
    if (params.rollbackError) throw new FailedOnPurposeError(params.rollbackError, 'DrillRollbackError');
  },
});
