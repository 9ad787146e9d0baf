import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { ManualClock } from '../../emulator/clock.ts';
import type { DynamoDbApi } from '../../emulator/dynamodb/api.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';

/**
 * DynamoDB Streams: StreamSpecification on CreateTable/UpdateTable, the records captured around
 * each write (aws-emulation.md §3.2) and the Streams API a poller uses, all through the real
 * @aws-sdk/client-dynamodb and @aws-sdk/client-dynamodb-streams.
 */

type Ctx = { emu: Emulator; clock: ManualClock };
const test = suite<Ctx>('emulator/dynamodbStreams');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ddb = (ctx: Ctx, region = 'us-east-1') => new DynamoDBClient({ endpoint: ctx.emu.endpoint, region, credentials, maxAttempts: 1 });
const streams = (ctx: Ctx, region = 'us-east-1') =>
  new DynamoDBStreamsClient({ endpoint: ctx.emu.endpoint, region, credentials, maxAttempts: 1 });

type AwsError = Error & { $metadata: { httpStatusCode?: number } };
async function rejects(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (err) {
    return err as AwsError;
  }
  throw new Error('expected the call to fail');
}
function assertError(err: AwsError, name: string, status: number, message: string): void {
  assert.is(err.name, name);
  assert.is(err.$metadata.httpStatusCode, status);
  assert.is(err.message, message);
}

const START = Date.UTC(2026, 0, 1);
/** AWS's stream label: the enabling time as an ISO timestamp without its zone. */
const labelAt = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '');
const arnAt = (ms: number, tableName = 'Products') => `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/${labelAt(ms)}`;

async function streamArn(ctx: Ctx, tableName = 'Products'): Promise<string> {
  return (await ddb(ctx).send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn!;
}

const table = (name = 'Products', viewType?: StreamViewType): CreateTableCommandInput => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  ...(viewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } } : {}),
});

async function shardOf(ctx: Ctx, arn: string, region = 'us-east-1'): Promise<string> {
  const d = await streams(ctx, region).send(new DescribeStreamCommand({ StreamArn: arn }));
  return d.StreamDescription!.Shards![0]!.ShardId!;
}

async function iterator(ctx: Ctx, arn: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string> {
  const it = await streams(ctx).send(
    new GetShardIteratorCommand({ StreamArn: arn, ShardId: await shardOf(ctx, arn), ShardIteratorType: type, SequenceNumber: sequenceNumber }),
  );
  return it.ShardIterator!;
}

/** Every record of a stream from TRIM_HORIZON. */
async function allRecords(ctx: Ctx, arn: string): Promise<_Record[]> {
  const r = await streams(ctx).send(new GetRecordsCommand({ ShardIterator: await iterator(ctx, arn, 'TRIM_HORIZON') }));
  return r.Records ?? [];
}

const summary = (records: _Record[]) =>
  records.map((r) => ({ event: r.eventName, keys: r.dynamodb?.Keys, old: r.dynamodb?.OldImage, new: r.dynamodb?.NewImage }));

test.before(async (ctx) => {
  ctx.clock = new ManualClock(START);
  ctx.emu = await startEmulator({ clock: ctx.clock });
});
test.after(async (ctx) => {
  await ctx.emu.stop();
});
test.before.each(async (ctx) => {
  await ctx.emu.reset();
});

test('CreateTable with a StreamSpecification: the stream fields in CreateTable and DescribeTable', async (ctx) => {
  const now = ctx.clock.now();
  const ARN = arnAt(now);
  const LABEL = labelAt(now);
  const created = await ddb(ctx).send(new CreateTableCommand(table('Products', 'NEW_IMAGE')));
  assert.equal(created.TableDescription?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  assert.is(created.TableDescription?.LatestStreamArn, ARN);
  assert.is(created.TableDescription?.LatestStreamLabel, LABEL);
  const described = await ddb(ctx).send(new DescribeTableCommand({ TableName: 'Products' }));
  assert.equal(described.Table?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  assert.is(described.Table?.LatestStreamArn, ARN);
  assert.is(described.Table?.TableName, 'Products');

  const d = await streams(ctx).send(new DescribeStreamCommand({ StreamArn: ARN }));
  const s = d.StreamDescription!;
  assert.is(s.StreamArn, ARN);
  assert.is(s.StreamLabel, LABEL);
  assert.is(s.StreamStatus, 'ENABLED');
  assert.is(s.StreamViewType, 'NEW_IMAGE');
  assert.is(s.TableName, 'Products');
  assert.equal(s.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
  assert.is(s.CreationRequestDateTime?.getTime(), now);
  assert.is(s.Shards?.length, 1);
  assert.match(s.Shards![0]!.ShardId!, /^shardId-\d{20}-[0-9a-f]{8}$/);
  assert.match(s.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!, /^\d{21}$/);
});

test('StreamSpecification validation on CreateTable, with AWS\'s messages', async (ctx) => {
  const client = ddb(ctx);
  assertError(
    await rejects(client.send(new CreateTableCommand({ ...table(), StreamSpecification: { StreamEnabled: true } }))),
    'ValidationException',
    400,
    'One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required',
  );
  assertError(
    await rejects(client.send(new CreateTableCommand({ ...table(), StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' } }))),
    'ValidationException',
    400,
    'One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified',
  );
  assertError(
    await rejects(
      client.send(new CreateTableCommand({ ...table(), StreamSpecification: { StreamEnabled: true, StreamViewType: 'EVERYTHING' as StreamViewType } })),
    ),
    'ValidationException',
    400,
    "1 validation error detected: Value 'EVERYTHING' at 'streamSpecification.streamViewType' failed to satisfy constraint: " +
      'Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]',
  );
  assert.equal((await client.send(new DescribeTableCommand({ TableName: 'Products' })).catch((e: Error) => e.name)), 'ResourceNotFoundException');
  // A disabled stream on creation is no stream at all.
  const created = await client.send(new CreateTableCommand({ ...table(), StreamSpecification: { StreamEnabled: false } }));
  assert.is(created.TableDescription?.LatestStreamArn, undefined);
  assert.is(created.TableDescription?.StreamSpecification, undefined);
});

test('UpdateTable enables and disables a stream; a disabled stream leaves LatestStreamArn behind', async (ctx) => {
  const client = ddb(ctx);
  await client.send(new CreateTableCommand(table()));
  assertError(
    await rejects(client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: false } }))),
    'ValidationException',
    400,
    'Table has no stream to disable: TableName: Products',
  );
  assertError(
    await rejects(client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: true } }))),
    'ValidationException',
    400,
    'One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required',
  );
  const now = ctx.clock.now();
  const ARN = arnAt(now);
  const enabled = await client.send(
    new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
  );
  assert.equal(enabled.TableDescription?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  assert.is(enabled.TableDescription?.LatestStreamArn, ARN);
  assertError(
    await rejects(client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }))),
    'ValidationException',
    400,
    'Table already has an enabled stream: TableName: Products',
  );
  assertError(
    await rejects(client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' } }))),
    'ValidationException',
    400,
    'One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified',
  );
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'before-disable' } } }));

  const disabled = await client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: false } }));
  assert.is(disabled.TableDescription?.StreamSpecification, undefined);
  assert.is(disabled.TableDescription?.LatestStreamArn, ARN);
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'after-disable' } } }));
  const d = (await streams(ctx).send(new DescribeStreamCommand({ StreamArn: ARN }))).StreamDescription!;
  assert.is(d.StreamStatus, 'DISABLED');
  assert.is(d.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber, (await allRecords(ctx, await streamArn(ctx)))[0]!.dynamodb!.SequenceNumber);
  // Disabling stops capture; the records made before stay readable, and the closed shard ends.
  const read = await streams(ctx).send(new GetRecordsCommand({ ShardIterator: await iterator(ctx, ARN, 'TRIM_HORIZON') }));
  assert.equal(summary(read.Records!), [{ event: 'INSERT', keys: { id: { S: 'before-disable' } }, old: undefined, new: { id: { S: 'before-disable' } } }]);
  assert.is(read.NextShardIterator, undefined);

  // Re-enabling makes a new stream with a new ARN.
  await ctx.clock.advance(1500);
  const again = await client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
  assert.is(again.TableDescription?.LatestStreamArn, arnAt(now + 1500));
  const listed = await streams(ctx).send(new ListStreamsCommand({ TableName: 'Products' }));
  assert.equal(listed.Streams?.map((s) => s.StreamLabel), [labelAt(now), labelAt(now + 1500)]);
});

test('UpdateTable with a stream on a missing table, and with other changes at once', async (ctx) => {
  const client = ddb(ctx);
  assertError(
    await rejects(client.send(new UpdateTableCommand({ TableName: 'Nope', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }))),
    'ResourceNotFoundException',
    400,
    'Requested resource not found: Table: Nope not found',
  );
  await client.send(new CreateTableCommand(table()));
  const both = await client.send(
    new UpdateTableCommand({ TableName: 'Products', BillingMode: 'PAY_PER_REQUEST', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
  );
  assert.is(both.TableDescription?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(both.TableDescription?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
});

const VIEW_TYPES: StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];
for (const viewType of VIEW_TYPES) {
  test(`INSERT, MODIFY and REMOVE records carry the images ${viewType} asks for`, async (ctx) => {
    const client = ddb(ctx);
    await client.send(new CreateTableCommand(table('Products', viewType)));
    const v1 = { id: { S: 'p1' }, price: { N: '29.99' } };
    const v2 = { id: { S: 'p1' }, price: { N: '19.99' } };
    await client.send(new PutItemCommand({ TableName: 'Products', Item: v1 }));
    await client.send(new PutItemCommand({ TableName: 'Products', Item: v2 }));
    await client.send(new DeleteItemCommand({ TableName: 'Products', Key: { id: { S: 'p1' } } }));
    const wantsNew = viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const wantsOld = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const records = await allRecords(ctx, await streamArn(ctx));
    assert.equal(summary(records), [
      { event: 'INSERT', keys: { id: { S: 'p1' } }, old: undefined, new: wantsNew ? v1 : undefined },
      { event: 'MODIFY', keys: { id: { S: 'p1' } }, old: wantsOld ? v1 : undefined, new: wantsNew ? v2 : undefined },
      { event: 'REMOVE', keys: { id: { S: 'p1' } }, old: wantsOld ? v2 : undefined, new: undefined },
    ]);
    for (const r of records) {
      assert.is(r.eventVersion, '1.1');
      assert.is(r.eventSource, 'aws:dynamodb');
      assert.is(r.awsRegion, 'us-east-1');
      assert.match(r.eventID!, /^[0-9a-f]{32}$/);
      assert.is(r.dynamodb?.StreamViewType, viewType);
      assert.ok(r.dynamodb!.SizeBytes! > 0);
    }
  });
}

test('record fields: increasing numeric SequenceNumbers, ApproximateCreationDateTime from the emulator clock, SizeBytes', async (ctx) => {
  const client = ddb(ctx);
  await client.send(new CreateTableCommand(table('Products', 'NEW_IMAGE')));
  const t0 = ctx.clock.now();
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'test' } } }));
  await ctx.clock.advance(90_000);
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'two' } } }));
  const [a, b] = await allRecords(ctx, await streamArn(ctx));
  // Epoch seconds, as AWS sends them.
  assert.is(a!.dynamodb!.ApproximateCreationDateTime!.getTime(), Math.floor(t0 / 1000) * 1000);
  assert.is(b!.dynamodb!.ApproximateCreationDateTime!.getTime(), Math.floor((t0 + 90_000) / 1000) * 1000);
  assert.match(a!.dynamodb!.SequenceNumber!, /^\d{21}$/);
  assert.ok(BigInt(b!.dynamodb!.SequenceNumber!) > BigInt(a!.dynamodb!.SequenceNumber!));
  // The AWS-validated LocalStack snapshot: Keys {id:"test"} + NewImage {id:"test"} is 12 bytes.
  assert.is(a!.dynamodb!.SizeBytes, 12);
});

test('no record for an unchanged put, a delete of a missing item, a no-op update or a failed condition', async (ctx) => {
  const client = ddb(ctx);
  await client.send(new CreateTableCommand(table('Products', 'NEW_AND_OLD_IMAGES')));
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' }, price: { N: '29.990' }, tags: { SS: ['a', 'b'] } } }));
  // Same item: numbers compare as stored (29.990 is 29.99) and sets in any order.
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' }, price: { N: '29.99' }, tags: { SS: ['b', 'a'] } } }));
  await client.send(new DeleteItemCommand({ TableName: 'Products', Key: { id: { S: 'missing' } } }));
  await client.send(
    new UpdateItemCommand({
      TableName: 'Products',
      Key: { id: { S: 'p' } },
      UpdateExpression: 'SET price = :p',
      ExpressionAttributeValues: { ':p': { N: '29.99' } },
    }),
  );
  await rejects(client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' } }, ConditionExpression: 'attribute_not_exists(id)' })));
  const records = await allRecords(ctx, await streamArn(ctx));
  assert.equal(records.map((r) => r.eventName), ['INSERT']);
  assert.equal(records[0]!.dynamodb!.NewImage, { id: { S: 'p' }, price: { N: '29.99' }, tags: { SS: ['a', 'b'] } });
});

test('UpdateItem records INSERT for an upsert and MODIFY with both images', async (ctx) => {
  const client = ddb(ctx);
  await client.send(new CreateTableCommand(table('Products', 'NEW_AND_OLD_IMAGES')));
  const update = (value: string) =>
    client.send(
      new UpdateItemCommand({
        TableName: 'Products',
        Key: { id: { S: 'p' } },
        UpdateExpression: 'SET #n = :n ADD hits :one',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: value }, ':one': { N: '1' } },
      }),
    );
  await update('first');
  await update('second');
  assert.equal(summary(await allRecords(ctx, await streamArn(ctx))), [
    { event: 'INSERT', keys: { id: { S: 'p' } }, old: undefined, new: { id: { S: 'p' }, name: { S: 'first' }, hits: { N: '1' } } },
    {
      event: 'MODIFY',
      keys: { id: { S: 'p' } },
      old: { id: { S: 'p' }, name: { S: 'first' }, hits: { N: '1' } },
      new: { id: { S: 'p' }, name: { S: 'second' }, hits: { N: '2' } },
    },
  ]);
});

test('BatchWriteItem records each put and delete on streamed tables only', async (ctx) => {
  const client = ddb(ctx);
  await client.send(new CreateTableCommand(table('Products', 'NEW_AND_OLD_IMAGES')));
  await client.send(new CreateTableCommand(table('Plain')));
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'old' }, v: { N: '1' } } }));
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'same' } } }));
  const result = await client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        Products: [
          { PutRequest: { Item: { id: { S: 'new' } } } },
          { PutRequest: { Item: { id: { S: 'old' }, v: { N: '2' } } } },
          { PutRequest: { Item: { id: { S: 'same' } } } },
          { DeleteRequest: { Key: { id: { S: 'missing' } } } },
        ],
        Plain: [{ PutRequest: { Item: { id: { S: 'x' } } } }],
      },
    }),
  );
  assert.equal(result.UnprocessedItems, {});
  await client.send(new BatchWriteItemCommand({ RequestItems: { Products: [{ DeleteRequest: { Key: { id: { S: 'new' } } } }] } }));
  assert.equal(summary((await allRecords(ctx, await streamArn(ctx))).slice(2)), [
    { event: 'INSERT', keys: { id: { S: 'new' } }, old: undefined, new: { id: { S: 'new' } } },
    { event: 'MODIFY', keys: { id: { S: 'old' } }, old: { id: { S: 'old' }, v: { N: '1' } }, new: { id: { S: 'old' }, v: { N: '2' } } },
    { event: 'REMOVE', keys: { id: { S: 'new' } }, old: { id: { S: 'new' } }, new: undefined },
  ]);
  assert.equal((await streams(ctx).send(new ListStreamsCommand({}))).Streams?.map((s) => s.TableName), ['Products']);
});

test("the caller's ReturnValues are honoured exactly on a streamed table", async (ctx) => {
  const client = ddb(ctx);
  for (const name of ['Products', 'Plain']) {
    await client.send(new CreateTableCommand(table(name, name === 'Products' ? 'KEYS_ONLY' : undefined)));
  }
  const run = async (name: string) => {
    const out: unknown[] = [];
    const strip = (r: { Attributes?: Record<string, AttributeValue> }) => ('Attributes' in r ? { Attributes: r.Attributes } : {});
    out.push(strip(await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' }, v: { N: '1' } } }))));
    out.push(strip(await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' }, v: { N: '2' } }, ReturnValues: 'NONE' }))));
    out.push(strip(await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' }, v: { N: '3' } }, ReturnValues: 'ALL_OLD' }))));
    for (const rv of ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const) {
      out.push(
        strip(
          await client.send(
            new UpdateItemCommand({ TableName: name, Key: { id: { S: 'p' } }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: rv }),
          ),
        ),
      );
    }
    out.push(strip(await client.send(new DeleteItemCommand({ TableName: name, Key: { id: { S: 'p' } } }))));
    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' } } }));
    out.push(strip(await client.send(new DeleteItemCommand({ TableName: name, Key: { id: { S: 'p' } }, ReturnValues: 'ALL_OLD' }))));
    out.push((await rejects(client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' } }, ReturnValues: 'ALL_NEW' })))).message);
    // dynalite takes ALL_NEW on DeleteItem (AWS would not); either way the REMOVE is recorded.
    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'q' } } }));
    out.push(strip(await client.send(new DeleteItemCommand({ TableName: name, Key: { id: { S: 'q' } }, ReturnValues: 'ALL_NEW' }))));
    return out;
  };
  const streamed = await run('Products');
  assert.equal(streamed, await run('Plain'));
  assert.equal(streamed, [
    {},
    {},
    { Attributes: { id: { S: 'p' }, v: { N: '2' } } },
    {},
    { Attributes: { id: { S: 'p' }, v: { N: '4' } } },
    { Attributes: { v: { N: '5' } } },
    { Attributes: { id: { S: 'p' }, v: { N: '7' } } },
    { Attributes: { v: { N: '8' } } },
    {},
    { Attributes: { id: { S: 'p' } } },
    'ReturnValues can only be ALL_OLD or NONE',
    {},
  ]);
  const records = await allRecords(ctx, await streamArn(ctx));
  assert.is(records.length, 13);
  assert.equal(records.slice(-2).map((r) => [r.eventName, r.dynamodb?.Keys?.id?.S]), [['INSERT', 'q'], ['REMOVE', 'q']]);
});

test('shard iterators: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, Limit and NextShardIterator', async (ctx) => {
  const client = ddb(ctx);
  const s = streams(ctx);
  await client.send(new CreateTableCommand(table('Products', 'KEYS_ONLY')));
  const ARN = await streamArn(ctx);
  for (const id of ['a', 'b', 'c']) await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: id } } }));
  const latest = await iterator(ctx, ARN, 'LATEST');
  const all = await allRecords(ctx, await streamArn(ctx));
  const ids = (records: _Record[] | undefined) => (records ?? []).map((r) => r.dynamodb?.Keys?.id?.S);
  assert.equal(ids(all), ['a', 'b', 'c']);
  const seqB = all[1]!.dynamodb!.SequenceNumber!;
  assert.equal(ids((await s.send(new GetRecordsCommand({ ShardIterator: await iterator(ctx, ARN, 'AT_SEQUENCE_NUMBER', seqB) }))).Records), ['b', 'c']);
  assert.equal(ids((await s.send(new GetRecordsCommand({ ShardIterator: await iterator(ctx, ARN, 'AFTER_SEQUENCE_NUMBER', seqB) }))).Records), ['c']);

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
  const client = ddb(ctx);
  const s = streams(ctx);
  await client.send(new CreateTableCommand(table('Products', 'NEW_IMAGE')));
  const tableArn = (await client.send(new DescribeTableCommand({ TableName: 'Products' }))).Table!.LatestStreamArn!;
  let next = await iterator(ctx, tableArn, 'LATEST');
  const seen: string[] = [];
  let wakeups = 0;
  const unsubscribe = ctx.emu.api<DynamoDbApi>('dynamodb').onRecords((e) => {
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
  assert.equal(seen, Array.from({ length: 40 }, (_, i) => `item-${i}`));
  assert.is(wakeups, 40);
});

test('concurrent writes to one item are serialised: each record\'s old image is the previous new image', async (ctx) => {
  const client = ddb(ctx);
  await client.send(new CreateTableCommand(table('Products', 'NEW_AND_OLD_IMAGES')));
  await Promise.all(
    Array.from({ length: 30 }, () =>
      client.send(
        new UpdateItemCommand({ TableName: 'Products', Key: { id: { S: 'counter' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
      ),
    ),
  );
  const records = await allRecords(ctx, await streamArn(ctx));
  assert.is(records.length, 30);
  records.forEach((r, i) => {
    assert.is(r.dynamodb!.NewImage!.n!.N, String(i + 1));
    assert.is(r.dynamodb!.OldImage?.n?.N, i === 0 ? undefined : String(i));
  });
});

test('a stream keeps its last 10,000 records; TRIM_HORIZON starts at the oldest kept', async (ctx) => {
  await ddb(ctx).send(new CreateTableCommand(table('Products', 'KEYS_ONLY')));
  const arn = await streamArn(ctx);
  const api = ctx.emu.api<DynamoDbApi>('dynamodb');
  const stream = api.streams.find('us-east-1', arn)!;
  // 10,005 writes through the SDK would take seconds; the store is fed directly instead.
  for (let i = 0; i < 10_005; i++) api.streams.append(stream, { newImage: { id: { S: `item-${i}` } } }, ctx.clock.now());
  assert.is(api.records('us-east-1', arn).length, 10_000);
  const first = await allRecords(ctx, arn);
  assert.is(first.length, 1000);
  assert.is(first[0]!.dynamodb!.Keys!.id!.S, 'item-5');
});

test('Streams API errors: unknown or malformed stream, wrong shard, bad iterator, expired iterator, bad Limit', async (ctx) => {
  const s = streams(ctx);
  await ddb(ctx).send(new CreateTableCommand(table('Products', 'KEYS_ONLY')));
  const ARN = await streamArn(ctx);
  const missing = 'arn:aws:dynamodb:us-east-1:000000000000:table/Other/stream/2026-01-01T00:00:00.000';
  assertError(await rejects(s.send(new DescribeStreamCommand({ StreamArn: missing }))), 'ResourceNotFoundException', 400, `Requested resource not found: Stream: ${missing} not found`);
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
    await rejects(s.send(new GetShardIteratorCommand({ StreamArn: ARN, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' }))),
    'ResourceNotFoundException',
    400,
    'Requested resource not found: Shard does not exist',
  );
  assertError(
    await rejects(s.send(new GetShardIteratorCommand({ StreamArn: ARN, ShardId: await shardOf(ctx, ARN), ShardIteratorType: 'AT_SEQUENCE_NUMBER' }))),
    'ValidationException',
    400,
    'SequenceNumber is required for ShardIteratorType AT_SEQUENCE_NUMBER',
  );
  assertError(await rejects(s.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' }))), 'ValidationException', 400, 'Invalid ShardIterator');
  const it = await iterator(ctx, ARN, 'TRIM_HORIZON');
  assertError(
    await rejects(s.send(new GetRecordsCommand({ ShardIterator: it, Limit: 0 }))),
    'ValidationException',
    400,
    "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
  );
  await ctx.clock.advance(14 * 60_000);
  await s.send(new GetRecordsCommand({ ShardIterator: it }));
  await ctx.clock.advance(2 * 60_000);
  assertError(await rejects(s.send(new GetRecordsCommand({ ShardIterator: it }))), 'ExpiredIteratorException', 400, 'The provided iterator exceeds the maximum age allowed.');
});

test('ListStreams: all, by table, paginated; streams stay in their region; DeleteTable drops them', async (ctx) => {
  const east = ddb(ctx);
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    await east.send(new CreateTableCommand(table(name, 'KEYS_ONLY')));
    await ctx.clock.advance(1);
  }
  const s = streams(ctx);
  const all = await s.send(new ListStreamsCommand({}));
  assert.equal(all.Streams?.map((x) => x.TableName), ['Alpha', 'Beta', 'Gamma']);
  assert.is(all.LastEvaluatedStreamArn, undefined);
  const page1 = await s.send(new ListStreamsCommand({ Limit: 2 }));
  assert.equal(page1.Streams?.map((x) => x.TableName), ['Alpha', 'Beta']);
  const page2 = await s.send(new ListStreamsCommand({ Limit: 2, ExclusiveStartStreamArn: page1.LastEvaluatedStreamArn }));
  assert.equal(page2.Streams?.map((x) => x.TableName), ['Gamma']);
  assert.equal((await s.send(new ListStreamsCommand({ TableName: 'Beta' }))).Streams?.map((x) => x.TableName), ['Beta']);
  assert.equal((await streams(ctx, 'eu-central-1').send(new ListStreamsCommand({}))).Streams, []);
  const betaArn = all.Streams![1]!.StreamArn!;
  assertError(
    await rejects(streams(ctx, 'eu-central-1').send(new DescribeStreamCommand({ StreamArn: betaArn }))),
    'ResourceNotFoundException',
    400,
    `Requested resource not found: Stream: ${betaArn} not found`,
  );

  await east.send(new DeleteTableCommand({ TableName: 'Beta' }));
  assert.equal((await s.send(new ListStreamsCommand({}))).Streams?.map((x) => x.TableName), ['Alpha', 'Gamma']);
  assertError(await rejects(s.send(new DescribeStreamCommand({ StreamArn: betaArn }))), 'ResourceNotFoundException', 400, `Requested resource not found: Stream: ${betaArn} not found`);
  await east.send(new CreateTableCommand(table('Beta')));
  assert.is((await east.send(new DescribeTableCommand({ TableName: 'Beta' }))).Table?.LatestStreamArn, undefined);
});

test.run();
