import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { handler as addProduct } from '../../lambdas/addProduct.ts';
import { handler as getProduct } from '../../lambdas/getProduct.ts';
import { createProductsTable, handlerEnv, setEnv, startDynalite, testClient, type Endpoint } from './dynamo.ts';
import { proxyEvent, SUPER_WIDGET, SUPER_WIDGET_JSON } from './fixtures.ts';

const test = suite<{ db?: Endpoint; restoreEnv?: () => void }>('lambdas/addProduct');

test.before(async (ctx) => {
  ctx.db = await startDynalite();
  await createProductsTable(ctx.db, 'us-east-1');
  ctx.restoreEnv = setEnv(handlerEnv(ctx.db));
});

test.after(async (ctx) => {
  ctx.restoreEnv?.();
  await ctx.db?.close();
});

const post = (body: string | null, isBase64Encoded = false) =>
  addProduct(proxyEvent({ method: 'POST', path: '/productApi', body, isBase64Encoded }));
const get = (id: string) => getProduct(proxyEvent({ method: 'GET', path: '/productApi', query: { id } }));
const JSON_HEADERS = { 'Content-Type': 'application/json' };

test('add then get: the seeded product reads back exactly as in the tutorial', async (ctx) => {
  const added = await post(JSON.stringify(SUPER_WIDGET));
  assert.equal(added, {
    statusCode: 200,
    headers: JSON_HEADERS,
    body: 'Product added/updated successfully.',
    isBase64Encoded: false,
  });

  const read = await get('prod-1088');
  assert.is(read.statusCode, 200);
  assert.is(read.body, SUPER_WIDGET_JSON);

  const raw = await testClient(ctx.db!, 'us-east-1').send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'prod-1088' } } }));
  assert.equal(raw.Item?.price, { N: '29.99' }, 'price is stored as a DynamoDB number');
  assert.equal(Object.keys(raw.Item ?? {}).sort(), ['description', 'id', 'name', 'price']);
});

test('a second POST for the same id is an upsert (condition always holds for its own key)', async () => {
  const again = await post(JSON.stringify({ ...SUPER_WIDGET, price: '31.5', name: 'Super Widget v2' }));
  assert.is(again.statusCode, 200);
  assert.is((await get('prod-1088')).body.slice(0, 40), '{"price":"31.5","name":"Super Widget v2"');
});

test('price as a JSON number and a base64 body are accepted', async () => {
  const body = Buffer.from(JSON.stringify({ id: 'prod-7', name: 'N', price: 12, description: '' })).toString('base64');
  assert.is((await post(body, true)).statusCode, 200);
  assert.is((await get('prod-7')).body, '{"price":"12","name":"N","description":"","id":"prod-7"}');
});

test('malformed bodies: 400 with the reason, nothing written', async () => {
  const cases: Array<[string | null, string]> = [
    [null, 'Request body is required'],
    ['{not json', 'Request body must be valid JSON'],
    ['["prod-9"]', 'Request body must be a JSON object'],
    [JSON.stringify({ name: 'x', price: '1', description: 'd' }), 'Field "id" is required and must be a string'],
    [JSON.stringify({ id: '', name: 'x', price: '1', description: 'd' }), 'Field "id" must not be empty'],
    [JSON.stringify({ id: 'prod-9', price: '1', description: 'd' }), 'Field "name" is required and must be a string'],
    [
      JSON.stringify({ id: 'prod-9', name: 'x', price: 'cheap', description: 'd' }),
      'Field "price" is required and must be a number or a numeric string',
    ],
  ];
  for (const [body, message] of cases) {
    const result = await post(body);
    assert.is(result.statusCode, 400, `status for ${body}`);
    assert.is(result.body, message);
  }
  assert.is((await get('prod-9')).statusCode, 404);
});

test('database error (table missing): 500 Internal server error', async () => {
  const restore = setEnv({ TABLE_NAME: 'NoSuchTable' });
  try {
    const result = await post(JSON.stringify(SUPER_WIDGET));
    assert.is(result.statusCode, 500);
    assert.is(result.body, 'Internal server error');
  } finally {
    restore();
  }
});

test.run();
