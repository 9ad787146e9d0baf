import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { dynamodbClient, dynamodbStreamsClient } from '../test/helpers/clients.ts';
import { productsTable } from '../test/helpers/dynamodbTables.ts';

/**
 * DynamoDB throughput through the embedded emulator with the real SDK client: PutItem and
 * GetItem on a plain table, and PutItem on a table with a NEW_AND_OLD_IMAGES stream (the
 * capture costs a read-back per write, under the table's lock). Bounded count, fixed
 * concurrency, one keep-alive client.
 */

const REGION = 'us-east-1';
const COUNT = 3000;
const CONCURRENCY = 16;

export interface DynamoDbBenchResult {
  operation: string;
  count: number;
  concurrency: number;
  opsPerSecond: number;
}

export async function run(): Promise<void> {
  const results = await benchDynamoDb();
  console.log(`dynamodb throughput (${COUNT} calls per row, ${CONCURRENCY} concurrent, @aws-sdk/client-dynamodb)`);
  for (const r of results) console.log(`  ${r.operation.padEnd(44)} ${r.opsPerSecond.toFixed(0).padStart(7)} ops/s`);
}

export async function benchDynamoDb(count = COUNT, concurrency = CONCURRENCY): Promise<DynamoDbBenchResult[]> {
  const emu = await startEmulator({ timeScale: 100 });
  const client = dynamodbClient(emu, REGION);
  try {
    await createTable(client, 'Plain', false);
    await createTable(client, 'Streamed', true);
    const item = (table: string, i: number) => ({
      TableName: table,
      Item: { id: { S: `prod-${i}` }, name: { S: 'Super Widget' }, price: { N: '29.99' }, description: { S: 'A versatile widget.' } },
    });
    const results: DynamoDbBenchResult[] = [];
    const row = async (operation: string, call: (i: number) => Promise<unknown>) => {
      await measure(Math.min(300, count), concurrency, call); // warm-up: sockets, JIT
      results.push({ operation, count, concurrency, opsPerSecond: await measure(count, concurrency, call) });
    };
    await row('PutItem', (i) => client.send(new PutItemCommand(item('Plain', i))));
    await row('GetItem', (i) => client.send(new GetItemCommand({ TableName: 'Plain', Key: { id: { S: `prod-${i % count}` } } })));
    await row('PutItem, stream NEW_AND_OLD_IMAGES', (i) => client.send(new PutItemCommand(item('Streamed', i))));
    await checkStream(emu, client);
    return results;
  } finally {
    client.destroy();
    await emu.stop();
  }
}

/** Runs `count` calls, `concurrency` at a time; returns calls per second. */
async function measure(count: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function createTable(client: DynamoDBClient, name: string, stream: boolean): Promise<void> {
  await client.send(new CreateTableCommand(productsTable(name, { onDemand: true, stream: stream ? 'NEW_AND_OLD_IMAGES' : undefined })));
}

/** The streamed writes really produced records (a benchmark of a no-op proves nothing). */
async function checkStream(emu: Emulator, client: DynamoDBClient): Promise<void> {
  const streams = dynamodbStreamsClient(emu, REGION);
  try {
    const arn = (await client.send(new DescribeTableCommand({ TableName: 'Streamed' }))).Table!.LatestStreamArn!;
    const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0]!.ShardId!;
    const it = await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }));
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 1 }));
    if (page.Records?.[0]?.eventName !== 'INSERT') throw new Error('the streamed table produced no INSERT record');
  } finally {
    streams.destroy();
  }
}
