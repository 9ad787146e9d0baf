import * as assert from 'uvu/assert';
import { crc32 } from 'node:zlib';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../emulator/clock.ts';
import { awsCli, cliTest, type AwsCliResult } from '../helpers/awsCli.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { dynamodbClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';

/**
 * DynamoDB's data plane (dynalite behind the gateway) through the real @aws-sdk/client-dynamodb
 * and the AWS CLI v2: table and item operations with dynalite's own validation and errors,
 * regions kept apart, x-amz-crc32 right for every body, faults applied per region.
 */

const test = emulatorSuite('emulator/dynamodb', { emulator: { clock: new ManualClock() } });

/** A raw awsJson call, for what the SDK will not send or does not show (headers, bytes). */
async function raw(ctx: EmulatorContext, target: string, body: string | Buffer, region = 'us-east-1') {
  const res = await fetch(ctx.emu.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      'x-amz-date': '20260101T000000Z',
    },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    json: bytes.length ? (JSON.parse(bytes.toString()) as Record<string, unknown>) : {},
  };
}

test('table lifecycle: create, describe, list, update, delete, then ResourceNotFoundException', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  const created = await client.send(new CreateTableCommand(productsTable()));
  assert.is(created.TableDescription?.TableName, 'Products');
  assert.is(created.TableDescription?.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/Products');
  assert.is(created.TableDescription?.LatestStreamArn, undefined);
  const described = await client.send(new DescribeTableCommand({ TableName: 'Products' }));
  assert.equal(described.Table?.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
  assert.is(described.Table?.StreamSpecification, undefined);
  assert.equal((await client.send(new ListTablesCommand({}))).TableNames, ['Products']);
  const updated = await client.send(new UpdateTableCommand({ TableName: 'Products', BillingMode: 'PAY_PER_REQUEST' }));
  assert.is(updated.TableDescription?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  const deleted = await client.send(new DeleteTableCommand({ TableName: 'Products' }));
  assert.is(deleted.TableDescription?.TableName, 'Products');
  assertError(
    await rejects(client.send(new DescribeTableCommand({ TableName: 'Products' }))),
    'ResourceNotFoundException',
    400,
    'Requested resource not found: Table: Products not found',
  );
  assert.equal((await client.send(new ListTablesCommand({}))).TableNames, []);
});

test("table errors pass through in dynalite's words: ResourceInUseException, ValidationException, ResourceNotFoundException", async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable()));
  assertError(
    await rejects(client.send(new CreateTableCommand(productsTable()))),
    'ResourceInUseException',
    400,
    'Table already exists: Products',
  );
  assertError(
    await rejects(client.send(new CreateTableCommand(productsTable('ab')))),
    'ValidationException',
    400,
    'TableName must be at least 3 characters long and at most 255 characters long',
  );
  assertError(
    await rejects(client.send(new DeleteTableCommand({ TableName: 'Nope' }))),
    'ResourceNotFoundException',
    400,
    'Requested resource not found: Table: Nope not found',
  );
  assertError(
    await rejects(client.send(new UpdateTableCommand({ TableName: 'Products' }))),
    'ValidationException',
    400,
    'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
  );
});

test('item operations: put, get, update, query, scan, batch write and get, delete', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable()));
  await client.send(
    new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'prod-1088' }, name: { S: 'Super Widget' }, price: { N: '29.99' } } }),
  );
  const got = await client.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'prod-1088' } } }));
  assert.equal(got.Item, { id: { S: 'prod-1088' }, name: { S: 'Super Widget' }, price: { N: '29.99' } });

  const updated = await client.send(
    new UpdateItemCommand({
      TableName: 'Products',
      Key: { id: { S: 'prod-1088' } },
      UpdateExpression: 'SET price = :p',
      ExpressionAttributeValues: { ':p': { N: '19.99' } },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  assert.equal(updated.Attributes, { price: { N: '19.99' } });

  const query = await client.send(
    new QueryCommand({
      TableName: 'Products',
      KeyConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': { S: 'prod-1088' } },
    }),
  );
  assert.is(query.Count, 1);

  const batch = await client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        Products: [
          { PutRequest: { Item: { id: { S: 'a' } } } },
          { PutRequest: { Item: { id: { S: 'b' } } } },
          { DeleteRequest: { Key: { id: { S: 'prod-1088' } } } },
        ],
      },
    }),
  );
  assert.equal(batch.UnprocessedItems, {});
  const batchGet = await client.send(
    new BatchGetItemCommand({ RequestItems: { Products: { Keys: [{ id: { S: 'a' } }, { id: { S: 'b' } }] } } }),
  );
  assert.equal(batchGet.Responses?.Products?.map((i) => i.id?.S).sort(), ['a', 'b']);

  const deleted = await client.send(new DeleteItemCommand({ TableName: 'Products', Key: { id: { S: 'a' } }, ReturnValues: 'ALL_OLD' }));
  assert.equal(deleted.Attributes, { id: { S: 'a' } });
  const scan = await client.send(new ScanCommand({ TableName: 'Products' }));
  assert.equal(scan.Items, [{ id: { S: 'b' } }]);
});

test('item errors: ConditionalCheckFailedException, ValidationException, ResourceNotFoundException', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable()));
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' } } }));
  assertError(
    await rejects(
      client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p' } }, ConditionExpression: 'attribute_not_exists(id)' })),
    ),
    'ConditionalCheckFailedException',
    400,
    'The conditional request failed',
  );
  assertError(
    await rejects(client.send(new PutItemCommand({ TableName: 'Products', Item: { name: { S: 'no key' } } }))),
    'ValidationException',
    400,
    'One or more parameter values were invalid: Missing the key id in the item',
  );
  assertError(
    await rejects(client.send(new GetItemCommand({ TableName: 'Nope', Key: { id: { S: 'p' } } }))),
    'ResourceNotFoundException',
    400,
    'Requested resource not found',
  );
});

test('ListTables in a region that never had a table lists none without starting its dynalite; with parameters, dynalite validates them', async (ctx) => {
  const west = dynamodbClient(ctx.emu, 'us-west-2');
  assert.equal((await west.send(new ListTablesCommand({}))).TableNames, []);
  assert.not.ok(ctx.emu.api('dynamodb').startedRegions().includes('us-west-2'), 'no thread started to say so');
  const refused = await rejects(west.send(new ListTablesCommand({ Limit: 0 })));
  assert.is(refused.name, 'ValidationException');
  assert.match(refused.message, /limit/i);
  assert.ok(ctx.emu.api('dynamodb').startedRegions().includes('us-west-2'), 'parameters go to dynalite');
});

test('regions are isolated: a table in us-east-1 is not in eu-central-1', async (ctx) => {
  const east = dynamodbClient(ctx.emu, 'us-east-1');
  const central = dynamodbClient(ctx.emu, 'eu-central-1');
  await east.send(new CreateTableCommand(productsTable()));
  await east.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'only-east' } } }));
  assert.equal((await central.send(new ListTablesCommand({}))).TableNames, []);
  assertError(
    await rejects(central.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'only-east' } } }))),
    'ResourceNotFoundException',
    400,
    'Requested resource not found',
  );

  await central.send(new CreateTableCommand(productsTable()));
  const c = await central.send(new DescribeTableCommand({ TableName: 'Products' }));
  assert.is(c.Table?.TableArn, 'arn:aws:dynamodb:eu-central-1:000000000000:table/Products');
  assert.is((await central.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'only-east' } } }))).Item, undefined);
  assert.ok((await east.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'only-east' } } }))).Item);
});

test('operations dynalite lacks answer 501 naming them; unknown names get UnknownOperationException', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  // PartiQL stays unimplemented (TransactWriteItems is dynamodbTransactions.test.ts's).
  const err = await rejects(client.send(new ExecuteStatementCommand({ Statement: "SELECT * FROM Products WHERE id = 'x'" })));
  assertError(err, 'InternalFailure', 501, "The operation 'ExecuteStatement' of service 'dynamodb' is not implemented by this emulator");
  const unknown = await raw(ctx, 'DynamoDB_20120810.FlyToTheMoon', '{}');
  assert.is(unknown.status, 400);
  assert.equal(unknown.json, { __type: 'com.amazon.coral.service#UnknownOperationException' });
});

test('x-amz-crc32 is right for relayed and for rewritten bodies', async (ctx) => {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable()));
  const relayed = await raw(ctx, 'DynamoDB_20120810.ListTables', '{}');
  assert.is(relayed.headers.get('x-amz-crc32'), String(crc32(relayed.bytes)));
  const streamed = await raw(
    ctx,
    'DynamoDB_20120810.UpdateTable',
    JSON.stringify({ TableName: 'Products', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
  );
  assert.is(streamed.status, 200);
  assert.is(streamed.headers.get('x-amz-crc32'), String(crc32(streamed.bytes)));
  const put = await raw(ctx, 'DynamoDB_20120810.PutItem', JSON.stringify({ TableName: 'Products', Item: { id: { S: 'é' } } }));
  assert.equal(put.json, {});
  assert.is(put.headers.get('x-amz-crc32'), String(crc32(put.bytes)));
  const error = await raw(ctx, 'DynamoDB_20120810.GetItem', JSON.stringify({ TableName: 'Nope', Key: { id: { S: 'x' } } }));
  assert.is(error.headers.get('x-amz-crc32'), String(crc32(error.bytes)));
});

test('an FIS-style fault on DynamoDB PutItem in us-east-1 leaves eu-central-1 alone', async (ctx) => {
  const east = dynamodbClient(ctx.emu, 'us-east-1');
  const central = dynamodbClient(ctx.emu, 'eu-central-1');
  await east.send(new CreateTableCommand(productsTable()));
  await central.send(new CreateTableCommand(productsTable()));
  ctx.emu.faults.add({
    service: 'dynamodb',
    operation: 'PutItem',
    region: 'us-east-1',
    percentage: 100,
    effect: { kind: 'error', status: 500, code: 'InternalServerError', message: 'Failing as per Fault Injection Simulator configuration' },
    owner: 'test',
  });
  assertError(
    await rejects(east.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'x' } } }))),
    'InternalServerError',
    500,
    'Failing as per Fault Injection Simulator configuration',
  );
  await central.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'x' } } }));
  assert.ok((await east.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'x' } } }))).Item === undefined);
});

const cli = (ctx: EmulatorContext, args: string[]): Promise<AwsCliResult> => awsCli(ctx.emu.endpoint, args);

cliTest(test)('the AWS CLI v2 runs the tutorial: create-table, update-table --stream-specification, describe-stream', async (ctx) => {
  const created = await cli(ctx, [
    'dynamodb',
    'create-table',
    '--table-name',
    'Products',
    '--attribute-definitions',
    'AttributeName=id,AttributeType=S',
    '--key-schema',
    'AttributeName=id,KeyType=HASH',
    '--provisioned-throughput',
    'ReadCapacityUnits=5,WriteCapacityUnits=5',
  ]);
  assert.is(created.code, 0, created.stderr);
  assert.is(JSON.parse(created.stdout).TableDescription.TableName, 'Products');

  const updated = await cli(ctx, [
    'dynamodb',
    'update-table',
    '--table-name',
    'Products',
    '--stream-specification',
    'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES',
  ]);
  assert.is(updated.code, 0, updated.stderr);
  const description = JSON.parse(updated.stdout).TableDescription;
  assert.equal(description.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  assert.is(description.LatestStreamArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/Products/stream/2026-01-01T00:00:00.000');
  assert.is(description.LatestStreamLabel, '2026-01-01T00:00:00.000');

  const described = await cli(ctx, ['dynamodb', 'describe-table', '--table-name', 'Products', '--query', 'Table.LatestStreamArn']);
  assert.is(JSON.parse(described.stdout), description.LatestStreamArn);

  const put = await cli(ctx, [
    'dynamodb',
    'put-item',
    '--table-name',
    'Products',
    '--item',
    '{"id":{"S":"prod-1088"},"price":{"N":"29.99"}}',
  ]);
  assert.is(put.code, 0, put.stderr);
  const stream = await cli(ctx, ['dynamodbstreams', 'describe-stream', '--stream-arn', description.LatestStreamArn]);
  assert.is(stream.code, 0, stream.stderr);
  const streamDescription = JSON.parse(stream.stdout).StreamDescription;
  assert.is(streamDescription.StreamStatus, 'ENABLED');
  const iterator = await cli(ctx, [
    'dynamodbstreams',
    'get-shard-iterator',
    '--stream-arn',
    description.LatestStreamArn,
    '--shard-id',
    streamDescription.Shards[0].ShardId,
    '--shard-iterator-type',
    'TRIM_HORIZON',
  ]);
  assert.is(iterator.code, 0, iterator.stderr);
  const records = await cli(ctx, ['dynamodbstreams', 'get-records', '--shard-iterator', JSON.parse(iterator.stdout).ShardIterator]);
  assert.is(records.code, 0, records.stderr);
  const [record] = JSON.parse(records.stdout).Records;
  assert.is(record.eventName, 'INSERT');
  assert.equal(record.dynamodb.NewImage, { id: { S: 'prod-1088' }, price: { N: '29.99' } });

  const again = await cli(ctx, [
    'dynamodb',
    'update-table',
    '--table-name',
    'Products',
    '--stream-specification',
    'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES',
  ]);
  assert.is(again.code, 254);
  assert.match(
    again.stderr,
    'An error occurred (ValidationException) when calling the UpdateTable operation: Table already has an enabled stream: TableName: Products',
  );
});

test.run();
