import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import * as assert from 'uvu/assert';
import { ManualClock as EmulatedClock } from '../../emulator/clock.ts';
import type { Emulator } from '../../emulator/index.ts';
import { ManualClock } from '../../engine/clock.ts';
import { NonRetryableError } from '../../engine/errors.ts';
import type { StepContext, Target } from '../../engine/types.ts';
import awaitHealthCheck from '../../steps/awaitHealthCheck.ts';
import { ExpectationFailedError } from '../../steps/support/errors.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

/**
 * The emulator probes a local HTTP server on its own ManualClock (AWS time); the step polls on
 * the engine's ManualClock. Each round: one probe interval of AWS time, then one poll interval.
 */
const aws = new EmulatedClock();
const test = emulatorSuite<{ web: LocalHttpServer }>('steps/awaitHealthCheck', { emulator: { clock: aws } });
let reply = 200;

test.before(async (ctx) => {
  ctx.web = await startLocalHttpServer((_req, res) => {
    res.writeHead(reply, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
test.after(async (ctx) => ctx.web.close());
test.before.each(() => void (reply = 200));

async function createCheck(target: Target, port: number): Promise<string> {
  const out = await target.client(Route53Client, 'us-east-1').send(
    new CreateHealthCheckCommand({
      CallerReference: `hc-${Math.random()}`,
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '127.0.0.1',
        Port: port,
        ResourcePath: '/health',
        RequestInterval: 10,
        FailureThreshold: 1,
      },
    }),
  );
  return out.HealthCheck!.Id!;
}

/** Drives both clocks until the step settles: a probe interval of AWS time, then a poll. */
async function drive<T>(ctx: { emu: Pick<Emulator, 'api'> }, clock: ManualClock, running: Promise<T>): Promise<T> {
  let settled = false;
  void running.catch(() => undefined).finally(() => (settled = true));
  const route53 = ctx.emu.api('route53');
  while (!settled) {
    await Promise.race([clock.nextSleep(), running.catch(() => undefined)]);
    if (settled) break;
    await aws.advance(10_000);
    await route53.healthChecks.settled();
    await clock.advance(1000);
  }
  return running;
}

test('waits through "no report yet" until the checkers report healthy; outputs their reasons and the AWS time', async (ctx) => {
  const id = await createCheck(ctx.target, ctx.web.port);
  const clock = new ManualClock(0);
  const out = await drive(
    ctx,
    clock,
    runStep(awaitHealthCheck, { healthCheckId: id, status: 'healthy' }, stepContext(ctx.target, { clock })),
  );
  assert.is(out.status, 'healthy');
  assert.equal(out.reasons, ['Success: HTTP Status Code 200, OK']);
  assert.is(out.changedAt, aws.now(), 'the newest report, in AWS time');
  assert.is(out.polls, 2);
});

test('an endpoint that starts failing: unhealthy, with the failure as the reason', async (ctx) => {
  const id = await createCheck(ctx.target, ctx.web.port);
  reply = 503;
  const clock = new ManualClock(0);
  const out = await drive(
    ctx,
    clock,
    runStep(awaitHealthCheck, { healthCheckId: id, status: 'unhealthy' }, stepContext(ctx.target, { clock })),
  );
  assert.is(out.status, 'unhealthy');
  assert.equal(out.reasons, ['Failure: HTTP Status Code 503, Service Unavailable']);
});

test('waiting for the wrong status gives up after maxWait of AWS time, naming the last reports', async (ctx) => {
  const id = await createCheck(ctx.target, ctx.web.port);
  const clock = new ManualClock(0);
  const step: StepContext = stepContext(ctx.target, { clock });
  try {
    await drive(ctx, clock, runStep(awaitHealthCheck, { healthCheckId: id, status: 'unhealthy', maxWait: '5s' }, step));
    assert.unreachable('should give up');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is((error as ExpectationFailedError).code, 'E_AWAIT_EXPIRED');
    assert.match(
      (error as Error).message,
      `health check ${id} still healthy (Success: HTTP Status Code 200, OK); expected unhealthy after `,
    );
  }
});

test('an unknown health check fails for good', async ({ target }) => {
  try {
    await runStep(awaitHealthCheck, { healthCheckId: '00000000-0000-0000-0000-000000000000', status: 'healthy' }, stepContext(target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, NonRetryableError);
  }
});

testStep(test, awaitHealthCheck, {
  valid: [
    { healthCheckId: 'a', status: 'healthy' },
    { healthCheckId: 'a', status: 'unhealthy', pollInterval: '5s', maxWait: '10m' },
  ],
  invalid: [
    { params: { healthCheckId: 'a' }, errors: ["/: must have required property 'status'"] },
    { params: { healthCheckId: 'a', status: 'down' }, errors: ['/status: must be equal to one of the allowed values'] },
  ],
  runThenRollback: { noRollback: 'it only reads the status' },
});

test.run();
