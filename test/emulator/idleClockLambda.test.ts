import { GetFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { createNodeFunction } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/**
 * Lambda on the idle-skipping clock: a handler's compute costs no AWS time (only the modelled
 * invoke overhead), and a busy-looping handler, which holds AWS time still, still ends with
 * Sandbox.Timedout through the wall-time half of its timeout; the clock moves on afterwards.
 */
const test = emulatorSuite<{ lambda: LambdaClient }>('lambda on the idle-skipping clock', { emulator: { timeScale: 'idle', seed: 5 } });

test.before((ctx) => {
  ctx.lambda = lambdaClient(ctx.emu, 'us-east-1');
});

async function activeFunction(
  ctx: { emu: { clock: import('../../emulator/clock.ts').Clock }; lambda: LambdaClient },
  name: string,
  source: string,
): Promise<void> {
  await createNodeFunction(ctx.lambda, { FunctionName: name, Code: { ZipFile: lambdaZip({ 'index.js': source }) }, Timeout: 1 });
  // Waiting on AWS time from inside an activity is what lets the clock move (Pending → Active).
  await ctx.emu.clock.activity('test', async () => {
    while ((await ctx.lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.State !== 'Active')
      await ctx.emu.clock.sleep(50);
  });
}

test('a handler costs only the modelled invoke overhead in AWS time', async (ctx) => {
  await activeFunction(ctx, 'work', 'exports.handler = async () => { let x = 0; for (let i = 0; i < 5e6; i++) x += i; return x > 0; };');
  const before = ctx.emu.clock.now();
  const out = await ctx.emu.clock.activity('test', () => ctx.lambda.send(new InvokeCommand({ FunctionName: 'work', Payload: '{}' })));
  assert.is(out.FunctionError, undefined);
  assert.is(Buffer.from(out.Payload!).toString(), 'true');
  assert.is(ctx.emu.clock.now() - before, ctx.emu.model.invokeOverhead);
});

test('a busy-looping handler ends with Sandbox.Timedout, and AWS time moves again afterwards', async (ctx) => {
  await activeFunction(ctx, 'spin', 'exports.handler = async () => { for (;;) {} };');
  const out = await ctx.emu.clock.activity('test', () => ctx.lambda.send(new InvokeCommand({ FunctionName: 'spin', Payload: '{}' })));
  assert.is(out.FunctionError, 'Unhandled');
  assert.match(Buffer.from(out.Payload!).toString(), /"errorType":"Sandbox.Timedout"/);
  const before = ctx.emu.clock.now();
  await ctx.emu.clock.activity('test', () => ctx.emu.clock.sleep(10_000));
  assert.is(ctx.emu.clock.now() - before, 10_000, 'the clock is not frozen');
});

test.run();
