import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTagsOfResourceCommand,
  UpdateTableCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { StepContext } from '../../../engine/types.ts';
import { ignoreNotFound, isAwsError } from '../awsErrors.ts';
import { ExpectationFailedError, StepErrorCode } from '../errors.ts';
import { RUN_TAG, tagListCarriesRun } from './marker.ts';

/** Pause between DescribeTable polls while a table or its stream is being set up. */
const POLL_MS = 100;

/**
 * The tutorial's `Products` table: `id` (S) as HASH key, provisioned 5/5 as init-resources.sh
 * created it. With `stream`, NEW_AND_OLD_IMAGES is enabled (init-resources.sh did it with
 * update-table; an existing table without a stream gets it the same way). Idempotent: an
 * existing table is reused. Resolves once the table is ACTIVE, with `created` true when this run
 * created the table: now, or in an earlier attempt (it carries {@link RUN_TAG} = the run id).
 * The tag travels in CreateTable itself (atomic on AWS and in the emulator), so a run killed
 * right after sending CreateTable still leaves a table its rollback recognises.
 */
export async function ensureTable(
  dynamo: DynamoDBClient,
  tableName: string,
  stream: boolean,
  ctx: StepContext,
): Promise<{ table: TableDescription; created: boolean }> {
  let createdNow = false;
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
        Tags: [{ Key: RUN_TAG, Value: ctx.runId }],
      }),
      { abortSignal: ctx.signal },
    );
    createdNow = true;
  } catch (error) {
    if (!isAwsError(error, 'ResourceInUseException')) throw error;
  }
  let table = await waitActive(dynamo, tableName, ctx);
  const created = createdNow || (await tableCarriesRun(dynamo, table.TableArn ?? '', ctx));
  if (stream && !table.StreamSpecification?.StreamEnabled) {
    await dynamo.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
      { abortSignal: ctx.signal },
    );
    table = await waitActive(dynamo, tableName, ctx);
  }
  if (stream && !table.LatestStreamArn) {
    throw new ExpectationFailedError(`table ${tableName} has no stream after enabling it`, { code: StepErrorCode.NOT_READY });
  }
  return { table, created };
}

/** Whether the table exists and carries {@link RUN_TAG} = this run's id. */
export async function tableCreatedByRun(dynamo: DynamoDBClient, tableName: string, ctx: StepContext): Promise<boolean> {
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: ctx.signal });
    return await tableCarriesRun(dynamo, Table?.TableArn ?? '', ctx);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function tableCarriesRun(dynamo: DynamoDBClient, tableArn: string, ctx: StepContext): Promise<boolean> {
  const { Tags } = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn }), { abortSignal: ctx.signal });
  return tagListCarriesRun(Tags, ctx.runId);
}

async function waitActive(dynamo: DynamoDBClient, tableName: string, ctx: StepContext): Promise<TableDescription> {
  for (;;) {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: ctx.signal });
    if (Table?.TableStatus === 'ACTIVE') return Table;
    await ctx.clock.sleep(POLL_MS, ctx.signal);
  }
}

/** Deletes the table; a table already gone is fine. */
export async function deleteTable(dynamo: DynamoDBClient, tableName: string, ctx: StepContext): Promise<void> {
  try {
    await ignoreNotFound(() => dynamo.send(new DeleteTableCommand({ TableName: tableName }), { abortSignal: ctx.signal }));
  } catch (error) {
    // Still being created or updated by the crashed attempt: wait, then delete.
    if (!isAwsError(error, 'ResourceInUseException')) throw error;
    await waitActive(dynamo, tableName, ctx);
    await ignoreNotFound(() => dynamo.send(new DeleteTableCommand({ TableName: tableName }), { abortSignal: ctx.signal }));
  }
}
