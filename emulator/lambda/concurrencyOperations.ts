import { Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation, RequestContext } from '../types.ts';
import { parseFunctionName } from './functionArn.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import { HandlerChecked, typedHandler } from './lambdaInput.ts';

/** The function is the path label; the reservation keeps AWS's own message for a value out of range. */
const ConcurrencyInput = Type.Object({
  FunctionName: Type.String(),
  ReservedConcurrentExecutions: HandlerChecked(),
});

/** AWS's fixed code-size quotas, as GetAccountSettings reports them. */
const CODE_LIMITS = { TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800 };

/**
 * Reserved concurrency (Put/Get/DeleteFunctionConcurrency) and GetAccountSettings. A reservation
 * caps the function and takes its share out of the region's unreserved pool; it applies to the
 * next invocations at once (running ones are not interrupted).
 */
export function concurrencyOperations(backend: LambdaBackend): Operation[] {
  const locate = (input: { FunctionName: string }, ctx: RequestContext) => {
    const loc = parseFunctionName(input.FunctionName);
    return backend.getFunction(loc.region ?? ctx.region, loc.name);
  };
  return [
    {
      name: 'PutFunctionConcurrency',
      http: { method: 'PUT', path: '/2017-10-31/functions/{FunctionName}/concurrency' },
      handler: typedHandler(ConcurrencyInput, (input, ctx) => {
        const fn = locate(input, ctx);
        const requested = input.ReservedConcurrentExecutions;
        if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 0) {
          throw new ServiceError(
            'ValidationException',
            `1 validation error detected: Value '${String(requested)}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
          );
        }
        backend.concurrency.checkReservation(fn.region, requested, fn.reservedConcurrency);
        fn.reservedConcurrency = requested;
        backend.concurrency.wake();
        return { ReservedConcurrentExecutions: requested };
      }),
    },
    {
      name: 'GetFunctionConcurrency',
      http: { method: 'GET', path: '/2019-09-30/functions/{FunctionName}/concurrency' },
      handler: typedHandler(ConcurrencyInput, (input, ctx) => {
        const fn = locate(input, ctx);
        return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
      }),
    },
    {
      name: 'DeleteFunctionConcurrency',
      http: { method: 'DELETE', path: '/2017-10-31/functions/{FunctionName}/concurrency', status: 204 },
      handler: typedHandler(ConcurrencyInput, (input, ctx) => {
        const fn = locate(input, ctx);
        fn.reservedConcurrency = undefined;
        backend.concurrency.wake();
        return undefined;
      }),
    },
    {
      name: 'GetAccountSettings',
      http: { method: 'GET', path: '/2016-08-19/account-settings' },
      handler(_input, ctx) {
        const functions = [...backend.store.region(ctx.region).functions.values()];
        return {
          AccountLimit: {
            ...CODE_LIMITS,
            ConcurrentExecutions: backend.concurrency.accountLimit,
            UnreservedConcurrentExecutions: backend.concurrency.unreservedLimit(ctx.region),
          },
          AccountUsage: { TotalCodeSize: functions.reduce((sum, fn) => sum + fn.code.size, 0), FunctionCount: functions.length },
        };
      },
    },
  ];
}
