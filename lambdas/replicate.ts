/**
 * `dynamodb-streams-to-lambda`: replicates the primary `Products` table into
 * the standby region. Native rewrite of the tutorial's
 * `dynamodb_streams.DynamoDBStreamHandler` (Java), attached to the primary
 * table's stream (NEW_AND_OLD_IMAGES) by an event source mapping.
 *
 * Contract:
 * - records are applied in stream order, one at a time (order matters when a
 *   batch holds several changes to one key);
 * - INSERT / MODIFY → PutItem of `NewImage` into TABLE_NAME in TARGET_REGION,
 *   copied attribute for attribute. (The Java rebuilt the item from exactly
 *   name/price/description and NPE'd on anything else.)
 * - REMOVE → ignored, like the Java, unless REPLICATE_REMOVES=true, then
 *   DeleteItem by the record's `Keys`;
 * - returns `Successfully processed N records.` (N = records in the batch);
 * - any failed write throws a `ReplicationFailed` {@link LambdaError}, failing
 *   the invocation so the event source mapping retries the batch.
 *   Improvement: the Java logged and swallowed DynamoDB errors, silently
 *   losing the change in the standby region.
 *
 * Env: TARGET_REGION (required; the Java hard-coded eu-central-1),
 * TABLE_NAME (default `Products`), REPLICATE_REMOVES (default off).
 */
import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from './dynamoClient.ts';
import { requireEnv, tableName } from './env.ts';
import { describeError, LambdaError, LambdaErrorCode } from './errors.ts';
import type { DynamoDBStreamEvent, DynamoDBStreamRecord } from './types.ts';

export async function handler(event: DynamoDBStreamEvent): Promise<string> {
  const region = requireEnv('TARGET_REGION');
  const table = tableName();
  const replicateRemoves = process.env.REPLICATE_REMOVES === 'true';
  const client = dynamoClient(region);
  const records = event.Records ?? [];

  for (const record of records) {
    const write = toWrite(record, table, replicateRemoves);
    if (!write) continue;
    try {
      await write(client);
    } catch (error) {
      throw new LambdaError(
        LambdaErrorCode.ReplicationFailed,
        `replicating ${record.eventName} ${record.eventID} to ${table} in ${region} failed: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
  return `Successfully processed ${records.length} records.`;
}

/** The standby-side write for one record, or undefined when the record is not replicated. */
type StandbyWrite = (client: DynamoDBClient) => Promise<unknown>;

function toWrite(record: DynamoDBStreamRecord, table: string, replicateRemoves: boolean): StandbyWrite | undefined {
  switch (record.eventName) {
    case 'INSERT':
    case 'MODIFY': {
      const image = record.dynamodb.NewImage;
      if (!image) {
        // KEYS_ONLY / OLD_IMAGE streams carry no new image: nothing to copy, and skipping would lose data.
        throw new LambdaError(
          LambdaErrorCode.UnreplicableRecord,
          `${record.eventName} record ${record.eventID} has no NewImage (stream view ${record.dynamodb.StreamViewType}); ` +
            'the stream must use NEW_IMAGE or NEW_AND_OLD_IMAGES',
        );
      }
      return (client) => client.send(new PutItemCommand({ TableName: table, Item: image }));
    }
    case 'REMOVE':
      if (!replicateRemoves) return undefined;
      return (client) => client.send(new DeleteItemCommand({ TableName: table, Key: record.dynamodb.Keys }));
    default:
      return undefined;
  }
}
