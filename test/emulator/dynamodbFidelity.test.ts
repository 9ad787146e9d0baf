import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  ListTablesCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import * as assert from 'uvu/assert';
import { rejects, rejectsWith } from '../helpers/awsErrors.ts';
import { dynamodbClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * DynamoDB answers as AWS does or says 501 (docs/fidelity/dynamodb.md): the table description's
 * fields, deletion protection, condition failures with ALL_OLD, UpdateTable members for
 * features the emulator lacks, and requests that are not DynamoDB's content type.
 */
const test = emulatorSuite('dynamodb/fidelity');

let ddb: DynamoDBClient;
test.before(({ emu }) => {
  ddb = dynamodbClient(emu);
});
test.after(() => ddb.destroy());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('table descriptions: TableId is a UUID (the same each time), DeletionProtectionEnabled, WarmThroughput', async () => {
  const created = await ddb.send(new CreateTableCommand(productsTable('Products', { onDemand: true })));
  const table = created.TableDescription!;
  assert.match(table.TableId!, UUID);
  assert.is(table.DeletionProtectionEnabled, false);
  const described = (await ddb.send(new DescribeTableCommand({ TableName: 'Products' }))).Table!;
  assert.is(described.TableId, table.TableId);
  assert.equal(described.WarmThroughput, { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' });
  assert.is(described.SSEDescription, undefined);
  await ddb.send(new CreateTableCommand(productsTable('Provisioned')));
  const provisioned = (await ddb.send(new DescribeTableCommand({ TableName: 'Provisioned' }))).Table!;
  assert.equal(provisioned.WarmThroughput, { ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 5, Status: 'ACTIVE' });
  assert.is.not(provisioned.TableId, table.TableId);
});

test('each global secondary index has its WarmThroughput too', async () => {
  await ddb.send(
    new CreateTableCommand({
      ...productsTable('Products', { onDemand: true }),
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'sku', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: 'bySku', KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
      ],
    }),
  );
  const index = (await ddb.send(new DescribeTableCommand({ TableName: 'Products' }))).Table!.GlobalSecondaryIndexes![0]!;
  assert.equal(index.WarmThroughput, { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: index.IndexStatus });
});

test('SSESpecification Enabled: SSEDescription with the KMS key, in CreateTable and DescribeTable', async () => {
  const created = await ddb.send(new CreateTableCommand({ ...productsTable('Secret'), SSESpecification: { Enabled: true } }));
  const sse = created.TableDescription!.SSEDescription!;
  assert.is(sse.Status, 'ENABLED');
  assert.is(sse.SSEType, 'KMS');
  assert.match(sse.KMSMasterKeyArn!, /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
  const described = (await ddb.send(new DescribeTableCommand({ TableName: 'Secret' }))).Table!;
  assert.equal(described.SSEDescription, sse);
  const named = await ddb.send(
    new CreateTableCommand({
      ...productsTable('Named'),
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'arn:aws:kms:us-east-1:000000000000:key/abc' },
    }),
  );
  assert.is(named.TableDescription!.SSEDescription!.KMSMasterKeyArn, 'arn:aws:kms:us-east-1:000000000000:key/abc');
});

test('deletion protection: DeleteTable refused with AWS words until UpdateTable turns it off', async () => {
  const created = await ddb.send(new CreateTableCommand({ ...productsTable(), DeletionProtectionEnabled: true }));
  assert.is(created.TableDescription!.DeletionProtectionEnabled, true);
  await rejectsWith(
    ddb.send(new DeleteTableCommand({ TableName: 'Products' })),
    'ValidationException',
    'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    400,
  );
  const updated = await ddb.send(new UpdateTableCommand({ TableName: 'Products', DeletionProtectionEnabled: false }));
  assert.is(updated.TableDescription!.DeletionProtectionEnabled, false);
  await ddb.send(new DeleteTableCommand({ TableName: 'Products' }));
  assert.equal((await ddb.send(new ListTablesCommand({}))).TableNames, []);
});

test('UpdateTable with ReplicaUpdates answers 501 naming the operation and the member', async () => {
  await ddb.send(new CreateTableCommand(productsTable()));
  await rejectsWith(
    ddb.send(new UpdateTableCommand({ TableName: 'Products', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })),
    'InternalFailure',
    "The operation 'UpdateTable' with ReplicaUpdates (global table replicas) of service 'dynamodb' is not implemented by this emulator",
    501,
  );
});

test('ReturnValuesOnConditionCheckFailure ALL_OLD: the failed condition carries the item, for Put, Update and Delete', async () => {
  await ddb.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_IMAGE' })));
  await ddb.send(new CreateTableCommand(productsTable('Plain')));
  for (const table of ['Products', 'Plain']) {
    const item = { id: { S: 'p1' }, price: { N: '3' } };
    await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    const put = await rejects(
      ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: { id: { S: 'p1' } },
          ConditionExpression: 'attribute_not_exists(id)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    assert.instance(put, ConditionalCheckFailedException);
    assert.is(put.message, 'The conditional request failed');
    assert.equal((put as ConditionalCheckFailedException).Item, item);
    const update = await rejects(
      ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: 'p1' } },
          UpdateExpression: 'SET price = :p',
          ConditionExpression: 'price > :p',
          ExpressionAttributeValues: { ':p': { N: '10' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    assert.equal((update as ConditionalCheckFailedException).Item, item);
    const none = await rejects(
      ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'p1' } }, ConditionExpression: 'attribute_not_exists(id)' })),
    );
    assert.is((none as ConditionalCheckFailedException).Item, undefined);
  }
  await rejectsWith(
    ddb.send(
      new PutItemCommand({ TableName: 'Plain', Item: { id: { S: 'p2' } }, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' as 'ALL_OLD' }),
    ),
    'ValidationException',
    "1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
    400,
  );
});

test('a request with a content type DynamoDB does not take is not served: 404 Page Not Found, nothing created', async ({ emu }) => {
  const client = dynamodbClient(emu);
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers['content-type'] = 'application/x-amz-json-1.1';
      return next(args);
    },
    { step: 'build', name: 'foreignContentType' },
  );
  const err = await rejects(client.send(new CreateTableCommand(productsTable())));
  client.destroy();
  assert.is(err.$metadata.httpStatusCode, 404);
  assert.equal((await ddb.send(new ListTablesCommand({}))).TableNames, []);
  const raw = await fetch(emu.endpoint, {
    method: 'POST',
    body: '{}',
    headers: {
      'content-type': 'text/plain',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
  });
  assert.is(raw.status, 404);
  assert.match(await raw.text(), /<title>Page Not Found<\/title>/);
});

test('DescribeLimits: the default account and table quotas', async () => {
  const out = await ddb.send(new DescribeLimitsCommand({}));
  assert.equal(
    { ...out, $metadata: undefined },
    {
      $metadata: undefined,
      AccountMaxReadCapacityUnits: 80000,
      AccountMaxWriteCapacityUnits: 80000,
      TableMaxReadCapacityUnits: 40000,
      TableMaxWriteCapacityUnits: 40000,
    },
  );
});

test.run();
