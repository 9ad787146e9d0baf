import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { handler as addProduct } from '../../lambdas/addProduct.ts';
import { LambdaError } from '../../lambdas/errors.ts';
import { handler as replicate } from '../../lambdas/replicate.ts';
import type { DynamoItem } from '../../lambdas/types.ts';
import { createProductsTable, handlerEnv, setEnv, startDynalite, startRegionRouter, testClient, type Endpoint } from './dynamo.ts';
import { proxyEvent, streamRecord, SUPER_WIDGET } from './fixtures.ts';

// Two regions, each its own dynalite, behind one endpoint that routes by SigV4 region,
// so "the item landed in eu-central-1 and not in us-east-1" is checked, not assumed.
interface Context {
  primary?: Endpoint;
  standby?: Endpoint;
  router?: Endpoint;
  primaryClient?: DynamoDBClient;
  standbyClient?: DynamoDBClient;
  restoreEnv?: () => void;
}
const test = suite<Context>('lambdas/replicate');

test.before(async (ctx) => {
  ctx.primary = await startDynalite();
  ctx.standby = await startDynalite();
  await createProductsTable(ctx.primary, 'us-east-1');
  await createProductsTable(ctx.standby, 'eu-central-1');
  ctx.router = await startRegionRouter({ 'us-east-1': ctx.primary, 'eu-central-1': ctx.standby });
  ctx.primaryClient = testClient(ctx.primary, 'us-east-1');
  ctx.standbyClient = testClient(ctx.standby, 'eu-central-1');
  ctx.restoreEnv = setEnv(handlerEnv(ctx.router, { TARGET_REGION: 'eu-central-1', REPLICATE_REMOVES: undefined }));
});

test.after(async (ctx) => {
  ctx.restoreEnv?.();
  ctx.primaryClient?.destroy();
  ctx.standbyClient?.destroy();
  await ctx.router?.close();
  await ctx.primary?.close();
  await ctx.standby?.close();
});

async function readItem(client: DynamoDBClient, id: string): Promise<DynamoItem | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: id } } }));
  return Item;
}

test('INSERT: the item POSTed to the primary is copied into the standby region', async (ctx) => {
  // The real write path: add-product in us-east-1, then the stream record it would produce.
  const added = await addProduct(proxyEvent({ method: 'POST', path: '/productApi', body: JSON.stringify(SUPER_WIDGET) }));
  assert.is(added.statusCode, 200);
  const image = await readItem(ctx.primaryClient!, 'prod-1088');
  assert.ok(image, 'add-product wrote to us-east-1');
  assert.is(await readItem(ctx.standbyClient!, 'prod-1088'), undefined, 'standby starts empty');

  const summary = await replicate({
    Records: [streamRecord('INSERT', { keys: { id: { S: 'prod-1088' } }, newImage: image })],
  });
  assert.is(summary, 'Successfully processed 1 records.');
  assert.equal(await readItem(ctx.standbyClient!, 'prod-1088'), image);
});

test('MODIFY: copied attribute for attribute, whatever the attributes are', async (ctx) => {
  const oldImage = await readItem(ctx.standbyClient!, 'prod-1088');
  const newImage: DynamoItem = {
    id: { S: 'prod-1088' },
    price: { N: '24.99' },
    stock: { N: '3' },
    tags: { SS: ['sale', 'widget'] },
    dims: { M: { w: { N: '2' }, h: { N: '1.5' } } },
  };
  const summary = await replicate({
    Records: [
      streamRecord('MODIFY', { keys: { id: { S: 'prod-1088' } }, oldImage, newImage }),
      // An item without name/price/description: the Java replicator NPE'd here.
      streamRecord('INSERT', { keys: { id: { S: 'bare' } }, newImage: { id: { S: 'bare' } } }),
    ],
  });
  assert.is(summary, 'Successfully processed 2 records.');
  assert.equal(await readItem(ctx.standbyClient!, 'prod-1088'), newImage);
  assert.equal(await readItem(ctx.standbyClient!, 'bare'), { id: { S: 'bare' } });
  assert.is(await readItem(ctx.primaryClient!, 'bare'), undefined, 'nothing written back to the primary region');
});

test('REMOVE is ignored by default, and counted', async (ctx) => {
  const summary = await replicate({
    Records: [streamRecord('REMOVE', { keys: { id: { S: 'bare' } }, oldImage: { id: { S: 'bare' } } })],
  });
  assert.is(summary, 'Successfully processed 1 records.');
  assert.ok(await readItem(ctx.standbyClient!, 'bare'), 'still present in the standby');
});

test('REMOVE deletes by Keys when REPLICATE_REMOVES=true', async (ctx) => {
  const restore = setEnv({ REPLICATE_REMOVES: 'true' });
  try {
    await replicate({ Records: [streamRecord('REMOVE', { keys: { id: { S: 'bare' } }, oldImage: { id: { S: 'bare' } } })] });
    assert.is(await readItem(ctx.standbyClient!, 'bare'), undefined);
  } finally {
    restore();
  }
});

test('DynamoDB error in the standby fails the invocation so the ESM retries', async () => {
  const restore = setEnv({ TABLE_NAME: 'NoSuchTable' });
  try {
    await replicate({ Records: [streamRecord('INSERT', { keys: { id: { S: 'x' } }, newImage: { id: { S: 'x' } } })] });
    assert.unreachable('replicate should have thrown');
  } catch (error) {
    assert.instance(error, LambdaError);
    const failure = error as LambdaError;
    assert.is(failure.code, 'ReplicationFailed');
    assert.is((failure.cause as Error).name, 'ResourceNotFoundException');
    assert.match(failure.message, /NoSuchTable in eu-central-1/);
  } finally {
    restore();
  }
});

test('records after a failed one are not applied (stream order is preserved on retry)', async (ctx) => {
  const bad = streamRecord('INSERT', { keys: { id: { S: 'y' } }, newImage: { id: { S: 'y' }, n: { N: 'not-a-number' } } });
  const good = streamRecord('INSERT', { keys: { id: { S: 'z' } }, newImage: { id: { S: 'z' } } });
  await replicate({ Records: [bad, good] }).then(
    () => assert.unreachable('should fail'),
    (error: LambdaError) => assert.is(error.code, 'ReplicationFailed'),
  );
  assert.is(await readItem(ctx.standbyClient!, 'z'), undefined);
});

test('INSERT without NewImage (KEYS_ONLY stream) fails loudly', async () => {
  const record = streamRecord('INSERT', { keys: { id: { S: 'k' } } });
  await replicate({ Records: [record] }).then(
    () => assert.unreachable('should fail'),
    (error: LambdaError) => assert.is(error.code, 'UnreplicableRecord'),
  );
});

test('missing TARGET_REGION: clear MissingConfig error', async () => {
  const restore = setEnv({ TARGET_REGION: undefined });
  try {
    await replicate({ Records: [] }).then(
      () => assert.unreachable('should fail'),
      (error: LambdaError) => {
        assert.is(error.code, 'MissingConfig');
        assert.is(error.message, 'environment variable TARGET_REGION is required but not set');
      },
    );
  } finally {
    restore();
  }
});

test.run();
