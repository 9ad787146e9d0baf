import {
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  ListFunctionsCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Sandbox } from '../../emulator/lambda/runtime/Sandbox.ts';
import { sandboxEnvironment } from '../../emulator/lambda/runtime/sandboxEnv.ts';
import { BOOTSTRAP } from '../../emulator/lambda/runtime/sandboxProcess.ts';
import { sandboxUser } from '../../emulator/lambda/runtime/sandboxUser.ts';
import { TaskRoots } from '../../emulator/lambda/runtime/TaskRoots.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { startHoldServer, type HoldServer } from '../helpers/holdServer.ts';
import { createNodeFunction, waitUntilActive } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** The sandbox as a boundary: what a handler can see and break, and the concurrency limits. */
const test = emulatorSuite<{ lambda: LambdaClient; hold: HoldServer }>('lambda sandbox', { emulator: { timeScale: 100 } });

/** Handlers run as nobody when the emulator is root and nobody can read the checkout. */
const asRoot = sandboxUser(BOOTSTRAP) !== undefined;
const CANARY = 'fe-canary-7f3a91';

const PROBE = lambdaZip(`const fs = require('node:fs');
  const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
  exports.handler = async () => ({
    environ: fs.readFileSync('/proc/self/environ', 'utf8'),
    uid: process.getuid(),
    shadow: attempt(() => fs.readFileSync('/etc/shadow')),
    emulatorEnviron: attempt(() => fs.readFileSync('/proc/' + process.ppid + '/environ')),
    writeTaskRoot: attempt(() => fs.writeFileSync(process.env.LAMBDA_TASK_ROOT + '/planted.js', '')),
    signalEmulator: attempt(() => process.kill(process.ppid, 0)),
    commandUid: require('node:child_process').execSync('id -u').toString().trim(),
  });`);

/** Counts its invocations per sandbox; breaks on demand. */
const BREAKER = lambdaZip(`let count = 0;
  exports.handler = async (event) => {
    count++;
    switch (event.mode) {
      case 'kill': process.kill(process.pid, 'SIGKILL'); return 'unreachable';
      case 'loop': for (;;) {}
      case 'offheap': { const big = Buffer.alloc(512 * 1024 * 1024); big.fill(1); return big.length; }
      default: return { count };
    }
  };`);

/** Fetches `event.hold` (a HoldServer) and answers what it said, so a test decides when it ends. */
const HOLDER = lambdaZip(
  `exports.handler = async (event) => ({ said: await (await fetch(event.hold)).text(), taskRoot: process.env.LAMBDA_TASK_ROOT });`,
);

async function create(ctx: { lambda: LambdaClient }, name: string, zip: Uint8Array, extra: { Timeout?: number; MemorySize?: number } = {}) {
  await createNodeFunction(ctx.lambda, { FunctionName: name, Code: { ZipFile: zip }, ...extra });
  await waitUntilActive(ctx.lambda, name);
}

async function invoke(ctx: { lambda: LambdaClient }, name: string, event: unknown = {}) {
  const out = await ctx.lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
  return { out, body: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) };
}

test.before(async (ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
});

test.before.each(async (ctx) => {
  ctx.hold = await startHoldServer();
});

test.after.each(async (ctx) => {
  await ctx.hold.close();
});

test.after((ctx) => {
  ctx.lambda.destroy();
});

test('/proc/self/environ holds only the Lambda variables; as root, handlers run as nobody', async (ctx) => {
  process.env.FE_SANDBOX_CANARY = CANARY;
  try {
    await create(ctx, 'probe', PROBE);
    const { out, body } = await invoke(ctx, 'probe');
    assert.is(out.FunctionError, undefined, JSON.stringify(body));
    const environ: string = body.environ;
    assert.not.ok(environ.includes(CANARY), 'the canary in the emulator environment is not visible');
    const names = environ
      .split('\0')
      .filter(Boolean)
      .map((entry) => entry.slice(0, entry.indexOf('=')));
    // AWS_SESSION_TOKEN: the execution role's session, as on AWS (the emulator puts the invocation's
    // activity in it, so the handler's own AWS calls are linked to it on the idle-skipping clock).
    const expected = [
      'AWS_SESSION_TOKEN',
      ...Object.keys(
        sandboxEnvironment({
          functionName: 'probe',
          region: 'us-east-1',
          runtime: 'nodejs20.x',
          handler: 'index.handler',
          memoryMb: 128,
          timeoutSec: 3,
          taskRoot: '/',
          logStreamName: 's',
          endpoint: ctx.emu.endpoint,
          host: 'h',
          port: 1,
        }),
      ),
    ];
    assert.equal(names.sort(), expected.sort());
    if (asRoot) {
      assert.is(body.uid, 65534, 'nobody');
      assert.is(body.shadow, 'EACCES');
      assert.is(body.emulatorEnviron, 'EACCES', "the emulator's own environment is out of reach");
      assert.is(body.writeTaskRoot, 'EACCES', 'the code folder is read-only to the handler');
      assert.is(body.signalEmulator, 'EPERM', 'the handler cannot signal the emulator');
      assert.is(body.commandUid, '65534', 'commands the handler runs are unprivileged too');
    } else {
      assert.is(body.uid, process.getuid?.(), 'not root: handlers run as the emulator user');
    }
  } finally {
    delete process.env.FE_SANDBOX_CANARY;
  }
});

test('a handler that kills itself, loops forever or allocates past its memory fails that invocation only', async (ctx) => {
  await create(ctx, 'breaker', BREAKER, { Timeout: 1, MemorySize: 128 });
  assert.equal((await invoke(ctx, 'breaker')).body, { count: 1 });
  const rssBefore = process.memoryUsage.rss();
  const cases: [string, string, (id: string) => string][] = [
    ['kill', 'Runtime.ExitError', (id) => `RequestId: ${id} Error: Runtime exited with error: signal: killed`],
    ['loop', 'Sandbox.Timedout', (id) => `RequestId: ${id} Error: Task timed out after 1.00 seconds`],
    ['offheap', 'Runtime.OutOfMemory', (id) => `RequestId: ${id} Error: Runtime exited with error: signal: killed`],
  ];
  for (const [mode, errorType, message] of cases) {
    const { out, body } = await invoke(ctx, 'breaker', { mode });
    assert.is(out.StatusCode, 200, mode);
    assert.is(out.FunctionError, 'Unhandled', mode);
    assert.equal(body, { errorType, errorMessage: message(out.$metadata.requestId!) }, mode);
    // A fresh sandbox answers next (its count starts over), and the emulator serves on.
    assert.equal((await invoke(ctx, 'breaker')).body, { count: 1 }, `${mode}: fresh sandbox`);
    const listed = await ctx.lambda.send(new ListFunctionsCommand({}));
    assert.equal(
      listed.Functions?.map((f) => f.FunctionName),
      ['breaker'],
      `${mode}: the emulator still answers`,
    );
  }
  // The 512 MB went to (and died with) the sandbox process, not the emulator's.
  assert.ok(process.memoryUsage.rss() - rssBefore < 256 * 1048576, 'emulator RSS did not take the allocation');
});

test('20 concurrent invocations against a reserved concurrency of 5: 5 run, 15 get 429', async (ctx) => {
  await create(ctx, 'capped', HOLDER, { Timeout: 30 });
  const put = await ctx.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 5 }));
  assert.is(put.ReservedConcurrentExecutions, 5);

  const throttled: TooManyRequestsException[] = [];
  let allThrottled!: () => void;
  const fifteen = new Promise<void>((resolve) => (allThrottled = resolve));
  const calls = Array.from({ length: 20 }, () =>
    invoke(ctx, 'capped', { hold: ctx.hold.url }).catch((err: unknown) => {
      if (err instanceof TooManyRequestsException) throttled.push(err);
      if (throttled.length === 15) allThrottled();
      throw err;
    }),
  );
  // The 5 admitted handlers stay in flight until every other call has been answered.
  await Promise.race([fifteen, Promise.allSettled(calls)]);
  ctx.hold.releaseAll('done');
  const settled = await Promise.allSettled(calls);

  const ran = settled.filter((s) => s.status === 'fulfilled');
  assert.is(ran.length, 5);
  for (const r of ran) assert.is((r as PromiseFulfilledResult<{ body: { said: string } }>).value.body.said, 'done');
  assert.is(throttled.length, 15);
  for (const err of throttled) {
    assert.is(err.$metadata.httpStatusCode, 429);
    assert.is(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.is(err.message, 'Rate Exceeded.');
  }
  assert.is(ctx.hold.held.length, 5, 'only the admitted invocations ever ran');
});

test('past the account limit, a function without reservation gets 429 ConcurrentInvocationLimitExceeded', async (ctx) => {
  const lambdaApi = ctx.emu.api('lambda');
  lambdaApi.setAccountConcurrency(3);
  try {
    await create(ctx, 'shared', HOLDER, { Timeout: 30 });
    assert.equal(await settings(ctx), { ConcurrentExecutions: 3, UnreservedConcurrentExecutions: 3, FunctionCount: 1 });
    const calls = Array.from({ length: 4 }, () => invoke(ctx, 'shared', { hold: ctx.hold.url }));
    const refused = await Promise.race(
      calls.map((call) =>
        call.then(
          () => undefined,
          (err: unknown) => err,
        ),
      ),
    );
    assert.instance(refused, TooManyRequestsException);
    assert.is((refused as TooManyRequestsException).Reason, 'ConcurrentInvocationLimitExceeded');
    ctx.hold.releaseAll('done');
    const settled = await Promise.allSettled(calls);
    assert.equal(settled.map((s) => s.status).sort(), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    // A freed slot serves the next call.
    assert.is((await invoke(ctx, 'shared', { hold: ctx.hold.url })).body.said, 'done');
  } finally {
    lambdaApi.setAccountConcurrency(1000);
  }
});

test('PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency and GetAccountSettings', async (ctx) => {
  await create(ctx, 'reserved', HOLDER);
  assert.equal(await settings(ctx), { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000, FunctionCount: 1 });
  assert.is(
    (await ctx.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions,
    undefined,
  );

  await ctx.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 0 }));
  assert.is((await ctx.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions, 0);
  // A reservation of 0 turns the function off: every invocation is throttled.
  const off = await invoke(ctx, 'reserved', { hold: ctx.hold.url }).catch((err: unknown) => err);
  assert.instance(off, TooManyRequestsException);
  assert.is((off as TooManyRequestsException).Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');

  await ctx.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 900 }));
  assert.equal((await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'reserved' }))).Concurrency, {
    ReservedConcurrentExecutions: 900,
  });
  assert.equal(await settings(ctx), { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 100, FunctionCount: 1 });
  const tooMuch = await ctx.lambda
    .send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 901 }))
    .catch((err: { name: string; message: string }) => err);
  assert.is((tooMuch as Error).name, 'InvalidParameterValueException');
  assert.is(
    (tooMuch as Error).message,
    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
  );

  await ctx.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'reserved' }));
  assert.is((await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'reserved' }))).Concurrency, undefined);
  assert.is(
    (await ctx.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions,
    undefined,
  );
  ctx.hold.releaseAll('free again');
  assert.is((await invoke(ctx, 'reserved', { hold: ctx.hold.url })).body.said, 'free again');
  const missing = await ctx.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'nope' })).catch((err: Error) => err);
  assert.is((missing as Error).name, 'ResourceNotFoundException');
});

test('deleting a function lets its running invocation answer, then removes its code', async (ctx) => {
  await create(ctx, 'doomed', HOLDER, { Timeout: 30 });
  const running = invoke(ctx, 'doomed', { hold: ctx.hold.url });
  await ctx.hold.arrived(1);
  await ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
  const gone = await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'doomed' })).catch((err: Error) => err);
  assert.is((gone as Error).name, 'ResourceNotFoundException');
  ctx.hold.releaseAll('finished anyway');
  const { out, body } = await running;
  assert.is(out.FunctionError, undefined);
  assert.is(body.said, 'finished anyway');
  assert.ok(existsSync(body.taskRoot), 'the code stayed while the invocation ran');
  await ctx.emu.reset();
  assert.not.ok(existsSync(body.taskRoot), 'the code folder goes with the function');
});

async function settings(ctx: { lambda: LambdaClient }) {
  const out = await ctx.lambda.send(new GetAccountSettingsCommand({}));
  return {
    ConcurrentExecutions: out.AccountLimit?.ConcurrentExecutions,
    UnreservedConcurrentExecutions: out.AccountLimit?.UnreservedConcurrentExecutions,
    FunctionCount: out.AccountUsage?.FunctionCount,
  };
}

test('the sandbox tags requests to the emulator with the activity id, and an abort ends the invocation', async (ctx) => {
  // The sandbox on its own, with a HoldServer as "the emulator" (AWS_ENDPOINT_URL) and a second
  // server as some other host: the clock side passes activity ids and abort signals this way.
  const other = await startHoldServer();
  const roots = new TaskRoots();
  const source = `const http = require('node:http');
    exports.handler = async (event) => {
      if (event.other) await (await fetch(event.other)).text();
      await new Promise((resolve, reject) => http.get(process.env.AWS_ENDPOINT_URL + '/by-http', (res) => res.resume().on('end', resolve)).on('error', reject));
      await (await fetch(process.env.AWS_ENDPOINT_URL + '/by-fetch')).text();
      return 'tagged';
    };`;
  const taskRoot = await roots.create('activity', new Map([['index.js', new TextEncoder().encode(source)]]));
  const spec = {
    functionName: 'activity',
    functionVersion: '$LATEST',
    taskRoot,
    handler: 'index.handler',
    memoryMb: 128,
    timeoutSec: 30,
    logGroupName: '/aws/lambda/activity',
    logStreamName: 's',
    env: sandboxEnvironment({
      functionName: 'activity',
      region: 'us-east-1',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      memoryMb: 128,
      timeoutSec: 30,
      taskRoot,
      logStreamName: 's',
      endpoint: ctx.hold.url,
      host: '127.0.0.1',
      port: 1,
    }),
  };
  const sandbox = new Sandbox(spec, 0, () => undefined);
  try {
    ctx.hold.releaseAll();
    other.releaseAll();
    const request = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:activity' };
    const tagged = await sandbox.invoke({
      ...request,
      requestId: 'r1',
      payload: JSON.stringify({ other: other.url }),
      activityId: 'act-42',
    });
    assert.is(tagged.payload.toString(), '"tagged"');
    assert.equal(
      ctx.hold.held.map((r) => [r.url, r.headers['x-fe-activity']]),
      [
        ['/by-http', 'act-42'],
        ['/by-fetch', 'act-42'],
      ],
    );
    assert.is(other.held[0]?.headers['x-fe-activity'], undefined, 'other hosts see no activity header');

    const untagged = await sandbox.invoke({ ...request, requestId: 'r2', payload: '{}' });
    assert.is(untagged.payload.toString(), '"tagged"', 'the same warm sandbox');
    assert.equal(
      ctx.hold.held.slice(2).map((r) => r.headers['x-fe-activity']),
      [undefined, undefined],
      'no id, no header',
    );

    const stuck = await startHoldServer();
    const abort = new AbortController();
    const running = sandbox.invoke({ ...request, requestId: 'r3', payload: JSON.stringify({ other: stuck.url }), signal: abort.signal });
    await stuck.arrived(1);
    abort.abort();
    const aborted = await running;
    await stuck.close();
    assert.is(aborted.functionError, 'Unhandled');
    assert.equal(JSON.parse(aborted.payload.toString()), {
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: r3 Error: Task timed out after 30.00 seconds',
    });
    assert.not.ok(sandbox.usable, 'the aborted sandbox is gone');
  } finally {
    await sandbox.terminate();
    await roots.dispose();
    await other.close();
  }
});

test.run();
