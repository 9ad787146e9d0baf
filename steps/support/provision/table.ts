import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { StepContext } from '../../../engine/types.ts';
import { ignoreNotFound, isAwsError } from '../awsErrors.ts';
import { ExpectationFailedError, StepErrorCode } from '../errors.ts';

/** Pause between DescribeTable polls while a table or its stream is being set up. */
const POLL_MS = 100;

/**
 * The tutorial's `Products` table: `id` (S) as HASH key, provisioned 5/5 as init-resources.sh
 * created it. With `stream`, NEW_AND_OLD_IMAGES is enabled (init-resources.sh did it with
 * update-table; an existing table without a stream gets it the same way). Idempotent: an
 * existing table is reused. Resolves once the table is ACTIVE.
 */
export async function ensureTable(dynamo: DynamoDBClient, tableName: string, stream: boolean, ctx: StepContext): Promise<TableDescription> {
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    if (!isAwsError(error, 'ResourceInUseException')) throw error;
  }
  let table = await waitActive(dynamo, tableName, ctx);
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
  return table;
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
