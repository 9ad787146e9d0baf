import { DeleteFunctionCommand, InvokeCommand, type CreateFunctionCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { lambdaClient, perRegion } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { createNodeFunction, waitUntilActive } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** The Node.js runtime: isolation, environment, context, failures and the SDK it provides. */
const test = emulatorSuite<{ clients: Record<string, LambdaClient> }>('lambda runtime', { emulator: { timeScale: 100 } });

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

const INSPECT = lambdaZip({
  'index.js': `exports.handler = async (event, context) => {
    if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
    return {
      env: process.env,
      context: {
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        awsRequestId: context.awsRequestId,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        remaining: context.getRemainingTimeInMillis(),
        callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      },
    };
  };`,
});

/**
 * Writes its request id into `dir`, then waits until `parties` invocations have (or `limitMs`
 * has passed, so a broken runtime fails the test instead of hanging it) and reports how many
 * it saw.
 */
const RENDEZVOUS = lambdaZip({
  'index.js': `const { readdirSync, writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  exports.handler = async ({ dir, parties, limitMs }, context) => {
    writeFileSync(join(dir, context.awsRequestId), '');
    const giveUp = Date.now() + limitMs;
    let arrived = readdirSync(dir).length;
    while (arrived < parties && Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 10));
      arrived = readdirSync(dir).length;
    }
    return { arrived, logStreamName: context.logStreamName };
  };`,
});
const RENDEZVOUS_LIMIT_S = 15;

/** One function that fails on demand, and counts invocations per sandbox to show warmth. */
const MOODY = lambdaZip({
  'index.js': `let count = 0;
  exports.handler = async (event) => {
    count++;
    switch (event.mode) {
      case 'throw': throw new Error('thrown on purpose');
      case 'hang': for (;;) {}
      case 'exit': process.exit(1);
      case 'crash': setTimeout(() => { throw new RangeError('crashed in a timer'); }, 5); return new Promise(() => {});
      case 'reject': Promise.reject(new Error('nobody listens')); return new Promise(() => {});
      case 'oom': { const hog = []; for (;;) hog.push(new Array(1e6).fill(1.5)); }
      default: return { count };
    }
  };`,
});

async function create(
  ctx: { clients: Record<string, LambdaClient> },
  region: string,
  input: Partial<CreateFunctionCommandInput> & { FunctionName: string },
) {
  const client = ctx.clients[region]!;
  await createNodeFunction(client, { Role: ROLE, Code: { ZipFile: INSPECT }, ...input });
  await waitUntilActive(client, input.FunctionName);
}

async function invoke(ctx: { clients: Record<string, LambdaClient> }, region: string, name: string, event: unknown = {}) {
  const out = await ctx.clients[region]!.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
  return { out, body: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) };
}

test.before((ctx) => {
  ctx.clients = perRegion(lambdaClient, ctx.emu, ['us-east-1', 'eu-central-1']);
});

test.after((ctx) => {
  for (const client of Object.values(ctx.clients)) client.destroy();
});

test('two functions in two regions, invoked concurrently, each see their own region and name', async (ctx) => {
  await create(ctx, 'us-east-1', { FunctionName: 'add-product', MemorySize: 512, Timeout: 7 });
  await create(ctx, 'eu-central-1', { FunctionName: 'add-product', MemorySize: 256 });
  const calls = await Promise.all(
    [0, 1, 2].flatMap(() => [
      invoke(ctx, 'us-east-1', 'add-product', { sleepMs: 30 }),
      invoke(ctx, 'eu-central-1', 'add-product', { sleepMs: 30 }),
    ]),
  );
  for (const [i, { out, body }] of calls.entries()) {
    const region = i % 2 === 0 ? 'us-east-1' : 'eu-central-1';
    assert.is(out.FunctionError, undefined);
    assert.is(body.env.AWS_REGION, region);
    assert.is(body.env.AWS_DEFAULT_REGION, region);
    assert.is(body.env.AWS_LAMBDA_FUNCTION_NAME, 'add-product');
    assert.is(body.context.invokedFunctionArn, `arn:aws:lambda:${region}:000000000000:function:add-product`);
    assert.is(body.context.awsRequestId, out.$metadata.requestId);
    assert.is(body.context.memoryLimitInMB, region === 'us-east-1' ? '512' : '256');
  }
  const { body } = calls[0]!;
  assert.equal(body.context.functionName, 'add-product');
  assert.is(body.context.functionVersion, '$LATEST');
  assert.is(body.context.logGroupName, '/aws/lambda/add-product');
  assert.match(body.context.logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.ok(body.context.remaining > 6000 && body.context.remaining <= 7000, `remaining ${body.context.remaining}`);
  assert.is(body.context.callbackWaitsForEmptyEventLoop, true);
  const env = body.env;
  assert.is(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
  assert.is(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '512');
  assert.is(env.AWS_LAMBDA_FUNCTION_TIMEOUT, '7');
  assert.is(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/add-product');
  assert.is(env.AWS_LAMBDA_LOG_STREAM_NAME, body.context.logStreamName);
  assert.is(env._HANDLER, 'index.handler');
  assert.is(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
  assert.is(env.TZ, ':UTC');
  assert.is(env.AWS_ACCESS_KEY_ID, 'test');
  assert.is(env.AWS_SECRET_ACCESS_KEY, 'test');
  assert.is(env.AWS_ENDPOINT_URL, ctx.emu.endpoint);
  assert.ok(env.LAMBDA_TASK_ROOT && env.LAMBDA_TASK_ROOT.includes('failover-engine-lambda-'), env.LAMBDA_TASK_ROOT);
});

test('user Variables come last and override; nothing of the emulator process leaks in', async (ctx) => {
  process.env.FE_LAMBDA_LEAK_CHECK = 'leaked';
  try {
    await create(ctx, 'us-east-1', {
      FunctionName: 'env',
      Environment: { Variables: { AWS_REGION: 'eu-west-3', AWS_ENDPOINT_URL: 'http://elsewhere:1', TABLE_NAME: 'Products' } },
    });
    const { body } = await invoke(ctx, 'us-east-1', 'env');
    assert.is(body.env.AWS_REGION, 'eu-west-3');
    assert.is(body.env.AWS_DEFAULT_REGION, 'us-east-1');
    assert.is(body.env.AWS_ENDPOINT_URL, 'http://elsewhere:1');
    assert.is(body.env.TABLE_NAME, 'Products');
    assert.is(body.env.FE_LAMBDA_LEAK_CHECK, undefined);
    assert.is(process.env.AWS_LAMBDA_FUNCTION_NAME, undefined);
    // The code folder lives under os.tmpdir() and goes with the function.
    const taskRoot: string = body.env.LAMBDA_TASK_ROOT;
    assert.ok(taskRoot.startsWith(tmpdir()) && existsSync(join(taskRoot, 'index.js')), taskRoot);
    await ctx.clients['us-east-1']!.send(new DeleteFunctionCommand({ FunctionName: 'env' }));
    assert.not.ok(existsSync(taskRoot), 'task root removed on DeleteFunction');
  } finally {
    delete process.env.FE_LAMBDA_LEAK_CHECK;
  }
});

test('throwing, hanging, exiting, crashing and out-of-memory handlers; each followed by successful invocations', async (ctx) => {
  await create(ctx, 'us-east-1', { FunctionName: 'moody', Code: { ZipFile: MOODY }, Timeout: 1 });
  await create(ctx, 'us-east-1', { FunctionName: 'bystander' });
  assert.equal((await invoke(ctx, 'us-east-1', 'moody')).body, { count: 1 });

  const thrown = await invoke(ctx, 'us-east-1', 'moody', { mode: 'throw' });
  assert.is(thrown.out.FunctionError, 'Unhandled');
  assert.is(thrown.body.errorType, 'Error');
  assert.is(thrown.body.errorMessage, 'thrown on purpose');
  // A thrown error does not end the sandbox: the same warm module answers next.
  assert.equal((await invoke(ctx, 'us-east-1', 'moody')).body, { count: 3 });

  const expectations: [string, (id: string) => Record<string, unknown>][] = [
    ['hang', (id) => ({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after 1.00 seconds` })],
    [
      'exit',
      (id) => ({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status 1` }),
    ],
    ['crash', () => ({ errorType: 'RangeError', errorMessage: 'crashed in a timer' })],
    ['reject', () => ({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: nobody listens' })],
    [
      'oom',
      (id) => ({ errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${id} Error: Runtime exited with error: signal: killed` }),
    ],
  ];
  for (const [mode, expected] of expectations) {
    const started = Date.now();
    const failed = await invoke(ctx, 'us-east-1', 'moody', { mode });
    assert.is(failed.out.StatusCode, 200, mode);
    assert.is(failed.out.FunctionError, 'Unhandled', mode);
    const want = expected(failed.out.$metadata.requestId!);
    assert.equal({ errorType: failed.body.errorType, errorMessage: failed.body.errorMessage }, want, mode);
    if (mode === 'hang') assert.ok(Date.now() - started >= 1000, 'the timeout is real time');
    // The sandbox is gone: the next invocation gets a fresh one (count starts over) ...
    assert.equal((await invoke(ctx, 'us-east-1', 'moody')).body, { count: 1 }, `${mode}: fresh sandbox`);
    // ... and the other function never noticed.
    const other = await invoke(ctx, 'us-east-1', 'bystander');
    assert.is(other.out.FunctionError, undefined, `${mode}: bystander`);
  }
});

test('the runtime provides the AWS SDK v3 to CJS and ESM handlers', async (ctx) => {
  const cjs = lambdaZip({
    'index.js': `const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb');
    exports.handler = async (event) => {
      const client = new DynamoDBClient({});
      const region = await client.config.region();
      if (!event.call) return { region, constructed: true };
      const out = await client.send(new ListTablesCommand({}));
      return { region, tables: out.TableNames };
    };`,
  });
  const esm = lambdaZip({
    'index.mjs': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
    import { LambdaClient } from '@aws-sdk/client-lambda';
    export const handler = async () => ({ region: await new DynamoDBClient({}).config.region(), lambda: typeof LambdaClient });`,
  });
  await create(ctx, 'eu-central-1', { FunctionName: 'sdk-cjs', Code: { ZipFile: cjs } });
  await create(ctx, 'eu-central-1', { FunctionName: 'sdk-esm', Code: { ZipFile: esm }, Runtime: 'nodejs22.x' });
  const a = await invoke(ctx, 'eu-central-1', 'sdk-cjs');
  assert.is(a.out.FunctionError, undefined, JSON.stringify(a.body));
  assert.equal(a.body, { region: 'eu-central-1', constructed: true });
  const b = await invoke(ctx, 'eu-central-1', 'sdk-esm');
  assert.is(b.out.FunctionError, undefined, JSON.stringify(b.body));
  assert.equal(b.body, { region: 'eu-central-1', lambda: 'function' });

  // Calling DynamoDB through AWS_ENDPOINT_URL needs the DynamoDB service of the emulator.
  const probe = await fetch(ctx.emu.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
    body: '{}',
  });
  if (probe.status !== 200) {
    console.log(`  (skipped the DynamoDB call from inside the function: the emulator's DynamoDB answered ${probe.status})`);
    return;
  }
  const c = await invoke(ctx, 'eu-central-1', 'sdk-cjs', { call: true });
  assert.is(c.out.FunctionError, undefined, JSON.stringify(c.body));
  assert.equal(c.body, { region: 'eu-central-1', tables: [] });
});

test('a package bundled in the zip wins over the one the runtime provides', async (ctx) => {
  const bundled = lambdaZip({
    'node_modules/@aws-sdk/client-dynamodb/package.json': JSON.stringify({ name: '@aws-sdk/client-dynamodb', main: 'index.js' }),
    'node_modules/@aws-sdk/client-dynamodb/index.js': 'exports.bundled = true;',
    'index.js': "exports.handler = async () => require('@aws-sdk/client-dynamodb').bundled === true;",
  });
  await create(ctx, 'us-east-1', { FunctionName: 'bundled', Code: { ZipFile: bundled } });
  assert.is((await invoke(ctx, 'us-east-1', 'bundled')).body, true);
});

test("callback handlers, handler paths in folders, and the runtime's init errors", async (ctx) => {
  const callback = lambdaZip({
    'src/app.js': 'exports.nested = { run: (event, context, cb) => setTimeout(() => cb(null, { got: event.x }), 5) };',
  });
  await create(ctx, 'us-east-1', { FunctionName: 'cb', Code: { ZipFile: callback }, Handler: 'src/app.nested.run' });
  assert.equal((await invoke(ctx, 'us-east-1', 'cb', { x: 42 })).body, { got: 42 });

  const cbError = lambdaZip({ 'index.js': "exports.handler = (event, context, cb) => cb(new Error('via callback'));" });
  await create(ctx, 'us-east-1', { FunctionName: 'cb-error', Code: { ZipFile: cbError } });
  const failed = await invoke(ctx, 'us-east-1', 'cb-error');
  assert.is(failed.out.FunctionError, 'Unhandled');
  assert.is(failed.body.errorMessage, 'via callback');

  await create(ctx, 'us-east-1', { FunctionName: 'no-module', Handler: 'missing.handler' });
  const noModule = await invoke(ctx, 'us-east-1', 'no-module');
  assert.is(noModule.out.FunctionError, 'Unhandled');
  assert.is(noModule.body.errorType, 'Runtime.ImportModuleError');
  assert.match(noModule.body.errorMessage, /^Error: Cannot find module 'missing'\nRequire stack:\n- /);

  await create(ctx, 'us-east-1', { FunctionName: 'no-export', Handler: 'index.nothere' });
  const noExport = await invoke(ctx, 'us-east-1', 'no-export');
  assert.equal(
    { errorType: noExport.body.errorType, errorMessage: noExport.body.errorMessage },
    { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothere is undefined or not exported' },
  );

  const missingDep = lambdaZip({ 'index.js': "require('left-pad'); exports.handler = async () => 1;" });
  await create(ctx, 'us-east-1', { FunctionName: 'no-dep', Code: { ZipFile: missingDep } });
  const noDep = await invoke(ctx, 'us-east-1', 'no-dep');
  assert.is(noDep.body.errorType, 'Runtime.ImportModuleError');
  assert.match(noDep.body.errorMessage, /^Error: Cannot find module 'left-pad'/);

  const syntax = lambdaZip({ 'index.js': 'exports.handler = async () => {;' });
  await create(ctx, 'us-east-1', { FunctionName: 'syntax', Code: { ZipFile: syntax } });
  assert.is((await invoke(ctx, 'us-east-1', 'syntax')).body.errorType, 'Runtime.UserCodeSyntaxError');
});

test('concurrent invocations of one function run in parallel sandboxes', async (ctx) => {
  // A rendezvous instead of a stopwatch: each invocation marks its arrival in a shared folder
  // and waits until all four have arrived. Only invocations running at the same time can all
  // see four; run one after another, the first would see only itself.
  const dir = await mkdtemp(join(tmpdir(), 'lambda-rendezvous-'));
  // Handlers run as nobody when the tests run as root: the shared folder must be theirs to write.
  await chmod(dir, 0o777);
  try {
    await create(ctx, 'us-east-1', { FunctionName: 'rendezvous', Code: { ZipFile: RENDEZVOUS }, Timeout: RENDEZVOUS_LIMIT_S + 5 });
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => invoke(ctx, 'us-east-1', 'rendezvous', { dir, parties: 4, limitMs: RENDEZVOUS_LIMIT_S * 1000 })),
    );
    for (const { out, body } of results) assert.is(out.FunctionError, undefined, JSON.stringify(body));
    assert.equal(
      results.map((r) => r.body.arrived),
      [4, 4, 4, 4],
      'every invocation was running while all four had started',
    );
    const streams = new Set(results.map((r) => r.body.logStreamName));
    assert.is(streams.size, 4, 'one sandbox (log stream) per concurrent invocation');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
