import * as assert from 'uvu/assert';
import { CreateHealthCheckCommand, GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { NonRetryableError } from '../../engine/errors.ts';
import type { Target } from '../../engine/types.ts';
import updateHealthCheck from '../../steps/updateHealthCheck.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/updateHealthCheck');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');

async function createCheck(target: Target): Promise<string> {
  const created = await r53(target).send(
    new CreateHealthCheckCommand({
      CallerReference: `ref-${Math.random()}`,
      HealthCheckConfig: { FullyQualifiedDomainName: 'http_echo', Port: 80, ResourcePath: '/', Type: 'HTTP', RequestInterval: 10 },
    }),
  );
  return created.HealthCheck!.Id!;
}

async function config(target: Target, id: string) {
  return (await r53(target).send(new GetHealthCheckCommand({ HealthCheckId: id }))).HealthCheck?.HealthCheckConfig;
}

test('breaks the check like the sample (fqdn → bad host) and the rollback restores it', async ({ target }) => {
  const id = await createCheck(target);
  const ctx = stepContext(target);
  const params = { healthCheckId: id, fqdn: 'bad-host-p45e8eG94rK.com', port: 8080 };
  const out = await runStep(updateHealthCheck, params, ctx);
  assert.equal(out.previous, { fqdn: 'http_echo', port: 80, resourcePath: '/' });
  assert.is((await config(target, id))?.FullyQualifiedDomainName, 'bad-host-p45e8eG94rK.com');
  assert.is((await config(target, id))?.Port, 8080);
  await rollbackStep(updateHealthCheck, params, ctx, out);
  await rollbackStep(updateHealthCheck, params, ctx, out);
  const restored = await config(target, id);
  assert.is(restored?.FullyQualifiedDomainName, 'http_echo');
  assert.is(restored?.Port, 80);
});

test('unknown health check: NonRetryableError; rollback after the check is gone is a no-op', async ({ target }) => {
  const ctx = stepContext(target);
  try {
    await runStep(updateHealthCheck, { healthCheckId: '00000000-0000-0000-0000-000000000000', fqdn: 'x' }, ctx);
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, NonRetryableError);
    assert.match((error as Error).message, 'no health check 00000000-0000-0000-0000-000000000000');
  }
  await rollbackStep(updateHealthCheck, { healthCheckId: '00000000-0000-0000-0000-000000000000', fqdn: 'x' }, ctx, {
    previous: { fqdn: 'a' },
    healthCheckVersion: 2,
    updatedAt: 0,
  });
});

test('rollback without outputs leaves the check as it is (previous endpoint unknown)', async ({ target }) => {
  const id = await createCheck(target);
  await rollbackStep(updateHealthCheck, { healthCheckId: id, fqdn: 'x.example.com' }, stepContext(target), undefined);
  assert.is((await config(target, id))?.FullyQualifiedDomainName, 'http_echo');
});

test("a retry after attempt 1 applied the change keeps attempt 1's previous; the rollback restores the original", async ({ target }) => {
  const id = await createCheck(target);
  const params = { healthCheckId: id, fqdn: 'bad-host-p45e8eG94rK.com' };
  const runId = `retry-${Math.random()}`;
  // Attempt 1 saw the original endpoint and applied the change, then timed out before returning.
  const client = r53(target); // target.client caches it: the step gets this instance
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (command) => {
    const result = await send(command);
    if (command instanceof UpdateHealthCheckCommand) throw new Error('timed out');
    return result;
  };
  try {
    await runStep(updateHealthCheck, params, stepContext(target, { runId, stepId: 'breakHealthCheck', attempt: 1 }));
    assert.unreachable('attempt 1 should time out');
  } catch (error) {
    assert.is((error as Error).message, 'timed out');
  } finally {
    delete (client as unknown as { send?: unknown }).send;
  }
  assert.is((await config(target, id))?.FullyQualifiedDomainName, 'bad-host-p45e8eG94rK.com');
  const attempt2 = stepContext(target, { runId, stepId: 'breakHealthCheck', attempt: 2 });
  const out = await runStep(updateHealthCheck, params, attempt2);
  assert.equal(out.previous, { fqdn: 'http_echo', port: 80, resourcePath: '/' });
  await rollbackStep(updateHealthCheck, params, attempt2, out);
  assert.is((await config(target, id))?.FullyQualifiedDomainName, 'http_echo');
});

test('a retry in a new process that finds the change applied leaves previous unset; the rollback does not restore the dead host', async ({
  target,
}) => {
  const id = await createCheck(target);
  const params = { healthCheckId: id, fqdn: 'bad-host-p45e8eG94rK.com' };
  await runStep(updateHealthCheck, params, stepContext(target)); // stands for attempt 1 of a run whose process has since died
  const ctx = stepContext(target, { stepId: 'other', attempt: 2 });
  const out = await runStep(updateHealthCheck, params, ctx);
  assert.is(out.previous, undefined);
  await rollbackStep(updateHealthCheck, params, ctx, out);
  assert.is((await config(target, id))?.FullyQualifiedDomainName, 'bad-host-p45e8eG94rK.com');
});

let conformanceCheck = '';
testStep(test, updateHealthCheck, {
  valid: [
    { healthCheckId: 'a', fqdn: 'b' },
    { healthCheckId: 'a', port: 8080, resourcePath: '/x', ipAddress: '127.0.0.1' },
  ],
  invalid: [
    { params: { healthCheckId: 'a' }, errors: ['/: must NOT have fewer than 2 properties'] },
    { params: { fqdn: 'b', port: 1 }, errors: ["/: must have required property 'healthCheckId'"] },
    { params: { healthCheckId: 'a', fqdn: 'b', type: 'TCP' }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: {
    params: async ({ target }) => ({ healthCheckId: (conformanceCheck = await createCheck(target)), fqdn: 'bad-host-p45e8eG94rK.com' }),
    leftovers: async ({ target }) => {
      const now = await config(target, conformanceCheck);
      return now?.FullyQualifiedDomainName === 'http_echo' ? [] : [`fqdn ${now?.FullyQualifiedDomainName}`];
    },
    withoutOutputs: { kept: 'without outputs the previous endpoint is unknown' },
  },
});

test.run();
