import { defineStep } from './define.ts';
import { NonRetryableError } from '../engine/errors.ts';

interface FailParams {
  message?: string;
  errorType?: string;
  times?: number;
  hang?: boolean;
  nonRetryable?: boolean;
  rollbackError?: string;
}

/**
 * Fails on purpose, to exercise retries, timeouts and compensation. With `times: N` only the
 * first N attempts fail (then it succeeds); with `hang: true` an attempt waits until it is
 * aborted (timeout or interrupt); `rollbackError` makes its compensation fail.
 */
export default defineStep<FailParams, { attempt: number }>({
  type: 'fail',
  description: 'Fail with a given error type/message (optionally only the first N attempts, or hang until aborted).',
  needsTarget: false,
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      message: { type: 'string', default: 'failed on purpose', description: 'Error message.' },
      errorType: { type: 'string', default: 'DrillError', description: 'Error name (matched by retry.nonRetryableErrorTypes).' },
      times: { type: 'integer', minimum: 0, description: 'Fail only the first N attempts, then succeed. Default: every attempt fails.' },
      hang: { type: 'boolean', default: false, description: 'Hang until aborted (by timeout or interrupt) instead of failing at once.' },
      nonRetryable: { type: 'boolean', default: false, description: 'Throw NonRetryableError (never retried).' },
      rollbackError: { type: 'string', description: 'When set, the compensation fails with this message.' },
    },
  },
  outputs: { type: 'object', properties: { attempt: { type: 'integer', description: 'The attempt that succeeded.' } } },
  run: async (params, ctx) => {
    const failing = params.times === undefined || ctx.attempt <= params.times;
    if (!failing) return { attempt: ctx.attempt };
    if (params.hang) {
      await new Promise<never>((_, reject) => {
        if (ctx.signal.aborted) reject(ctx.signal.reason);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    }
    const message = params.message ?? 'failed on purpose';
    if (params.nonRetryable) throw new NonRetryableError(message);
    const error = new Error(message);
    error.name = params.errorType ?? 'DrillError';
    throw error;
  },
  rollback: async (params) => {
    if (params.rollbackError) {
      const error = new Error(params.rollbackError);
      error.name = 'DrillRollbackError';
      throw error;
    }
  },
});
