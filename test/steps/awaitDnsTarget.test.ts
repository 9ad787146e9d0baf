import * as assert from 'uvu/assert';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ManualClock } from '../../engine/clock.ts';
import { StepTimeoutError } from '../../engine/errors.ts';
import type { Target } from '../../engine/types.ts';
import awaitDnsTarget from '../../steps/awaitDnsTarget.ts';
import { ExpectationFailedError } from '../../steps/support/errors.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite<{ zoneId: string }>('steps/awaitDnsTarget', { emulator: { timeScale: 10 } });
test.before.each(async (ctx) => {
  const zone = await ctx.target
    .client(Route53Client, 'us-east-1')
    .send(new CreateHostedZoneCommand({ Name: 'hello-localstack.com', CallerReference: `z-${Math.random()}` }));
  ctx.zoneId = zone.HostedZone!.Id!;
  await point(ctx.target, ctx.zoneId, '12345.execute-api.localhost.localstack.cloud');
});

function point(target: Target, zoneId: string, value: string) {
  return target.client(Route53Client, 'us-east-1').send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: 'test.hello-localstack.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }] },
          },
        ],
      },
    }),
  );
}

test('answers at once when DNS already says so (trailing dot and case ignored)', async ({ target }) => {
  const out = await runStep(
    awaitDnsTarget,
    { name: 'test.hello-localstack.com', expected: '12345.EXECUTE-API.localhost.localstack.cloud.' },
    stepContext(target),
  );
  assert.is(out.answer, '12345.execute-api.localhost.localstack.cloud');
  assert.is(out.queries, 1);
  assert.equal(out.answersSeen, ['12345.execute-api.localhost.localstack.cloud']);
  assert.is(out.server, `127.0.0.1:${target.dns!.port}`);
  assert.is(out.sinceMs, undefined);
});

test('polls on the engine clock until the answer flips; measures elapsed, AWS-equivalent and since times', async ({ target, zoneId }) => {
  const clock = new ManualClock(1_000_000);
  const ctx = stepContext(target, { clock });
  const pending = runStep(
    awaitDnsTarget,
    { name: 'test.hello-localstack.com', expected: '67890.execute-api.localhost.localstack.cloud', pollInterval: '500ms', since: 999_000 },
    ctx,
  );
  await clock.nextSleep();
  await clock.advance(500);
  await clock.nextSleep();
  await point(target, zoneId, '67890.execute-api.localhost.localstack.cloud');
  await clock.advance(500);
  const out = await pending;
  assert.is(out.queries, 3);
  assert.is(out.elapsedMs, 1000);
  assert.is(out.awsEquivalentMs, 1000, 'the engine clock is AWS time');
  assert.is(out.matchedAt, 1_001_000);
  assert.is(out.sinceMs, 2000);
  assert.is(out.sinceAwsMs, 2000);
  assert.equal(out.answersSeen, ['12345.execute-api.localhost.localstack.cloud', '67890.execute-api.localhost.localstack.cloud']);
  assert.equal(clock.requested, [500, 500]);
});

test('on timeout: an error naming the last answer and the number of queries, with the timeout as code and cause', async ({ target }) => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const ctx = stepContext(target, { clock, signal: controller.signal });
  const pending = runStep(
    awaitDnsTarget,
    { name: 'test.hello-localstack.com', expected: '67890.execute-api.localhost.localstack.cloud' },
    ctx,
  );
  for (let i = 0; i < 3; i++) {
    await clock.nextSleep();
    if (i < 2) await clock.advance(250);
  }
  const reason = new StepTimeoutError('awaitFailover', 750);
  controller.abort(reason);
  try {
    await pending;
    assert.unreachable('should time out');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is(
      (error as Error).message,
      'test.hello-localstack.com CNAME was still 12345.execute-api.localhost.localstack.cloud after 3 queries in 500ms; ' +
        'expected 67890.execute-api.localhost.localstack.cloud (answers seen: 12345.execute-api.localhost.localstack.cloud)',
    );
    assert.is((error as ExpectationFailedError).code, 'E_TIMEOUT');
    assert.is((error as Error).cause, reason);
  }
});

test('NXDOMAIN is an answer too: polling goes on until maxWait, and the message says NXDOMAIN', async ({ target }) => {
  const clock = new ManualClock(0);
  const pending = runStep(
    awaitDnsTarget,
    { name: 'nothing.hello-localstack.com', expected: 'x.example.com', pollInterval: 100, maxWait: '1s' },
    stepContext(target, { clock }),
  );
  void pending.catch(() => undefined); // it rejects during the last advance
  // The engine clock is AWS time: 1 s of it, 100 ms a poll.
  for (let i = 0; i < 10; i++) {
    await clock.nextSleep();
    await clock.advance(100);
  }
  try {
    await pending;
    assert.unreachable('should give up');
  } catch (error) {
    assert.is(
      (error as Error).message,
      'nothing.hello-localstack.com CNAME still NXDOMAIN; expected x.example.com (answers seen: NXDOMAIN) after 11 polls in 1s of AWS time',
    );
  }
});

test('a typo in expected fails by itself after 5 minutes of AWS time, naming the expected value, the last answer and the polls', async ({
  target,
}) => {
  const clock = new ManualClock(0);
  const ctx = stepContext(target, { clock });
  let settled = false;
  const pending = runStep(
    awaitDnsTarget,
    { name: 'test.hello-localstack.com', expected: '67890.execute-api.localhost.localstak.cloud', pollInterval: '1s' },
    ctx,
  );
  void pending.catch(() => undefined).finally(() => (settled = true));
  while (!settled) {
    await Promise.race([clock.nextSleep(), pending.catch(() => undefined)]);
    if (!settled) await clock.advance(1000);
  }
  try {
    await pending;
    assert.unreachable('should give up');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is((error as ExpectationFailedError).code, 'E_AWAIT_EXPIRED');
    // The engine clock is AWS time: 5 minutes of it, one poll a second.
    assert.is(
      (error as Error).message,
      'test.hello-localstack.com CNAME still 12345.execute-api.localhost.localstack.cloud; expected 67890.execute-api.localhost.localstak.cloud ' +
        '(answers seen: 12345.execute-api.localhost.localstack.cloud) after 301 polls in 300s of AWS time',
    );
    assert.is(clock.now(), 300_000);
  }
});

testStep(test, awaitDnsTarget, {
  valid: [
    { name: 'a', expected: 'b', pollInterval: '250ms', since: 5 },
    { name: 'a', expected: 'b', type: 'TXT', pollInterval: 100 },
  ],
  invalid: [
    { params: { name: 'a' }, errors: ["/: must have required property 'expected'"] },
    { params: { name: 'a', expected: 'b', type: 'MX' }, errors: ['/type: must be equal to one of the allowed values'] },
    {
      params: { name: 'a', expected: 'b', pollInterval: 'soon' },
      errors: ['/pollInterval: must match pattern "^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$"'],
    },
  ],
  runThenRollback: { noRollback: 'it only reads DNS' },
});

test.run();
