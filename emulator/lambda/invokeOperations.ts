import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';
import type { LambdaApi, LambdaInvokeRequest, LambdaInvokeResult } from './api.ts';
import { functionArn, parseFunctionName } from './functionArn.ts';
import { applyFaultRules, invokeFunction, type InvocationType } from './invokeFunction.ts';
import type { LambdaBackend } from './LambdaBackend.ts';

const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

/**
 * `POST /2015-03-31/functions/{FunctionName}/invocations`. The gateway has already applied the
 * fault rules that name no resource (latency, API errors); this adds the rules scoped to the
 * function's ARN (FIS `aws:lambda:*` actions) and the function-level effects of all rules,
 * without applying any rule twice.
 */
export function invokeOperations(backend: LambdaBackend): Operation[] {
  return [
    {
      name: 'Invoke',
      http: { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/invocations' },
      rawBody: true,
      async handler(input, ctx) {
        const loc = parseFunctionName(input.FunctionName);
        const region = loc.region ?? ctx.region;
        const invocationType = invocationTypeOf(ctx.request.headers['x-amz-invocation-type']);
        const hits = backend.runtime.faults
          .match({ service: 'lambda', operation: 'Invoke', region, resource: functionArn(region, loc.name) })
          .filter((r) => r.resources !== undefined || r.effect.kind === 'functionError' || r.effect.kind === 'httpResponse');
        const faults = await applyFaultRules(hits, backend.runtime.clock, ctx.signal);
        const outcome = await invokeFunction(backend, {
          region,
          name: loc.name,
          qualifier: ctx.request.query.get('Qualifier') ?? loc.qualifier,
          payload: ctx.request.body,
          invocationType,
          tail: ctx.request.headers['x-amz-log-type'] === 'Tail',
          clientContext: decodeClientContext(ctx.request.headers['x-amz-client-context']),
          requestId: ctx.requestId,
          faults,
        });
        ctx.response.status = outcome.statusCode;
        if (outcome.statusCode !== 200) return undefined;
        ctx.response.headers['content-type'] = 'application/json';
        ctx.response.headers['x-amz-executed-version'] = outcome.executedVersion;
        if (outcome.functionError) ctx.response.headers['x-amz-function-error'] = outcome.functionError;
        if (outcome.logResult !== undefined) ctx.response.headers['x-amz-log-result'] = outcome.logResult;
        return outcome.payload;
      },
    },
  ];
}

/**
 * LambdaApi for internal callers (API Gateway, the stream poller). Checks the fault registry as
 * the callee — `{ service: 'lambda', operation: 'Invoke', region, resource: functionArn }` — so
 * an experiment on Lambda in us-east-1 breaks that region's API Gateway and stream delivery.
 */
export function createLambdaApi(backend: LambdaBackend): LambdaApi {
  return {
    async invoke(request: LambdaInvokeRequest): Promise<LambdaInvokeResult> {
      const loc = parseFunctionName(request.functionName);
      const region = loc.region ?? request.region;
      const faults = await backend.runtime.faults.check(
        { service: 'lambda', operation: 'Invoke', region, resource: functionArn(region, loc.name) },
        request.signal,
      );
      const { logResult, requestId: _requestId, ...result } = await invokeFunction(backend, {
        region,
        name: loc.name,
        qualifier: request.qualifier ?? loc.qualifier,
        payload: typeof request.payload === 'string' ? Buffer.from(request.payload) : request.payload,
        invocationType: request.invocationType ?? 'RequestResponse',
        tail: request.logType === 'Tail',
        faults,
      });
      return logResult === undefined ? result : { ...result, logResult };
    },
  };
}

function invocationTypeOf(header: string | undefined): InvocationType {
  if (header === undefined || header === '') return 'RequestResponse';
  if ((INVOCATION_TYPES as readonly string[]).includes(header)) return header as InvocationType;
  throw new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${header}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
  );
}

/** `X-Amz-Client-Context`: base64 JSON, handed to the handler as `context.clientContext`. */
function decodeClientContext(header: string | undefined): unknown {
  if (!header) return undefined;
  try {
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw new ServiceError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }
}
