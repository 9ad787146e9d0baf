import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation, RequestContext } from '../types.ts';
import { EventInvokeConfigInput } from './eventInvokeConfigInput.ts';
import { functionArn, locateQualified } from './functionArn.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import type { EventInvokeConfigRecord, FunctionRecord } from './LambdaStore.ts';
import { typedHandler } from './lambdaInput.ts';
import { resolveQualifier } from './qualifiers.ts';
import { checkRange } from './validation.ts';

/**
 * Event invoke configs (Put/Update/Get/Delete/ListFunctionEventInvokeConfig[s]): stored and
 * returned as AWS shapes them, per qualifier. The emulator does not act on them: Event
 * invocations are not retried and have no destinations (docs/fidelity/lambda.md).
 */
export function eventInvokeConfigOperations(backend: LambdaBackend): Operation[] {
  /** The function and the qualifier (`$LATEST` when none) a request names; the qualifier must exist. */
  const locate = (
    input: { FunctionName: string; Qualifier?: string | null },
    ctx: RequestContext,
  ): { fn: FunctionRecord; qualifier: string } => {
    const loc = locateQualified(input.FunctionName, input.Qualifier);
    const { fn } = resolveQualifier(backend, loc.region ?? ctx.region, loc.name, loc.qualifier);
    return { fn, qualifier: loc.qualifier ?? '$LATEST' };
  };
  const path = '/2019-09-25/functions/{FunctionName}/event-invoke-config';
  const query = { Qualifier: 'Qualifier' };
  const write = (replace: boolean) => (input: EventInvokeConfigInput, ctx: RequestContext) => {
    const { fn, qualifier } = locate(input, ctx);
    const old = replace ? undefined : fn.eventInvokeConfigs.get(qualifier);
    const config: EventInvokeConfigRecord = {
      maximumRetryAttempts:
        input.MaximumRetryAttempts !== undefined
          ? checkRange(input.MaximumRetryAttempts, 'maximumRetryAttempts', 0, 2, 2)
          : old?.maximumRetryAttempts,
      maximumEventAgeInSeconds:
        input.MaximumEventAgeInSeconds !== undefined
          ? checkRange(input.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21_600, 21_600)
          : old?.maximumEventAgeInSeconds,
      destinationConfig: input.DestinationConfig ?? old?.destinationConfig,
      lastModified: backend.runtime.clock.now(),
    };
    fn.eventInvokeConfigs.set(qualifier, config);
    return shape(fn, qualifier, config);
  };
  return [
    {
      name: 'PutFunctionEventInvokeConfig',
      http: { method: 'PUT', path, query },
      handler: typedHandler(EventInvokeConfigInput, write(true)),
    },
    {
      name: 'UpdateFunctionEventInvokeConfig',
      http: { method: 'POST', path, query },
      handler: typedHandler(EventInvokeConfigInput, write(false)),
    },
    {
      name: 'GetFunctionEventInvokeConfig',
      http: { method: 'GET', path, query },
      handler: typedHandler(EventInvokeConfigInput, (input, ctx) => {
        const { fn, qualifier } = locate(input, ctx);
        return shape(fn, qualifier, find(fn, qualifier));
      }),
    },
    {
      name: 'DeleteFunctionEventInvokeConfig',
      http: { method: 'DELETE', path, query, status: 204 },
      handler: typedHandler(EventInvokeConfigInput, (input, ctx) => {
        const { fn, qualifier } = locate(input, ctx);
        find(fn, qualifier);
        fn.eventInvokeConfigs.delete(qualifier);
        return undefined;
      }),
    },
    {
      name: 'ListFunctionEventInvokeConfigs',
      http: { method: 'GET', path: `${path}/list`, query: { Marker: 'Marker', MaxItems: 'MaxItems' } },
      handler: typedHandler(EventInvokeConfigInput, (input, ctx) => {
        const { fn } = locate({ FunctionName: input.FunctionName }, ctx);
        checkRange(input.MaxItems, 'maxItems', 1, 50, 50);
        return { FunctionEventInvokeConfigs: [...fn.eventInvokeConfigs].map(([qualifier, config]) => shape(fn, qualifier, config)) };
      }),
    },
  ];
}

function find(fn: FunctionRecord, qualifier: string): EventInvokeConfigRecord {
  const config = fn.eventInvokeConfigs.get(qualifier);
  if (!config) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `The function ${functionArn(fn.region, fn.name, qualifier)} doesn't have an EventInvokeConfig`,
      {
        status: 404,
      },
    );
  }
  return config;
}

function shape(fn: FunctionRecord, qualifier: string, config: EventInvokeConfigRecord): Record<string, unknown> {
  return {
    // restJson1 timestamps travel as epoch seconds.
    LastModified: config.lastModified / 1000,
    FunctionArn: functionArn(fn.region, fn.name, qualifier),
    ...(config.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: config.maximumRetryAttempts } : {}),
    ...(config.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds } : {}),
    DestinationConfig: config.destinationConfig ?? { OnSuccess: {}, OnFailure: {} },
  };
}
