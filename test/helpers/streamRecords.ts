import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { dynamodbClient, dynamodbStreamsClient, type Endpoint } from './clients.ts';

/** Reading a DynamoDB stream's records through the real SDK clients (us-east-1 unless said). */

/** The table's LatestStreamArn. */
export async function latestStreamArn(at: Endpoint, tableName = 'Products'): Promise<string> {
  return (await dynamodbClient(at).send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn!;
}

/** The id of the stream's first (in the emulator: only) shard. */
export async function firstShardId(at: Endpoint, streamArn: string, region = 'us-east-1'): Promise<string> {
  const d = await dynamodbStreamsClient(at, region).send(new DescribeStreamCommand({ StreamArn: streamArn }));
  return d.StreamDescription!.Shards![0]!.ShardId!;
}

/** A shard iterator of `type` on the first shard. */
export async function shardIterator(at: Endpoint, streamArn: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string> {
  const it = await dynamodbStreamsClient(at).send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: await firstShardId(at, streamArn),
      ShardIteratorType: type,
      SequenceNumber: sequenceNumber,
    }),
  );
  return it.ShardIterator!;
}

/** Every record of a stream from TRIM_HORIZON (one GetRecords call: up to 1,000). */
export async function allRecords(at: Endpoint, streamArn: string): Promise<_Record[]> {
  const r = await dynamodbStreamsClient(at).send(
    new GetRecordsCommand({ ShardIterator: await shardIterator(at, streamArn, 'TRIM_HORIZON') }),
  );
  return r.Records ?? [];
}
