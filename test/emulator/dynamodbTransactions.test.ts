import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { rejects, rejectsWith } from '../helpers/awsErrors.ts';
import { dynamodbClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { allRecords, latestStreamArn } from '../helpers/streamRecords.ts';

/**
 * TransactWriteItems and TransactGetItems through the real SDK client: AWS's validation
 * messages, all-or-nothing writes, cancellation reasons in request order, ClientRequestToken
 * idempotency on the emulator clock, and stream records for each write.
 */
const clock = new ManualClock();
const test = emulatorSuite('dynamodb/transactions', { emulator: { clock } });

let ddb: DynamoDBClient;
test.before(({ emu }) => {
  ddb = dynamodbClient(emu);
});
test.after(() => ddb.destroy());
test.before.each(async () => {
  await ddb.send(new CreateTableCommand(productsTable('Products', { stream: 'NEW_AND_OLD_IMAGES' })));
  await ddb.send(new CreateTableCommand(productsTable('Orders')));
  await ddb.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'p1' }, stock: { N: '5' } } }));
});

const s = (v: string) => ({ S: v });
const n = (v: number) => ({ N: String(v) });

async function getItem(table: string, id: string) {
  return (await ddb.send(new GetItemCommand({ TableName: table, Key: { id: s(id) }, ConsistentRead: true }))).Item;
}

const decrement: TransactWriteItem = {
  Update: {
    TableName: 'Products',
    Key: { id: s('p1') },
    UpdateExpression: 'SET stock = stock - :one',
    ConditionExpression: 'stock >= :one',
    ExpressionAttributeValues: { ':one': n(1) },
  },
};
const order = (id: string): TransactWriteItem => ({
  Put: { TableName: 'Orders', Item: { id: s(id), product: s('p1') }, ConditionExpression: 'attribute_not_exists(id)' },
});

test('all actions apply together; stream records for each write on a streamed table', async ({ emu }) => {
  const out = await ddb.send(new TransactWriteItemsCommand({ TransactItems: [decrement, order('o1')] }));
  assert.is(out.$metadata.httpStatusCode, 200);
  assert.equal(await getItem('Products', 'p1'), { id: s('p1'), stock: n(4) });
  assert.equal(await getItem('Orders', 'o1'), { id: s('o1'), product: s('p1') });
  const records = await allRecords(emu, await latestStreamArn(emu));
  const modify = records.filter((r) => r.eventName === 'MODIFY');
  assert.is(modify.length, 1);
  assert.equal(modify[0]!.dynamodb!.OldImage, { id: s('p1'), stock: n(5) });
  assert.equal(modify[0]!.dynamodb!.NewImage, { id: s('p1'), stock: n(4) });
});

test('one failed condition cancels everything: reasons in request order, ALL_OLD returns the item', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'Orders', Item: { id: s('o1'), product: s('old') } }));
  const withOld: TransactWriteItem = { Put: { ...order('o1').Put!, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
  const err = await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [decrement, withOld, order('o2')] })));
  assert.instance(err, TransactionCanceledException);
  assert.is(err.$metadata.httpStatusCode, 400);
  assert.is(
    err.message,
    'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
  );
  assert.equal((err as TransactionCanceledException).CancellationReasons, [
    { Code: 'None' },
    { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { id: s('o1'), product: s('old') } },
    { Code: 'None' },
  ]);
  assert.equal(await getItem('Products', 'p1'), { id: s('p1'), stock: n(5) });
  assert.is(await getItem('Orders', 'o2'), undefined);
});

test('a ConditionCheck on a missing item leaves no trace; ConditionCheck alone writes nothing', async () => {
  const check: TransactWriteItem = {
    ConditionCheck: { TableName: 'Orders', Key: { id: s('ghost') }, ConditionExpression: 'attribute_not_exists(id)' },
  };
  await ddb.send(new TransactWriteItemsCommand({ TransactItems: [check, decrement] }));
  assert.is(await getItem('Orders', 'ghost'), undefined);
  const failing: TransactWriteItem = {
    ConditionCheck: { TableName: 'Orders', Key: { id: s('ghost') }, ConditionExpression: 'attribute_exists(id)' },
  };
  const err = await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [decrement, failing] })));
  assert.equal((err as TransactionCanceledException).CancellationReasons, [
    { Code: 'None' },
    { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
  ]);
  assert.is(await getItem('Orders', 'ghost'), undefined);
  assert.equal(await getItem('Products', 'p1'), { id: s('p1'), stock: n(4) });
});

test('a write that fails on the data undoes the earlier ones (ValidationError reason)', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'Orders', Item: { id: s('o9'), count: s('not a number') } }));
  const bad: TransactWriteItem = {
    Update: {
      TableName: 'Orders',
      Key: { id: s('o9') },
      UpdateExpression: 'SET #c = #c + :one',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': n(1) },
    },
  };
  const err = await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [decrement, order('o3'), bad] })));
  assert.instance(err, TransactionCanceledException);
  const reasons = (err as TransactionCanceledException).CancellationReasons!;
  assert.equal(
    reasons.map((r) => r.Code),
    ['None', 'None', 'ValidationError'],
  );
  assert.equal(await getItem('Products', 'p1'), { id: s('p1'), stock: n(5) });
  assert.is(await getItem('Orders', 'o3'), undefined);
});

test('validation as AWS words it: two actions on one item, more than one action per entry, over 100 actions', async () => {
  const twice = ddb.send(
    new TransactWriteItemsCommand({ TransactItems: [decrement, { Delete: { TableName: 'Products', Key: { id: s('p1') } } }] }),
  );
  await rejectsWith(twice, 'ValidationException', 'Transaction request cannot include multiple operations on one item', 400);
  const both = ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ ...decrement, Put: order('o1').Put }] }));
  await rejectsWith(both, 'ValidationException', 'TransactItems can only contain one of Check, Put, Update or Delete', 400);
  const many = Array.from({ length: 101 }, (_, i) => order(`o${i}`));
  await rejectsWith(
    ddb.send(new TransactWriteItemsCommand({ TransactItems: many })),
    'ValidationException',
    /^1 validation error detected: Value '\[.*\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    400,
  );
  await rejectsWith(
    ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'Nope', Item: { id: s('x') } } }] })),
    'ResourceNotFoundException',
    'Requested resource not found',
    400,
  );
  assert.is(await getItem('Orders', 'o0'), undefined);
});

test('ClientRequestToken: a retry succeeds without writing again; other parameters are a mismatch; 10 minutes later it is new', async () => {
  const request = { TransactItems: [decrement], ClientRequestToken: 'token-1' };
  await ddb.send(new TransactWriteItemsCommand(request));
  await ddb.send(new TransactWriteItemsCommand(request));
  assert.equal(await getItem('Products', 'p1'), { id: s('p1'), stock: n(4) });
  await rejectsWith(
    ddb.send(new TransactWriteItemsCommand({ TransactItems: [order('o1')], ClientRequestToken: 'token-1' })),
    'IdempotentParameterMismatchException',
    'DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.',
    400,
  );
  await clock.advance(10 * 60 * 1000);
  await ddb.send(new TransactWriteItemsCommand(request));
  assert.equal(await getItem('Products', 'p1'), { id: s('p1'), stock: n(3) });
});

test('TransactGetItems: items in request order, {} for a missing one, projections honoured', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'Orders', Item: { id: s('o1'), product: s('p1'), note: s('hi') } }));
  const out = await ddb.send(
    new TransactGetItemsCommand({
      TransactItems: [
        { Get: { TableName: 'Orders', Key: { id: s('o1') }, ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'note' } } },
        { Get: { TableName: 'Orders', Key: { id: s('missing') } } },
        { Get: { TableName: 'Products', Key: { id: s('p1') } } },
      ],
    }),
  );
  assert.equal(out.Responses, [{ Item: { note: s('hi') } }, {}, { Item: { id: s('p1'), stock: n(5) } }]);
  const twice = ddb.send(
    new TransactGetItemsCommand({
      TransactItems: [{ Get: { TableName: 'Orders', Key: { id: s('o1') } } }, { Get: { TableName: 'Orders', Key: { id: s('o1') } } }],
    }),
  );
  await rejectsWith(twice, 'ValidationException', 'Transaction request cannot include multiple operations on one item', 400);
});

test.run();
