import * as assert from 'uvu/assert';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { dynamodbClient, dynamodbStreamsClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { allRecords, firstShardId, latestStreamArn, shardIterator } from '../helpers/streamRecords.ts';

/**
 * DynamoDB Streams, reading: the Streams API a poller uses (DescribeStream, GetShardIterator of
 * every type, GetRecords with Limit and NextShardIterator), a stream's retention, its errors and
 * ListStreams across tables and regions, through the real @aws-sdk/client-dynamodb-streams.
 * What each write records is in dynamodbStreams.test.ts.
 */

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const test = emulatorSuite('emulator/dynamodbStreams api', { emulator: { clock }, context: { clock } });

test('shard iterators: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, Limit and NextShardIterator', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  const s = dynamodbStreamsClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'KEYS_ONLY' })));
  const ARN = await latestStreamArn(ctx.emu);
  for (const id of ['a', 'b', 'c']) await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: id } } }));
  const latest = await shardIterator(ctx.emu, ARN, 'LATEST');
  const all = await allRecords(ctx.emu, await latestStreamArn(ctx.emu));
  const ids = (records: _Record[] | undefined) => (records ?? []).map((r) => r.dynamodb?.Keys?.id?.S);
  assert.equal(ids(all), ['a', 'b', 'c']);
  const seqB = all[1]!.dynamodb!.SequenceNumber!;
  assert.equal(
    ids((await s.send(new GetRecordsCommand({ ShardIterator: await shardIterator(ctx.emu, ARN, 'AT_SEQUENCE_NUMBER', seqB) }))).Records),
    ['b', 'c'],
  );
  assert.equal(
    ids((await s.send(new GetRecordsCommand({ ShardIterator: await shardIterator(ctx.emu, ARN, 'AFTER_SEQUENCE_NUMBER', seqB) }))).Records),
    ['c'],
  );

  // An empty poll still hands back an iterator, and LATEST misses nothing written after it.
  const empty = await s.send(new GetRecordsCommand({ ShardIterator: latest }));
  assert.equal(empty.Records, []);
  assert.ok(empty.NextShardIterator);
  for (const id of ['d', 'e', 'f']) await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: id } } }));
  const page1 = await s.send(new GetRecordsCommand({ ShardIterator: empty.NextShardIterator, Limit: 2 }));
  assert.equal(ids(page1.Records), ['d', 'e']);
  const page2 = await s.send(new GetRecordsCommand({ ShardIterator: page1.NextShardIterator, Limit: 2 }));
  assert.equal(ids(page2.Records), ['f']);
  const page3 = await s.send(new GetRecordsCommand({ ShardIterator: page2.NextShardIterator }));
  assert.equal(page3.Records, []);
  // The old iterator is still a position, not a cursor that moved.
  assert.equal(ids((await s.send(new GetRecordsCommand({ ShardIterator: latest }))).Records), ['d', 'e', 'f']);
});

test('a poller loop (DescribeStream → GetShardIterator LATEST → GetRecords) sees every write once, in order', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  const s = dynamodbStreamsClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_IMAGE' })));
  const tableArn = (await client.send(new DescribeTableCommand({ TableName: 'Products' }))).Table!.LatestStreamArn!;
  let next = await shardIterator(ctx.emu, tableArn, 'LATEST');
  const seen: string[] = [];
  let wakeups = 0;
  const unsubscribe = ctx.emu.api('dynamodb').onRecords((e) => {
    if (e.streamArn === tableArn) wakeups += e.count;
  });
  const writes = (async () => {
    for (let i = 0; i < 40; i++) await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: `item-${i}` } } }));
  })();
  let writesDone = false;
  void writes.then(() => (writesDone = true));
  for (;;) {
    const page = await s.send(new GetRecordsCommand({ ShardIterator: next, Limit: 7 }));
    seen.push(...(page.Records ?? []).map((r) => r.dynamodb!.NewImage!.id!.S!));
    next = page.NextShardIterator!;
    if (writesDone && (page.Records ?? []).length === 0) break;
  }
  unsubscribe();
  assert.equal(
    seen,
    Array.from({ length: 40 }, (_, i) => `item-${i}`),
  );
  assert.is(wakeups, 40);
});

test('a stream keeps its last 10,000 records; TRIM_HORIZON starts at the oldest kept', async (ctx) => {
  await dynamodbClient(ctx.emu).send(new CreateTableCommand(productsTable('Products', { stream: 'KEYS_ONLY' })));
  const arn = await latestStreamArn(ctx.emu);
  const api = ctx.emu.api('dynamodb');
  const stream = api.streams.find('us-east-1', arn)!;
  // 10,005 writes through the SDK would take seconds; the store is fed directly instead.
  for (let i = 0; i < 10_005; i++) api.streams.append(stream, { newImage: { id: { S: `item-${i}` } } }, ctx.clock.now());
  assert.is(api.records('us-east-1', arn).length, 10_000);
  const first = await allRecords(ctx.emu, arn);
  assert.is(first.length, 1000);
  assert.is(first[0]!.dynamodb!.Keys!.id!.S, 'item-5');
});

test('Streams API errors: unknown or malformed stream, wrong shard, bad iterator, expired iterator, bad Limit', async (ctx) => {
  const s = dynamodbStreamsClient(ctx.emu);
  await dynamodbClient(ctx.emu).send(new CreateTableCommand(productsTable('Products', { stream: 'KEYS_ONLY' })));
  const ARN = await latestStreamArn(ctx.emu);
  const missing = 'arn:aws:dynamodb:us-east-1:000000000000:table/Other/stream/2026-01-01T00:00:00.000';
  assertError(
    await rejects(s.send(new DescribeStreamCommand({ StreamArn: missing }))),
    'ResourceNotFoundException',
    400,
    `Requested resource not found: Stream: ${missing} not found`,
  );
  assertError(
    await rejects(s.send(new DescribeStreamCommand({ StreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Products' }))),
    'ValidationException',
    400,
    'Invalid StreamArn',
  );
  assertError(
    await rejects(s.send(new DescribeStreamCommand({ StreamArn: 'fake-stream' }))),
    'ValidationException',
    400,
    "1 validation error detected: Value 'fake-stream' at 'streamArn' failed to satisfy constraint: Member must have length greater than or equal to 37",
  );
  assertError(
    await rejects(
      s.send(
        new GetShardIteratorCommand({ StreamArn: ARN, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' }),
      ),
    ),
    'ResourceNotFoundException',
    400,
    'Requested resource not found: Shard does not exist',
  );
  assertError(
    await rejects(
      s.send(
        new GetShardIteratorCommand({ StreamArn: ARN, ShardId: await firstShardId(ctx.emu, ARN), ShardIteratorType: 'AT_SEQUENCE_NUMBER' }),
      ),
    ),
    'ValidationException',
    400,
    'SequenceNumber is required for ShardIteratorType AT_SEQUENCE_NUMBER',
  );
  assertError(
    await rejects(s.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' }))),
    'ValidationException',
    400,
    'Invalid ShardIterator',
  );
  const it = await shardIterator(ctx.emu, ARN, 'TRIM_HORIZON');
  assertError(
    await rejects(s.send(new GetRecordsCommand({ ShardIterator: it, Limit: 0 }))),
    'ValidationException',
    400,
    "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
  );
  await ctx.clock.advance(14 * 60_000);
  await s.send(new GetRecordsCommand({ ShardIterator: it }));
  await ctx.clock.advance(2 * 60_000);
  assertError(
    await rejects(s.send(new GetRecordsCommand({ ShardIterator: it }))),
    'ExpiredIteratorException',
    400,
    'The provided iterator exceeds the maximum age allowed.',
  );
});

test('ListStreams: all, by table, paginated; streams stay in their region; DeleteTable drops them', async (ctx) => {
  const east = dynamodbClient(ctx.emu);
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    await east.send(new CreateTableCommand(productsTable(name, { stream: 'KEYS_ONLY' })));
    await ctx.clock.advance(1);
  }
  const s = dynamodbStreamsClient(ctx.emu);
  const all = await s.send(new ListStreamsCommand({}));
  assert.equal(
    all.Streams?.map((x) => x.TableName),
    ['Alpha', 'Beta', 'Gamma'],
  );
  assert.is(all.LastEvaluatedStreamArn, undefined);
  const page1 = await s.send(new ListStreamsCommand({ Limit: 2 }));
  assert.equal(
    page1.Streams?.map((x) => x.TableName),
    ['Alpha', 'Beta'],
  );
  const page2 = await s.send(new ListStreamsCommand({ Limit: 2, ExclusiveStartStreamArn: page1.LastEvaluatedStreamArn }));
  assert.equal(
    page2.Streams?.map((x) => x.TableName),
    ['Gamma'],
  );
  assert.equal(
    (await s.send(new ListStreamsCommand({ TableName: 'Beta' }))).Streams?.map((x) => x.TableName),
    ['Beta'],
  );
  assert.equal((await dynamodbStreamsClient(ctx.emu, 'eu-central-1').send(new ListStreamsCommand({}))).Streams, []);
  const betaArn = all.Streams![1]!.StreamArn!;
  assertError(
    await rejects(dynamodbStreamsClient(ctx.emu, 'eu-central-1').send(new DescribeStreamCommand({ StreamArn: betaArn }))),
    'ResourceNotFoundException',
    400,
    `Requested resource not found: Stream: ${betaArn} not found`,
  );

  await east.send(new DeleteTableCommand({ TableName: 'Beta' }));
  assert.equal(
    (await s.send(new ListStreamsCommand({}))).Streams?.map((x) => x.TableName),
    ['Alpha', 'Gamma'],
  );
  assertError(
    await rejects(s.send(new DescribeStreamCommand({ StreamArn: betaArn }))),
    'ResourceNotFoundException',
    400,
    `Requested resource not found: Stream: ${betaArn} not found`,
  );
  await east.send(new CreateTableCommand(productsTable('Beta')));
  assert.is((await east.send(new DescribeTableCommand({ TableName: 'Beta' }))).Table?.LatestStreamArn, undefined);
});

test.run();
