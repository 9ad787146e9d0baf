import * as assert from 'uvu/assert';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, ListStreamsCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { dynamodbClient, dynamodbStreamsClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { allRecords, latestStreamArn, shardIterator } from '../helpers/streamRecords.ts';

/**
 * DynamoDB Streams, capture: StreamSpecification on CreateTable/UpdateTable and the records
 * captured around each write (docs/fidelity/dynamodb.md, "How records are captured"), all through
 * the real @aws-sdk/client-dynamodb and @aws-sdk/client-dynamodb-streams. Reading a stream
 * (iterators, polling, retention, errors, ListStreams) is in dynamodbStreamsApi.test.ts.
 */

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const test = emulatorSuite('emulator/dynamodbStreams', { emulator: { clock }, context: { clock } });

/** AWS's stream label: the enabling time as an ISO timestamp without its zone. */
const labelAt = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '');
const arnAt = (ms: number, tableName = 'Products') => `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/${labelAt(ms)}`;

const summary = (records: _Record[]) =>
  records.map((r) => ({ event: r.eventName, keys: r.dynamodb?.Keys, old: r.dynamodb?.OldImage, new: r.dynamodb?.NewImage }));

test('CreateTable with a StreamSpecification: the stream fields in CreateTable and DescribeTable', async (ctx) => {
  const now = ctx.clock.now();
  const ARN = arnAt(now);
  const LABEL = labelAt(now);
  const created = await dynamodbClient(ctx.emu).send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_IMAGE' })));
  assert.equal(created.TableDescription?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  assert.is(created.TableDescription?.LatestStreamArn, ARN);
  assert.is(created.TableDescription?.LatestStreamLabel, LABEL);
  const described = await dynamodbClient(ctx.emu).send(new DescribeTableCommand({ TableName: 'Products' }));
  assert.equal(described.Table?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  assert.is(described.Table?.LatestStreamArn, ARN);
  assert.is(described.Table?.TableName, 'Products');

  const d = await dynamodbStreamsClient(ctx.emu).send(new DescribeStreamCommand({ StreamArn: ARN }));
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

test("StreamSpecification validation on CreateTable, with AWS's messages", async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  assertError(
    await rejects(client.send(new CreateTableCommand({ ...productsTable(), StreamSpecification: { StreamEnabled: true } }))),
    'ValidationException',
    400,
    'One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required',
  );
  assertError(
    await rejects(
      client.send(
        new CreateTableCommand({ ...productsTable(), StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' } }),
      ),
    ),
    'ValidationException',
    400,
    'One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified',
  );
  assertError(
    await rejects(
      client.send(
        new CreateTableCommand({
          ...productsTable(),
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'EVERYTHING' as StreamViewType },
        }),
      ),
    ),
    'ValidationException',
    400,
    "1 validation error detected: Value 'EVERYTHING' at 'streamSpecification.streamViewType' failed to satisfy constraint: " +
      'Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]',
  );
  assert.equal(
    await client.send(new DescribeTableCommand({ TableName: 'Products' })).catch((e: Error) => e.name),
    'ResourceNotFoundException',
  );
  // A disabled stream on creation is no stream at all.
  const created = await client.send(new CreateTableCommand({ ...productsTable(), StreamSpecification: { StreamEnabled: false } }));
  assert.is(created.TableDescription?.LatestStreamArn, undefined);
  assert.is(created.TableDescription?.StreamSpecification, undefined);
});

test('UpdateTable enables and disables a stream; a disabled stream leaves LatestStreamArn behind', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable()));
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
    await rejects(
      client.send(
        new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
      ),
    ),
    'ValidationException',
    400,
    'Table already has an enabled stream: TableName: Products',
  );
  assertError(
    await rejects(
      client.send(
        new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' } }),
      ),
    ),
    'ValidationException',
    400,
    'One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified',
  );
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'before-disable' } } }));

  const disabled = await client.send(new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: false } }));
  assert.is(disabled.TableDescription?.StreamSpecification, undefined);
  assert.is(disabled.TableDescription?.LatestStreamArn, ARN);
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'after-disable' } } }));
  const d = (await dynamodbStreamsClient(ctx.emu).send(new DescribeStreamCommand({ StreamArn: ARN }))).StreamDescription!;
  assert.is(d.StreamStatus, 'DISABLED');
  assert.is(
    d.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber,
    (await allRecords(ctx.emu, await latestStreamArn(ctx.emu)))[0]!.dynamodb!.SequenceNumber,
  );
  // Disabling stops capture; the records made before stay readable, and the closed shard ends.
  const read = await dynamodbStreamsClient(ctx.emu).send(
    new GetRecordsCommand({ ShardIterator: await shardIterator(ctx.emu, ARN, 'TRIM_HORIZON') }),
  );
  assert.equal(summary(read.Records!), [
    { event: 'INSERT', keys: { id: { S: 'before-disable' } }, old: undefined, new: { id: { S: 'before-disable' } } },
  ]);
  assert.is(read.NextShardIterator, undefined);

  // Re-enabling makes a new stream with a new ARN.
  await ctx.clock.advance(1500);
  const again = await client.send(
    new UpdateTableCommand({ TableName: 'Products', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
  );
  assert.is(again.TableDescription?.LatestStreamArn, arnAt(now + 1500));
  const listed = await dynamodbStreamsClient(ctx.emu).send(new ListStreamsCommand({ TableName: 'Products' }));
  assert.equal(
    listed.Streams?.map((s) => s.StreamLabel),
    [labelAt(now), labelAt(now + 1500)],
  );
});

test('UpdateTable with a stream on a missing table, and with other changes at once', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  assertError(
    await rejects(
      client.send(new UpdateTableCommand({ TableName: 'Nope', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })),
    ),
    'ResourceNotFoundException',
    400,
    'Requested resource not found: Table: Nope not found',
  );
  await client.send(new CreateTableCommand(productsTable()));
  const both = await client.send(
    new UpdateTableCommand({
      TableName: 'Products',
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }),
  );
  assert.is(both.TableDescription?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(both.TableDescription?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
});

const VIEW_TYPES: StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];
for (const viewType of VIEW_TYPES) {
  test(`INSERT, MODIFY and REMOVE records carry the images ${viewType} asks for`, async (ctx) => {
    const client = dynamodbClient(ctx.emu);
    await client.send(new CreateTableCommand(productsTable('Products', { stream: viewType })));
    const v1 = { id: { S: 'p1' }, price: { N: '29.99' } };
    const v2 = { id: { S: 'p1' }, price: { N: '19.99' } };
    await client.send(new PutItemCommand({ TableName: 'Products', Item: v1 }));
    await client.send(new PutItemCommand({ TableName: 'Products', Item: v2 }));
    await client.send(new DeleteItemCommand({ TableName: 'Products', Key: { id: { S: 'p1' } } }));
    const wantsNew = viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const wantsOld = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const records = await allRecords(ctx.emu, await latestStreamArn(ctx.emu));
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
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_IMAGE' })));
  const t0 = ctx.clock.now();
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'test' } } }));
  await ctx.clock.advance(90_000);
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'two' } } }));
  const [a, b] = await allRecords(ctx.emu, await latestStreamArn(ctx.emu));
  // Epoch seconds, as AWS sends them.
  assert.is(a!.dynamodb!.ApproximateCreationDateTime!.getTime(), Math.floor(t0 / 1000) * 1000);
  assert.is(b!.dynamodb!.ApproximateCreationDateTime!.getTime(), Math.floor((t0 + 90_000) / 1000) * 1000);
  assert.match(a!.dynamodb!.SequenceNumber!, /^\d{21}$/);
  assert.ok(BigInt(b!.dynamodb!.SequenceNumber!) > BigInt(a!.dynamodb!.SequenceNumber!));
  // The AWS-validated LocalStack snapshot: Keys {id:"test"} + NewImage {id:"test"} is 12 bytes.
  assert.is(a!.dynamodb!.SizeBytes, 12);
});

test('no record for an unchanged put, a delete of a missing item, a no-op update or a failed condition', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_AND_OLD_IMAGES' })));
  await client.send(
    new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' }, price: { N: '29.990' }, tags: { SS: ['a', 'b'] } } }),
  );
  // Same item: numbers compare as stored (29.990 is 29.99) and sets in any order.
  await client.send(
    new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' }, price: { N: '29.99' }, tags: { SS: ['b', 'a'] } } }),
  );
  await client.send(new DeleteItemCommand({ TableName: 'Products', Key: { id: { S: 'missing' } } }));
  await client.send(
    new UpdateItemCommand({
      TableName: 'Products',
      Key: { id: { S: 'p' } },
      UpdateExpression: 'SET price = :p',
      ExpressionAttributeValues: { ':p': { N: '29.99' } },
    }),
  );
  await rejects(
    client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' } }, ConditionExpression: 'attribute_not_exists(id)' })),
  );
  const records = await allRecords(ctx.emu, await latestStreamArn(ctx.emu));
  assert.equal(
    records.map((r) => r.eventName),
    ['INSERT'],
  );
  assert.equal(records[0]!.dynamodb!.NewImage, { id: { S: 'p' }, price: { N: '29.99' }, tags: { SS: ['a', 'b'] } });
});

test('UpdateItem records INSERT for an upsert and MODIFY with both images', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_AND_OLD_IMAGES' })));
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
  assert.equal(summary(await allRecords(ctx.emu, await latestStreamArn(ctx.emu))), [
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
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_AND_OLD_IMAGES' })));
  await client.send(new CreateTableCommand(productsTable('Plain')));
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
  assert.equal(summary((await allRecords(ctx.emu, await latestStreamArn(ctx.emu))).slice(2)), [
    { event: 'INSERT', keys: { id: { S: 'new' } }, old: undefined, new: { id: { S: 'new' } } },
    { event: 'MODIFY', keys: { id: { S: 'old' } }, old: { id: { S: 'old' }, v: { N: '1' } }, new: { id: { S: 'old' }, v: { N: '2' } } },
    { event: 'REMOVE', keys: { id: { S: 'new' } }, old: { id: { S: 'new' } }, new: undefined },
  ]);
  assert.equal(
    (await dynamodbStreamsClient(ctx.emu).send(new ListStreamsCommand({}))).Streams?.map((s) => s.TableName),
    ['Products'],
  );
});

test("the caller's ReturnValues are honoured exactly on a streamed table", async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  for (const name of ['Products', 'Plain']) {
    await client.send(new CreateTableCommand(productsTable(name, { stream: name === 'Products' ? 'KEYS_ONLY' : undefined })));
  }
  const run = async (name: string) => {
    const out: unknown[] = [];
    const strip = (r: { Attributes?: Record<string, AttributeValue> }) => ('Attributes' in r ? { Attributes: r.Attributes } : {});
    out.push(strip(await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' }, v: { N: '1' } } }))));
    out.push(
      strip(await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' }, v: { N: '2' } }, ReturnValues: 'NONE' }))),
    );
    out.push(
      strip(await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' }, v: { N: '3' } }, ReturnValues: 'ALL_OLD' }))),
    );
    for (const rv of ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const) {
      out.push(
        strip(
          await client.send(
            new UpdateItemCommand({
              TableName: name,
              Key: { id: { S: 'p' } },
              UpdateExpression: 'ADD v :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
              ReturnValues: rv,
            }),
          ),
        ),
      );
    }
    out.push(strip(await client.send(new DeleteItemCommand({ TableName: name, Key: { id: { S: 'p' } } }))));
    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' } } }));
    out.push(strip(await client.send(new DeleteItemCommand({ TableName: name, Key: { id: { S: 'p' } }, ReturnValues: 'ALL_OLD' }))));
    out.push(
      (await rejects(client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'p' } }, ReturnValues: 'ALL_NEW' })))).message,
    );
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
  const records = await allRecords(ctx.emu, await latestStreamArn(ctx.emu));
  assert.is(records.length, 13);
  assert.equal(
    records.slice(-2).map((r) => [r.eventName, r.dynamodb?.Keys?.id?.S]),
    [
      ['INSERT', 'q'],
      ['REMOVE', 'q'],
    ],
  );
});

test("concurrent writes to one item are serialised: each record's old image is the previous new image", async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_AND_OLD_IMAGES' })));
  await Promise.all(
    Array.from({ length: 30 }, () =>
      client.send(
        new UpdateItemCommand({
          TableName: 'Products',
          Key: { id: { S: 'counter' } },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      ),
    ),
  );
  const records = await allRecords(ctx.emu, await latestStreamArn(ctx.emu));
  assert.is(records.length, 30);
  records.forEach((r, i) => {
    assert.is(r.dynamodb!.NewImage!.n!.N, String(i + 1));
    assert.is(r.dynamodb!.OldImage?.n?.N, i === 0 ? undefined : String(i));
  });
});

test.run();
