import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ListEventSourceMappingsCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import type { StepContext } from '../../../engine/types.ts';
import { buildLambdaZip, LAMBDA_HANDLER, type LambdaName } from '../../../lambdas/build.ts';
import { ignoreNotFound, isAwsError } from '../awsErrors.ts';
import { ExpectationFailedError, StepErrorCode } from '../errors.ts';
import { carriesRun, RUN_TAG, runTag } from './marker.ts';

/** Pause between polls while a function or mapping becomes ready. */
const POLL_MS = 100;

/** The tutorial's function names, per bundle in `lambdas/`. */
export const FUNCTION_NAMES: Readonly<Record<LambdaName, string>> = {
  getProduct: 'get-product',
  addProduct: 'add-product',
  healthcheck: 'healthcheck',
  replicate: 'dynamodb-streams-to-lambda',
};

export interface FunctionSpec {
  bundle: LambdaName;
  name: string;
  roleArn: string;
  environment: Record<string, string>;
}

/**
 * Creates a Node.js function from its bundle (lambdas/build.ts zips `lambdas/<bundle>.ts` as
 * `index.js`) and waits until it is Active. An existing function of that name is reused
 * (a retried attempt). AWS_REGION is not set: Lambda reserves it and sets it itself (the
 * tutorial's scripts passed it; LocalStack tolerated that). The function is tagged
 * {@link RUN_TAG} = the run id at creation; `created` is true when it was created now or by an
 * earlier attempt of this run (it carries that tag), false when a pre-existing one was reused.
 */
export async function ensureFunction(
  lambda: LambdaClient,
  spec: FunctionSpec,
  ctx: StepContext,
): Promise<{ arn: string; created: boolean }> {
  let created = false;
  try {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: spec.name,
        Runtime: 'nodejs20.x',
        Handler: LAMBDA_HANDLER,
        Role: spec.roleArn,
        Code: { ZipFile: await buildLambdaZip(spec.bundle) },
        MemorySize: 256,
        Timeout: 10,
        Environment: { Variables: spec.environment },
        Tags: runTag(ctx.runId),
      }),
      { abortSignal: ctx.signal },
    );
    created = true;
  } catch (error) {
    if (!isAwsError(error, 'ResourceConflictException')) throw error;
    created = await functionCreatedByRun(lambda, spec.name, ctx);
  }
  const config = await waitFunctionActive(lambda, spec.name, ctx);
  return { arn: config.FunctionArn ?? '', created };
}

/** Whether the function exists and carries {@link RUN_TAG} = this run's id. */
export async function functionCreatedByRun(lambda: LambdaClient, name: string, ctx: StepContext): Promise<boolean> {
  try {
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: ctx.signal });
    return carriesRun(fn.Tags, ctx.runId);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function waitFunctionActive(lambda: LambdaClient, name: string, ctx: StepContext): Promise<FunctionConfiguration> {
  for (;;) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal: ctx.signal });
    if (config.State === 'Active' || config.State === undefined) return config;
    if (config.State === 'Failed') {
      throw new ExpectationFailedError(
        `function ${name} failed to become active: ${config.StateReason ?? config.StateReasonCode ?? 'no reason given'}`,
        {
          code: StepErrorCode.NOT_READY,
        },
      );
    }
    await ctx.clock.sleep(POLL_MS, ctx.signal);
  }
}

/** Lets API Gateway invoke the function for this API (AddPermission; an existing statement is fine). */
export async function allowApiGateway(
  lambda: LambdaClient,
  functionName: string,
  sourceArn: string,
  statementId: string,
  ctx: StepContext,
): Promise<void> {
  try {
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: functionName,
        StatementId: statementId,
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sourceArn,
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    if (!isAwsError(error, 'ResourceConflictException')) throw error;
  }
}

/**
 * The replication trigger: `create-event-source-mapping --starting-position LATEST` from the
 * table's stream to the function, reused if it exists. Resolves once the mapping is Enabled:
 * with LATEST, a write made before the poller starts would never be replicated. `created` is
 * true when this call created it (a mapping made by an earlier attempt counts as reused: it
 * carries no marker; it is deleted with the function when the function is the run's).
 */
export async function ensureStreamMapping(
  lambda: LambdaClient,
  functionName: string,
  streamArn: string,
  ctx: StepContext,
): Promise<{ uuid: string; created: boolean }> {
  const existing = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName, EventSourceArn: streamArn }), {
    abortSignal: ctx.signal,
  });
  let uuid = existing.EventSourceMappings?.find((m) => m.State !== 'Deleting')?.UUID;
  const created = !uuid;
  if (!uuid) {
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionName,
        EventSourceArn: streamArn,
        StartingPosition: 'LATEST',
        BatchSize: 100,
      }),
      { abortSignal: ctx.signal },
    );
    uuid = created.UUID ?? '';
  }
  for (;;) {
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }), { abortSignal: ctx.signal });
    if (mapping.State === 'Enabled') return { uuid, created };
    if (mapping.State === 'Disabled' || mapping.State === 'Deleting') {
      throw new ExpectationFailedError(`event source mapping ${uuid} is ${mapping.State}: ${mapping.StateTransitionReason ?? ''}`, {
        code: StepErrorCode.NOT_READY,
      });
    }
    await ctx.clock.sleep(POLL_MS, ctx.signal);
  }
}

/**
 * Deletes the function's event source mappings and waits until they are gone (a deleted mapping
 * lingers in state Deleting for a while, on AWS as in the emulator), then the function.
 * Anything already gone is fine.
 */
export async function deleteFunction(lambda: LambdaClient, functionName: string, ctx: StepContext): Promise<void> {
  let mappings: string[] = [];
  try {
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }), { abortSignal: ctx.signal });
    mappings = (listed.EventSourceMappings ?? []).map((m) => m.UUID ?? '').filter(Boolean);
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
  }
  await deleteStreamMappings(lambda, mappings, ctx);
  await ignoreNotFound(() => lambda.send(new DeleteFunctionCommand({ FunctionName: functionName }), { abortSignal: ctx.signal }));
}

/** Deletes event source mappings by UUID and waits until they are gone; gone already is fine. */
export async function deleteStreamMappings(lambda: LambdaClient, uuids: string[], ctx: StepContext): Promise<void> {
  for (const uuid of uuids) {
    try {
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }), { abortSignal: ctx.signal });
    } catch (error) {
      // NotFound: gone already; ResourceInUse: already Deleting.
      if (!isAwsError(error, 'ResourceNotFoundException', 'ResourceInUseException')) throw error;
    }
  }
  for (const uuid of uuids) await waitMappingGone(lambda, uuid, ctx);
}

async function waitMappingGone(lambda: LambdaClient, uuid: string, ctx: StepContext): Promise<void> {
  for (;;) {
    try {
      await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }), { abortSignal: ctx.signal });
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return;
      throw error;
    }
    await ctx.clock.sleep(POLL_MS, ctx.signal);
  }
}
