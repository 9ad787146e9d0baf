import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unzipSync } from 'fflate';
import { buildLambdaZip, LAMBDA_DESCRIPTIONS, LAMBDA_HANDLER, LAMBDA_NAMES, type LambdaName } from '../../lambdas/build.ts';
import { LambdaError } from '../../lambdas/errors.ts';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult } from '../../lambdas/types.ts';
import { createProductsTable, handlerEnv, setEnv, startDynalite } from './dynamo.ts';
import { proxyEvent, SUPER_WIDGET, SUPER_WIDGET_JSON } from './fixtures.ts';

const test = suite<{ dir?: string }>('lambdas/build');

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'failover-lambdas-'));
  // Stands in for the Lambda runtime, which provides @aws-sdk/* to the external imports.
  await symlink(join(process.cwd(), 'node_modules'), join(ctx.dir, 'node_modules'), 'dir');
});

test.after(async (ctx) => {
  if (ctx.dir) await rm(ctx.dir, { recursive: true, force: true });
});

test('exports the four handlers, their descriptions and the handler string', () => {
  assert.equal([...LAMBDA_NAMES], ['getProduct', 'addProduct', 'healthcheck', 'replicate']);
  assert.equal(Object.keys(LAMBDA_DESCRIPTIONS).sort(), [...LAMBDA_NAMES].sort());
  assert.is(LAMBDA_HANDLER, 'index.handler');
});

for (const name of LAMBDA_NAMES) {
  test(`${name}: a zip holding only index.js, loadable, exporting handler`, async (ctx) => {
    const zip = await buildLambdaZip(name);

    const files = unzipSync(zip);
    assert.equal(Object.keys(files), ['index.js']);
    const source = Buffer.from(files['index.js']!).toString('utf8');
    assert.not.match(source, /class DynamoDBClient\b/, 'the SDK is external, not bundled');

    const file = join(ctx.dir!, `${name}.js`);
    await writeFile(file, files['index.js']!);
    const loaded = createRequire(file)(file) as { handler?: unknown };
    assert.type(loaded.handler, 'function');
  });
}

test('same name → same promise; identical code → identical bytes', async () => {
  const first = buildLambdaZip('getProduct');
  assert.is(buildLambdaZip('getProduct'), first);
  assert.is.not(buildLambdaZip('addProduct'), first);
  const again = await first;
  assert.ok(again.byteLength > 0);
});

test('the bundled healthcheck answers like the source', async (ctx) => {
  const files = unzipSync(await buildLambdaZip('healthcheck'));
  const file = join(ctx.dir!, 'healthcheck-run.js');
  await writeFile(file, files['index.js']!);
  const { handler } = createRequire(file)(file) as { handler: () => Promise<{ body: string }> };
  assert.is((await handler()).body, '{"message": "Success"}');
});

test('the bundled add-product and get-product reach DynamoDB through AWS_ENDPOINT_URL alone', async (ctx) => {
  type ProxyHandler = (event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult>;
  const load = async (name: LambdaName): Promise<ProxyHandler> => {
    const file = join(ctx.dir!, `${name}-run.js`);
    await writeFile(file, unzipSync(await buildLambdaZip(name))['index.js']!);
    return (createRequire(file)(file) as { handler: ProxyHandler }).handler;
  };
  const db = await startDynalite();
  const restore = setEnv(handlerEnv(db));
  try {
    await createProductsTable(db, 'us-east-1');
    const add = await load('addProduct');
    const get = await load('getProduct');
    const added = await add(proxyEvent({ method: 'POST', path: '/productApi', body: JSON.stringify(SUPER_WIDGET) }));
    assert.is(added.body, 'Product added/updated successfully.');
    const read = await get(proxyEvent({ method: 'GET', path: '/productApi', query: { id: 'prod-1088' } }));
    assert.is(read.body, SUPER_WIDGET_JSON);
  } finally {
    restore();
    await db.close();
  }
});

test('an unknown name rejects with BuildFailed', async () => {
  await buildLambdaZip('nope' as LambdaName).then(
    () => assert.unreachable('should fail'),
    (error: LambdaError) => {
      assert.instance(error, LambdaError);
      assert.is(error.code, 'BuildFailed');
    },
  );
});

test.run();
