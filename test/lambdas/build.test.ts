import { spawn } from 'node:child_process';
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

test("a cold start logs no SDK NodeVersionSupportWarning (the handler's own environment still decides)", async (ctx) => {
  const files = unzipSync(await buildLambdaZip('getProduct'));
  const file = join(ctx.dir!, 'cold-getProduct.js');
  await writeFile(file, files['index.js']!);
  const run = (env: Record<string, string>) =>
    new Promise<{ stderr: string; stdout: string }>((resolve, reject) => {
      const script = `require(${JSON.stringify(file)}).handler({ queryStringParameters: { id: 'x' } }).then((r) => console.log(r.statusCode))`;
      // A closed port: GetItem fails at once and the handler answers 500; what matters is the log.
      const base = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
      const child = spawn(process.execPath, ['-e', script], { env: { ...base, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', ...env } });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (c) => (stderr += c));
      child.stdout.on('data', (c) => (stdout += c));
      child.once('error', reject);
      child.once('exit', () => resolve({ stderr, stdout }));
    });
  const quiet = await run({});
  assert.is(quiet.stdout.trim(), '500');
  assert.not.match(quiet.stderr, /NodeVersionSupportWarning/);
  if (Number(process.versions.node.split('.')[0]) < 22) {
    const asked = await run({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
    assert.match(asked.stderr, /NodeVersionSupportWarning/, "the function's own setting wins (and shows the warning exists on this Node)");
  }
});

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
