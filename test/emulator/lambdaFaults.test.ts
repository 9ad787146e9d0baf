import { GetFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import type { FaultRule } from '../../emulator/faults.ts';
import { startEmulator } from '../../emulator/index.ts';
import type { LambdaApi } from '../../emulator/lambda/api.ts';
import { FUNCTION_PENDING_MS } from '../../emulator/lambda/LambdaBackend.ts';
import { ServiceError } from '../../emulator/protocol/ServiceError.ts';
import { lambdaClient, perRegion } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { createNodeFunction, waitUntilActive } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** Fault rules (as FIS installs them) on Lambda Invoke, for HTTP and internal callers alike. */
const test = emulatorSuite<{ clients: Record<string, LambdaClient>; api: LambdaApi }>('lambda faults', { emulator: { timeScale: 100 } });

const REGIONS = ['us-east-1', 'eu-central-1'];
const arn = (region: string, name: string) => `arn:aws:lambda:${region}:000000000000:function:${name}`;
/** Counts its runs per sandbox, so a test can tell whether the handler ran. */
const COUNTER = lambdaZip('let runs = 0; exports.handler = async () => ({ runs: ++runs, region: process.env.AWS_REGION });');

function rule(partial: Partial<FaultRule> & Pick<FaultRule, 'effect'>): FaultRule {
  return { service: 'lambda', operation: 'Invoke', percentage: 100, owner: 'test', ...partial };
}

async function httpInvoke(ctx: { clients: Record<string, LambdaClient> }, region: string, name: string) {
  const out = await ctx.clients[region]!.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }));
  return { out, body: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) };
}

async function internalInvoke(ctx: { api: LambdaApi }, region: string, name: string) {
  const result = await ctx.api.invoke({ region, functionName: arn(region, name), payload: '{}' });
  return { result, body: JSON.parse(result.payload.toString('utf8')) };
}

test.before((ctx) => {
  ctx.api = ctx.emu.api('lambda');
  ctx.clients = perRegion(lambdaClient, ctx.emu, REGIONS);
});

test.after((ctx) => {
  for (const client of Object.values(ctx.clients)) client.destroy();
});

test.before.each(async (ctx) => {
  for (const region of REGIONS) {
    for (const name of ['product', 'other']) {
      const client = ctx.clients[region]!;
      await createNodeFunction(client, { FunctionName: name, Code: { ZipFile: COUNTER } });
      await waitUntilActive(client, name);
    }
  }
});

test('an API-error rule on us-east-1 Invoke makes internal invoke reject there; eu-central-1 works', async (ctx) => {
  ctx.emu.faults.add(
    rule({ region: 'us-east-1', effect: { kind: 'error', status: 500, code: 'InternalServerError', message: 'Internal Server Error' } }),
  );
  try {
    await ctx.api.invoke({ region: 'us-east-1', functionName: 'product', payload: '{}' });
    assert.unreachable('us-east-1 should fail');
  } catch (err) {
    assert.instance(err, ServiceError);
    assert.is((err as ServiceError).code, 'InternalServerError');
    assert.is((err as ServiceError).status, 500);
    assert.is((err as ServiceError).message, 'Internal Server Error');
  }
  // The callee's region comes from the ARN, whatever region the caller is in.
  try {
    await ctx.api.invoke({ region: 'eu-central-1', functionName: arn('us-east-1', 'product'), payload: '{}' });
    assert.unreachable('the ARN names us-east-1');
  } catch (err) {
    assert.is((err as ServiceError).code, 'InternalServerError');
  }
  const eu = await internalInvoke(ctx, 'eu-central-1', 'product');
  assert.is(eu.result.statusCode, 200);
  assert.is(eu.result.functionError, undefined);
  assert.is(eu.body.region, 'eu-central-1');

  // Over HTTP the gateway applies the same rule.
  try {
    await httpInvoke(ctx, 'us-east-1', 'product');
    assert.unreachable('HTTP us-east-1 should fail');
  } catch (err) {
    assert.is((err as Error).name, 'InternalServerError');
    assert.is((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 500);
  }
  assert.is((await httpInvoke(ctx, 'eu-central-1', 'product')).body.region, 'eu-central-1');

  ctx.emu.faults.removeOwner('test');
  assert.is((await internalInvoke(ctx, 'us-east-1', 'product')).result.statusCode, 200);
});

test('aws:lambda:invocation-error scoped to one function ARN, with and without preventExecution', async (ctx) => {
  const target = arn('us-east-1', 'product');
  ctx.emu.faults.add(rule({ resources: [target], effect: { kind: 'functionError', preventExecution: true } }));
  for (const call of [() => httpInvoke(ctx, 'us-east-1', 'product'), () => internalInvoke(ctx, 'us-east-1', 'product')]) {
    const { body } = await call();
    assert.equal(body, {
      errorType: 'FIS.InjectedError',
      errorMessage: 'Failing as per Fault Injection Simulator configuration',
      trace: [],
    });
  }
  assert.is((await httpInvoke(ctx, 'us-east-1', 'product')).out.FunctionError, 'Unhandled');
  assert.is((await internalInvoke(ctx, 'us-east-1', 'product')).result.functionError, 'Unhandled');
  // Other functions, and the same name in another region, are untouched.
  assert.is((await httpInvoke(ctx, 'us-east-1', 'other')).out.FunctionError, undefined);
  assert.is((await internalInvoke(ctx, 'eu-central-1', 'product')).result.functionError, undefined);

  ctx.emu.faults.clear();
  assert.equal((await httpInvoke(ctx, 'us-east-1', 'product')).body.runs, 1, 'preventExecution: the handler never ran');

  ctx.emu.faults.add(rule({ resources: [target], effect: { kind: 'functionError', preventExecution: false } }));
  assert.is((await httpInvoke(ctx, 'us-east-1', 'product')).out.FunctionError, 'Unhandled');
  ctx.emu.faults.clear();
  assert.is((await httpInvoke(ctx, 'us-east-1', 'product')).body.runs, 3, 'without preventExecution the handler ran');
});

test('aws:lambda:invocation-http-integration-response answers a proxy response with the status', async (ctx) => {
  ctx.emu.faults.add(
    rule({
      resources: [arn('us-east-1', 'product')],
      effect: { kind: 'httpResponse', statusCode: 503, contentType: 'text/plain', preventExecution: true },
    }),
  );
  const { result, body } = await internalInvoke(ctx, 'us-east-1', 'product');
  assert.is(result.statusCode, 200);
  assert.is(result.functionError, undefined);
  assert.equal(body, { statusCode: 503, headers: { 'Content-Type': 'text/plain' }, body: '' });
  const http = await httpInvoke(ctx, 'us-east-1', 'product');
  assert.equal(http.body, { statusCode: 503, headers: { 'Content-Type': 'text/plain' }, body: '' });
});

test('rules scoped to a function ARN apply over HTTP too', async (ctx) => {
  ctx.emu.faults.add(
    rule({
      resources: [arn('us-east-1', 'product')],
      effect: { kind: 'error', status: 503, code: 'ServiceUnavailableException', message: 'injected' },
    }),
  );
  try {
    await httpInvoke(ctx, 'us-east-1', 'product');
    assert.unreachable('scoped error over HTTP');
  } catch (err) {
    assert.is((err as Error).name, 'ServiceUnavailableException');
    assert.is((err as Error).message, 'injected');
  }
  assert.is((await httpInvoke(ctx, 'us-east-1', 'other')).out.StatusCode, 200);
});

test('a latency rule, scoped to the function or not, delays an HTTP invoke once, not twice (gateway + Lambda)', async () => {
  // Its own emulator on a ManualClock: the invoke must answer exactly when 30 emulated seconds
  // have passed, not at 29.999 s, and no second sleep may start after the first one (which
  // would make it 60 s).
  const clock = new ManualClock();
  const emu = await startEmulator({ clock });
  const lambda = lambdaClient(emu);
  try {
    await createNodeFunction(lambda, { FunctionName: 'product', Code: { ZipFile: COUNTER } });
    await clock.advance(FUNCTION_PENDING_MS);
    assert.is((await lambda.send(new GetFunctionCommand({ FunctionName: 'product' }))).Configuration?.State, 'Active');
    const LATENCY = 30_000;
    const cases: [string, Partial<FaultRule>][] = [
      ['unscoped', { region: 'us-east-1' }],
      ['scoped', { resources: [arn('us-east-1', 'product')] }],
    ];
    for (const [i, [label, scope]] of cases.entries()) {
      emu.faults.add(rule({ ...scope, effect: { kind: 'latency', ms: LATENCY } }));
      const idle = clock.pending().length;
      let settled = false;
      const call = lambda.send(new InvokeCommand({ FunctionName: 'product', Payload: '{}' })).finally(() => (settled = true));
      call.catch(() => {});
      // The request crosses a real socket before it reaches the sleep: wait for the timer.
      await until(() => clock.pending().length > idle || settled);
      assert.is(clock.pending().length, idle + 1, `${label}: the invoke sleeps on the emulator clock`);
      await clock.advance(LATENCY - 1);
      assert.not.ok(settled, `${label}: still waiting 1 ms before the latency has passed`);
      assert.is(clock.pending().length, idle + 1, `${label}: the same sleep is still pending`);
      await clock.advance(1);
      // Now either the response comes (latency applied once) or a second sleep starts (twice).
      await until(() => settled || clock.pending().length > idle);
      assert.is(clock.pending().length, idle, `${label}: no second sleep once the latency has passed`);
      assert.ok(settled, `${label}: the invoke answers once the latency has passed`);
      const out = await call;
      assert.is(out.StatusCode, 200, label);
      assert.is(JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')).runs, i + 1, `${label}: the handler ran`);
      emu.faults.clear();
    }
  } finally {
    lambda.destroy();
    await emu.stop();
  }
});

/**
 * Waits until `done()` holds. HTTP and the function's sandbox run in real time, so this polls;
 * the limit only stops a broken emulator from hanging the suite, and the assertions after it
 * say what was wrong.
 */
async function until(done: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

test.run();
