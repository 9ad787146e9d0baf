import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';
import type { LambdaApi, LambdaInvokeRequest, LambdaInvokeResult } from './api.ts';
import { functionArn, locateQualified, parseFunctionName } from './functionArn.ts';
import { invokeFunction, type InvocationType } from './invokeFunction.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import { Maybe, typedHandler } from './lambdaInput.ts';

const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

/**
 * Invoke's members as Lambda's model binds them: the path label, `?Qualifier`, three headers
 * (strings by the protocol; InvocationType keeps AWS's enum message) and the body, unparsed, as
 * the Buffer the protocol hands over.
 */
const InvokeInput = Type.Object({
  FunctionName: Type.String(),
  Qualifier: Maybe(Type.String()),
  InvocationType: Maybe(Type.String()),
  LogType: Maybe(Type.String()),
  ClientContext: Maybe(Type.String()),
  Payload: Type.Unsafe<Buffer>(Type.Uint8Array()),
});

/**
 * `POST /2015-03-31/functions/{FunctionName}/invocations`. The gateway has checked the faults
 * once, as the function's ARN in its region; the function-level ones (`ctx.faults`) are
 * answered here instead of the handler.
 */
export function invokeOperations(backend: LambdaBackend): Operation[] {
  return [
    {
      name: 'Invoke',
      http: {
        method: 'POST',
        path: '/2015-03-31/functions/{FunctionName}/invocations',
        query: { Qualifier: 'Qualifier' },
        headers: { 'x-amz-invocation-type': 'InvocationType', 'x-amz-log-type': 'LogType', 'x-amz-client-context': 'ClientContext' },
        payload: 'Payload',
        output: {
          status: 'StatusCode',
          headers: {
            'x-amz-executed-version': 'ExecutedVersion',
            'x-amz-function-error': 'FunctionError',
            'x-amz-log-result': 'LogResult',
          },
          payload: 'Payload',
          contentType: 'application/json',
        },
      },
      resource(input, ctx) {
        if (!Value.Check(InvokeInput, input)) return undefined;
        try {
          const loc = parseFunctionName(input.FunctionName, { namespaced: true });
          const region = loc.region ?? ctx.region;
          return { arn: functionArn(region, loc.name), region };
        } catch {
          return undefined;
        }
      },
      handler: typedHandler(InvokeInput, async (input, ctx) => {
        const loc = locateQualified(input.FunctionName, input.Qualifier, { namespaced: true });
        const outcome = await invokeFunction(backend, {
          region: loc.region ?? ctx.region,
          name: loc.name,
          qualifier: loc.qualifier,
          payload: input.Payload,
          invocationType: invocationTypeOf(input.InvocationType),
          tail: input.LogType === 'Tail',
          clientContext: decodeClientContext(input.ClientContext),
          requestId: ctx.requestId,
          faults: ctx.faults,
        });
        if (outcome.statusCode !== 200) return { StatusCode: outcome.statusCode };
        return {
          StatusCode: outcome.statusCode,
          ExecutedVersion: outcome.executedVersion,
          FunctionError: outcome.functionError,
          LogResult: outcome.logResult,
          Payload: outcome.payload,
        };
      }),
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
      const loc = locateQualified(request.functionName, request.qualifier, { namespaced: true });
      const region = loc.region ?? request.region;
      const faults = await backend.runtime.faults.check(
        { service: 'lambda', operation: 'Invoke', region, resource: functionArn(region, loc.name) },
        request.signal,
      );
      const {
        logResult,
        requestId: _requestId,
        ...result
      } = await invokeFunction(backend, {
        region,
        name: loc.name,
        qualifier: loc.qualifier,
        payload: typeof request.payload === 'string' ? Buffer.from(request.payload) : request.payload,
        invocationType: request.invocationType ?? 'RequestResponse',
        tail: request.logType === 'Tail',
        faults,
      });
      return logResult === undefined ? result : { ...result, logResult };
    },
  };
}

function invocationTypeOf(header: string | null | undefined): InvocationType {
  if (header === undefined || header === null || header === '') return 'RequestResponse';
  const known = INVOCATION_TYPES.find((type) => type === header);
  if (known) return known;
  throw new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${header}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
  );
}

/** `X-Amz-Client-Context`: base64 JSON, handed to the handler as `context.clientContext`. */
function decodeClientContext(header: string | null | undefined): unknown {
  if (!header) return undefined;
  try {
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw new ServiceError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }
}
