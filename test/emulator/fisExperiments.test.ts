import * as assert from 'uvu/assert';
import {
  CreateExperimentTemplateCommand,
  GetExperimentCommand,
  ListExperimentTemplatesCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  type CreateExperimentTemplateCommandInput,
} from '@aws-sdk/client-fis';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ManualClock } from '../../emulator/clock.ts';
import { FIS_FAULT_MESSAGE } from '../../emulator/faults.ts';
import type { Emulator } from '../../emulator/index.ts';
import { rejects } from '../helpers/awsErrors.ts';
import { dynamodbClient, fisClient, lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * Experiments on the emulator clock and the faults they inject: durations end actions and
 * experiments, startAfter orders actions, api-error/latency hit the chosen service, operation
 * and region only, and faults heal on stop, on completion and on reset.
 */

const clock = new ManualClock();
const test = emulatorSuite('emulator/fisExperiments', { emulator: { clock }, context: { clock } });
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:get-product';

function template(actions: CreateExperimentTemplateCommandInput['actions'], extra: Partial<CreateExperimentTemplateCommandInput> = {}) {
  return new CreateExperimentTemplateCommand({
    description: 'test',
    stopConditions: [{ source: 'none' }],
    roleArn: 'arn:aws:iam::000000000000:role/fis',
    actions,
    ...extra,
  });
}

async function start(ctx: { emu: Emulator }, input: CreateExperimentTemplateCommand, region = 'us-east-1') {
  const client = fisClient(ctx.emu, region);
  const { experimentTemplate } = await client.send(input);
  const { experiment } = await client.send(new StartExperimentCommand({ experimentTemplateId: experimentTemplate!.id }));
  return experiment!;
}

async function get(ctx: { emu: Emulator }, id: string, region = 'us-east-1') {
  return (await fisClient(ctx.emu, region).send(new GetExperimentCommand({ id }))).experiment!;
}

/** An experiment that makes ListExperimentTemplates fail in eu-central-1 only. */
const breakEuListing = (parameters: Record<string, string> = {}, extra: Record<string, string> = {}) =>
  template({
    outage: {
      actionId: 'localstack:generic:api-error',
      parameters: {
        service: 'fis',
        operation: 'ListExperimentTemplates',
        region: 'eu-central-1',
        exception: 'ServiceUnavailable',
        errorCode: '503',
        ...parameters,
      },
    },
    ...(extra.wait ? { wait: { actionId: 'aws:fis:wait', parameters: { duration: extra.wait } } } : {}),
  });

test('an api-error experiment fails the chosen operation in the chosen region until it is stopped', async (ctx) => {
  const eu = fisClient(ctx.emu, 'eu-central-1');
  const us = fisClient(ctx.emu, 'us-east-1');
  const e = await start(ctx, breakEuListing());
  assert.is(e.state!.status, 'running');

  const err = await rejects(eu.send(new ListExperimentTemplatesCommand({})));
  assert.is(err.name, 'ServiceUnavailable');
  assert.is(err.message, FIS_FAULT_MESSAGE);
  assert.is(err.$metadata.httpStatusCode, 503);
  assert.ok(Array.isArray((await us.send(new ListExperimentTemplatesCommand({}))).experimentTemplates), 'us-east-1 works');
  assert.ok(Array.isArray((await eu.send(new ListExperimentsCommand({}))).experiments), 'other operations in eu-central-1 work');

  await us.send(new StopExperimentCommand({ id: e.id }));
  assert.equal(ctx.emu.faults.list(), []);
  assert.equal((await eu.send(new ListExperimentTemplatesCommand({}))).experimentTemplates, [], 'healed on stop');
});

test("the tutorial's experiment fails Lambda Invoke in us-east-1 only, with LocalStack's error", async (ctx) => {
  const e = await start(
    ctx,
    template({
      'Some test action': {
        actionId: 'localstack:generic:api-error',
        parameters: { service: 'lambda', operation: 'Invoke', percentage: '100', exception: 'Internal Server Error', errorCode: '500' },
      },
    }),
  );
  const invoke = (region: string) =>
    rejects(lambdaClient(ctx.emu, region).send(new InvokeCommand({ FunctionName: 'get-product', Payload: Buffer.from('{}') })));
  const us = await invoke('us-east-1');
  assert.is(us.name, 'Internal Server Error');
  assert.is(us.message, FIS_FAULT_MESSAGE);
  assert.is(us.$metadata.httpStatusCode, 500);
  assert.is((await invoke('eu-central-1')).name, 'ResourceNotFoundException', 'eu-central-1 reaches Lambda itself');
  await fisClient(ctx.emu).send(new StopExperimentCommand({ id: e.id }));
  assert.is((await invoke('us-east-1')).name, 'ResourceNotFoundException', 'healed');
});

test("the tutorial's exception with spaces becomes the error code, as LocalStack does", async (ctx) => {
  await start(ctx, breakEuListing({ exception: 'Internal Server Error', errorCode: '500' }));
  const err = await rejects(fisClient(ctx.emu, 'eu-central-1').send(new ListExperimentTemplatesCommand({})));
  assert.is(err.name, 'Internal Server Error');
  assert.is(err.$metadata.httpStatusCode, 500);
  const raw = await fetch(`${ctx.emu.endpoint}/experimentTemplates`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/eu-central-1/fis/aws4_request' },
  });
  assert.is(raw.status, 500);
  assert.is(raw.headers.get('x-amzn-errortype'), 'Internal Server Error');
  assert.equal(await raw.json(), { message: FIS_FAULT_MESSAGE });
});

test('defaults: exception InternalError, errorCode 500, percentage 100', async (ctx) => {
  await start(
    ctx,
    template({ a: { actionId: 'localstack:generic:api-error', parameters: { service: 'fis', operation: 'ListExperiments' } } }),
  );
  const err = await rejects(fisClient(ctx.emu).send(new ListExperimentsCommand({})));
  assert.is(err.name, 'InternalError');
  assert.is(err.$metadata.httpStatusCode, 500);
  assert.equal(
    ctx.emu.faults.list().map((r) => [r.service, r.operation, r.region, r.percentage]),
    [['fis', 'ListExperiments', 'us-east-1', 100]],
  );
});

test('an api-error for all services spares FIS itself, so the experiment can be stopped', async (ctx) => {
  const e = await start(
    ctx,
    template({
      everything: { actionId: 'localstack:generic:api-error', parameters: { errorCode: '503', exception: 'ServiceUnavailable' } },
    }),
  );
  const ddb = dynamodbClient(ctx.emu);
  assert.is((await rejects(ddb.send(new ListTablesCommand({})))).$metadata.httpStatusCode, 503);
  assert.is((await get(ctx, e.id!)).state!.status, 'running');
  await fisClient(ctx.emu).send(new StopExperimentCommand({ id: e.id }));
  assert.ok(Array.isArray((await ddb.send(new ListTablesCommand({}))).TableNames));
  ddb.destroy();
});

test('a duration ends the action, heals the fault and completes the experiment on the emulator clock', async (ctx) => {
  const eu = fisClient(ctx.emu, 'eu-central-1');
  const e = await start(ctx, breakEuListing({ duration: 'PT5M' }));
  await ctx.clock.advance(299_000);
  assert.is((await rejects(eu.send(new ListExperimentTemplatesCommand({})))).name, 'ServiceUnavailable');
  assert.is((await get(ctx, e.id!)).state!.status, 'running');

  await ctx.clock.advance(1_000);
  assert.equal((await eu.send(new ListExperimentTemplatesCommand({}))).experimentTemplates, []);
  const done = await get(ctx, e.id!);
  assert.is(done.state!.status, 'completed');
  assert.is(done.state!.reason, 'Experiment completed');
  assert.is(done.actions!.outage!.state!.status, 'completed');
  assert.is(done.actions!.outage!.endTime!.getTime() - done.actions!.outage!.startTime!.getTime(), 300_000);
  assert.is(done.endTime!.getTime() - done.startTime!.getTime(), 300_000);
  assert.is(ctx.clock.pending().length, 0, 'no timer left behind');
});

test('startAfter orders actions; the experiment completes when the last one does', async (ctx) => {
  const e = await start(
    ctx,
    template({
      first: { actionId: 'aws:fis:wait', parameters: { duration: 'PT30S' } },
      second: {
        actionId: 'localstack:generic:api-error',
        parameters: { service: 'fis', operation: 'ListExperiments', duration: 'PT1M' },
        startAfter: ['first'],
      },
    }),
  );
  assert.is(e.actions!.first!.state!.status, 'running');
  assert.is(e.actions!.second!.state!.status, 'pending');
  assert.is(e.actions!.second!.startTime, undefined);
  assert.equal(ctx.emu.faults.list(), [], 'the dependent action has not installed its fault yet');

  await ctx.clock.advance(30_000);
  let now = await get(ctx, e.id!);
  assert.is(now.actions!.first!.state!.status, 'completed');
  assert.is(now.actions!.second!.state!.status, 'running');
  assert.is(now.actions!.second!.startTime!.getTime(), now.actions!.first!.endTime!.getTime());
  assert.is((await rejects(fisClient(ctx.emu).send(new ListExperimentsCommand({})))).name, 'InternalError');

  await ctx.clock.advance(59_999);
  assert.is((await get(ctx, e.id!)).state!.status, 'running');
  await ctx.clock.advance(1);
  now = await get(ctx, e.id!);
  assert.is(now.state!.status, 'completed');
  assert.is(now.endTime!.getTime() - now.startTime!.getTime(), 90_000);
});

test('stopping cancels pending actions and stops running ones', async (ctx) => {
  const e = await start(
    ctx,
    template({
      forever: { actionId: 'localstack:generic:api-error', parameters: { service: 'fis', operation: 'ListActions' } },
      later: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' }, startAfter: ['forever'] },
    }),
  );
  await ctx.clock.advance(3_600_000);
  assert.is((await get(ctx, e.id!)).state!.status, 'running', 'an action without duration runs until stopped');
  await fisClient(ctx.emu).send(new StopExperimentCommand({ id: e.id }));
  const after = await get(ctx, e.id!);
  assert.is(after.actions!.forever!.state!.status, 'stopped');
  assert.is(after.actions!.later!.state!.status, 'cancelled');
  assert.equal(ctx.emu.faults.list(), []);
});

test('latency holds matching calls for latencyMilliseconds of emulator time', async (ctx) => {
  await start(
    ctx,
    template({
      slow: {
        actionId: 'localstack:generic:latency',
        parameters: { service: 'fis', operation: 'ListExperiments', latencyMilliseconds: '2000' },
      },
    }),
  );
  let settled = false;
  const call = fisClient(ctx.emu)
    .send(new ListExperimentsCommand({}))
    .then((r) => {
      settled = true;
      return r;
    });
  await ctx.clock.advance(1_999);
  await new Promise((r) => setTimeout(r, 20));
  assert.is(settled, false, 'still waiting after 1999 ms');
  await ctx.clock.advance(1);
  assert.is((await call).experiments!.length, 1);
});

test('Lambda actions install rules on the target ARNs with their effects', async (ctx) => {
  const targets = { fns: { resourceType: 'aws:lambda:function', resourceArns: [FN], selectionMode: 'ALL' } };
  const e = await start(
    ctx,
    template(
      {
        err: {
          actionId: 'aws:lambda:invocation-error',
          parameters: { duration: 'PT1M', preventExecution: 'true', invocationPercentage: '50' },
          targets: { Functions: 'fns' },
        },
        delay: {
          actionId: 'aws:lambda:invocation-add-delay',
          parameters: { duration: 'PT1M', startupDelayMilliseconds: '750' },
          targets: { Functions: 'fns' },
        },
        http: {
          actionId: 'aws:lambda:invocation-http-integration-response',
          parameters: { duration: 'PT2M', statusCode: '418', contentTypeHeader: 'text/plain', preventExecution: 'false' },
          targets: { Functions: 'fns' },
        },
      },
      { targets },
    ),
  );
  const rules = ctx.emu.faults.list().map(({ service, operation, region, resources, percentage, effect, owner }) => ({
    service,
    operation,
    region,
    resources,
    percentage,
    effect,
    owner,
  }));
  const common = { service: 'lambda', operation: 'Invoke', region: undefined, resources: [FN], owner: e.id };
  assert.equal(rules, [
    { ...common, percentage: 50, effect: { kind: 'functionError', preventExecution: true } },
    { ...common, percentage: 100, effect: { kind: 'latency', ms: 750 } },
    { ...common, percentage: 100, effect: { kind: 'httpResponse', statusCode: 418, contentType: 'text/plain', preventExecution: false } },
  ]);
  assert.equal(e.targets, targets);
  await ctx.clock.advance(60_000);
  assert.equal(
    ctx.emu.faults.list().map((r) => r.effect.kind),
    ['httpResponse'],
    'each action heals on its own',
  );
  await ctx.clock.advance(60_000);
  assert.is((await get(ctx, e.id!)).state!.status, 'completed');
});

test('a Lambda target given by tags cannot be resolved: the experiment fails and injects nothing', async (ctx) => {
  const e = await start(
    ctx,
    template(
      { err: { actionId: 'aws:lambda:invocation-error', parameters: { duration: 'PT1M' }, targets: { Functions: 'fns' } } },
      { targets: { fns: { resourceType: 'aws:lambda:function', resourceTags: { app: 'shop' }, selectionMode: 'ALL' } } },
    ),
  );
  assert.is(e.state!.status, 'failed');
  assert.match(e.state!.reason!, /Target fns could not be resolved/);
  assert.is(e.actions!.err!.state!.status, 'cancelled');
  assert.equal(ctx.emu.faults.list(), []);
});

test('reset forgets experiments, their rules and their timers', async (ctx) => {
  await start(ctx, breakEuListing({ duration: 'PT10M' }));
  assert.is(ctx.emu.faults.list().length, 1);
  await ctx.emu.reset();
  assert.equal(ctx.emu.faults.list(), []);
  assert.is(ctx.clock.pending().length, 0);
  assert.equal((await fisClient(ctx.emu).send(new ListExperimentsCommand({}))).experiments, []);
});

test('the registry matches resources and rolls percentages per call', async (ctx) => {
  const faults = ctx.emu.faults;
  const rule = {
    service: 'lambda',
    operation: 'Invoke',
    resources: [FN],
    percentage: 100,
    effect: { kind: 'functionError' as const, preventExecution: false },
    owner: 'x',
  };
  faults.add(rule);
  const call = { service: 'Lambda', operation: 'invoke', region: 'us-east-1' };
  assert.equal(faults.match({ ...call, resource: FN }), [rule], 'service and operation compare case-insensitively');
  assert.equal(faults.match({ ...call, resource: FN.replace('get-product', 'add-product') }), []);
  assert.equal(faults.match(call), [], 'a resource rule never matches a call without a resource');
  assert.equal(await faults.check({ ...call, resource: FN }), [rule], 'check hands function errors back to the service');
  faults.remove(rule);
  assert.equal(faults.list(), []);

  const { FaultRegistry } = await import('../../emulator/faults.ts');
  const rolls = [0.1, 0.5, 0.29, 0.31];
  const seeded = new FaultRegistry(ctx.clock, { random: () => rolls.shift() ?? 0 });
  seeded.add({ service: 'fis', percentage: 30, effect: { kind: 'error', status: 503, code: 'X', message: 'm' }, owner: 'y' });
  const hits = [0, 1, 2, 3].map(() => seeded.match({ service: 'fis', operation: 'Any', region: 'eu-west-1' }).length);
  assert.equal(hits, [1, 0, 1, 0], 'affected when the roll is below 30 %');
  seeded.add({ service: 'fis', percentage: 0, effect: { kind: 'latency', ms: 1 }, owner: 'z' });
  seeded.removeOwner('y');
  assert.equal(seeded.match({ service: 'fis', operation: 'Any', region: 'eu-west-1' }), [], '0 % never applies');
});

test.run();
