import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { handler } from '../../lambdas/getProduct.ts';
import { createProductsTable, handlerEnv, setEnv, startDynalite, testClient, type Endpoint } from './dynamo.ts';
import { proxyEvent, SUPER_WIDGET, SUPER_WIDGET_JSON } from './fixtures.ts';

const test = suite<{ db?: Endpoint; restoreEnv?: () => void }>('lambdas/getProduct');

test.before(async (ctx) => {
  ctx.db = await startDynalite();
  await createProductsTable(ctx.db, 'us-east-1');
  const client = testClient(ctx.db, 'us-east-1');
  // Attributes written in a different order than the one expected back: order comes from the handler.
  await client.send(
    new PutItemCommand({
      TableName: 'Products',
      Item: {
        id: { S: SUPER_WIDGET.id },
        description: { S: SUPER_WIDGET.description },
        name: { S: SUPER_WIDGET.name },
        price: { N: SUPER_WIDGET.price },
      },
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: 'Products',
      Item: { stock: { N: '7' }, id: { S: 'prod-2' }, price: { N: '5' }, tags: { SS: ['a'] }, active: { BOOL: true } },
    }),
  );
  client.destroy();
  ctx.restoreEnv = setEnv(handlerEnv(ctx.db));
});

test.after(async (ctx) => {
  ctx.restoreEnv?.();
  await ctx.db?.close();
});

const get = (query?: Record<string, string>) => handler(proxyEvent({ method: 'GET', path: '/productApi', query }));

test('found: 200 with the tutorial body, byte for byte', async () => {
  const result = await get({ id: 'prod-1088' });
  assert.is(result.statusCode, 200);
  assert.is(result.body, SUPER_WIDGET_JSON);
  assert.equal(result.headers, { 'x-served-region': 'us-east-1' }, 'the serving region, nothing else');
});

test('found: price/name/description/id lead, other attributes follow, numbers stay strings', async () => {
  const result = await get({ id: 'prod-2' });
  assert.is(result.statusCode, 200);
  assert.is(result.body, '{"price":"5","id":"prod-2","stock":"7","tags":["a"],"active":true}');
});

test('unknown id: 404 Product not found', async () => {
  const result = await get({ id: 'nope' });
  assert.equal(result, { statusCode: 404, body: 'Product not found', headers: { 'x-served-region': 'us-east-1' } });
});

test('no query string at all: 400 instead of the Java NPE', async () => {
  const result = await get();
  assert.is(result.statusCode, 400);
  assert.is(result.body, 'Missing required query parameter: id');
});

test('other query parameters but no id (or an empty one): 400', async () => {
  assert.is((await get({ param: 'x' })).statusCode, 400);
  assert.is((await get({ id: '' })).statusCode, 400);
});

test('database error (table missing): 500 Internal server error', async () => {
  const restore = setEnv({ TABLE_NAME: 'NoSuchTable' });
  try {
    const result = await get({ id: 'prod-1088' });
    assert.equal(result, { statusCode: 500, body: 'Internal server error', headers: { 'x-served-region': 'us-east-1' } });
  } finally {
    restore();
  }
});

test.run();
