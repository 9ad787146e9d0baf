import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateTableCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { StepContext } from '../../../engine/types.ts';
import { ignoreNotFound, isAwsError } from '../awsErrors.ts';
import { ExpectationFailedError, StepErrorCode } from '../errors.ts';
import { RUN_ID_TAG } from './marker.ts';

/** Pause between DescribeTable polls while a table or its stream is being set up. */
const POLL_MS = 100;

/**
 * The tutorial's `Products` table: `id` (S) as HASH key, provisioned 5/5 as init-resources.sh
 * created it. With `stream`, NEW_AND_OLD_IMAGES is enabled (init-resources.sh did it with
 * update-table; an existing table without a stream gets it the same way). Idempotent: an
 * existing table is reused. Resolves once the table is ACTIVE, with `created` true when this run
 * created the table: now, or in an earlier attempt (it carries {@link RUN_ID_TAG} = the run id).
 * The tag is passed to CreateTable (atomic on AWS) and set again with TagResource at once (the
 * emulator's DynamoDB ignores CreateTable's Tags), or once ACTIVE if the table is still CREATING;
 * on the emulator a crash between CreateTable and the tag leaves a table the rollback will not
 * recognise.
 */
export async function ensureTable(
  dynamo: DynamoDBClient,
  tableName: string,
  stream: boolean,
  ctx: StepContext,
): Promise<{ table: TableDescription; created: boolean }> {
  let createdNow = false;
  let tagged = false;
  try {
    const made = await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
        Tags: [{ Key: RUN_ID_TAG, Value: ctx.runId }],
      }),
      { abortSignal: ctx.signal },
    );
    createdNow = true;
    // Not aborted with ctx.signal: the marker is what lets a rollback after a crash find the table.
    tagged = await tagTable(dynamo, made.TableDescription?.TableArn ?? '', ctx).then(
      () => true,
      (error: unknown) => {
        if (isAwsError(error, 'ResourceInUseException')) return false; // still CREATING: tag once ACTIVE
        throw error;
      },
    );
  } catch (error) {
    if (!isAwsError(error, 'ResourceInUseException')) throw error;
  }
  let table = await waitActive(dynamo, tableName, ctx);
  let created = createdNow;
  if (createdNow) {
    if (!tagged) await tagTable(dynamo, table.TableArn ?? '', ctx);
  } else {
    created = await tableCarriesRun(dynamo, table.TableArn ?? '', ctx);
  }
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

/** Whether the table exists and carries {@link RUN_ID_TAG} = this run's id. */
export async function tableCreatedByRun(dynamo: DynamoDBClient, tableName: string, ctx: StepContext): Promise<boolean> {
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: ctx.signal });
    return await tableCarriesRun(dynamo, Table?.TableArn ?? '', ctx);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function tagTable(dynamo: DynamoDBClient, tableArn: string, ctx: StepContext): Promise<void> {
  await dynamo.send(new TagResourceCommand({ ResourceArn: tableArn, Tags: [{ Key: RUN_ID_TAG, Value: ctx.runId }] }));
}

async function tableCarriesRun(dynamo: DynamoDBClient, tableArn: string, ctx: StepContext): Promise<boolean> {
  const { Tags } = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn }), { abortSignal: ctx.signal });
  return (Tags ?? []).some((tag) => tag.Key === RUN_ID_TAG && tag.Value === ctx.runId);
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
