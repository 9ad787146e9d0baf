import * as assert from 'uvu/assert';
import { GetHealthCheckCommand, ListHealthChecksCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { Target } from '../../engine/types.ts';
import createHealthCheck from '../../steps/createHealthCheck.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/createHealthCheck');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');
const TUTORIAL = { fqdn: '12345.execute-api.localhost.localstack.cloud', port: 4566, resourcePath: '/dev/healthcheck', requestInterval: 10 as const };

async function checkIds(target: Target): Promise<string[]> {
  const listed = await r53(target).send(new ListHealthChecksCommand({}));
  return (listed.HealthChecks ?? []).map((c) => c.Id ?? '');
}

test("creates the tutorial's check with AWS defaults for what it left out", async ({ target }) => {
  const out = await runStep(createHealthCheck, { ...TUTORIAL, callerReference: 'foobar' }, stepContext(target));
  assert.is(out.callerReference, 'foobar');
  assert.is(out.detectionWindowMs, 30_000, 'RequestInterval 10 × FailureThreshold 3');
  const got = await r53(target).send(new GetHealthCheckCommand({ HealthCheckId: out.healthCheckId }));
  const config = got.HealthCheck?.HealthCheckConfig;
  assert.is(config?.FullyQualifiedDomainName, TUTORIAL.fqdn);
  assert.is(config?.Port, 4566);
  assert.is(config?.ResourcePath, '/dev/healthcheck');
  assert.is(config?.Type, 'HTTP');
  assert.is(config?.RequestInterval, 10);
  assert.is(config?.FailureThreshold, 3);
});

test('a retried attempt returns the same check (caller reference from run + step)', async ({ target }) => {
  const ctx = stepContext(target, { runId: 'r', stepId: 'hc' });
  const a = await runStep(createHealthCheck, { ...TUTORIAL }, ctx);
  const b = await runStep(createHealthCheck, { ...TUTORIAL }, { ...ctx, attempt: 2 });
  assert.is(b.healthCheckId, a.healthCheckId);
  assert.equal(await checkIds(target), [a.healthCheckId]);
});

test('searchString and ipAddress go through to Route 53 (a STR_MATCH check on an address)', async ({ target }) => {
  const out = await runStep(
    createHealthCheck,
    { ...TUTORIAL, type: 'HTTP_STR_MATCH', searchString: 'healthy', ipAddress: '127.0.0.1' },
    stepContext(target),
  );
  const config = (await r53(target).send(new GetHealthCheckCommand({ HealthCheckId: out.healthCheckId }))).HealthCheck?.HealthCheckConfig;
  assert.is(config?.Type, 'HTTP_STR_MATCH');
  assert.is(config?.SearchString, 'healthy');
  assert.is(config?.IPAddress, '127.0.0.1');
  assert.is(config?.FullyQualifiedDomainName, TUTORIAL.fqdn);
});

testStep(test, createHealthCheck, {
  valid: [TUTORIAL, { ...TUTORIAL, type: 'TCP', requestInterval: 30, failureThreshold: 1, callerReference: 'foobar' }],
  invalid: [
    { params: { fqdn: 'x' }, errors: ["/: must have required property 'port'", "/: must have required property 'resourcePath'"] },
    { params: { ...TUTORIAL, requestInterval: 20 }, errors: ['/requestInterval: must be equal to one of the allowed values'] },
    { params: { ...TUTORIAL, port: 70000 }, errors: ['/port: must be <= 65535'] },
    { params: { ...TUTORIAL, FailureThreshold: 3 }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: { params: TUTORIAL, leftovers: ({ target }) => checkIds(target) },
});

test('rollback deletes it, twice is fine; without outputs it finds it by caller reference', async ({ target }) => {
  const ctx = stepContext(target);
  const out = await runStep(createHealthCheck, { ...TUTORIAL }, ctx);
  await rollbackStep(createHealthCheck, { ...TUTORIAL }, ctx, out);
  await rollbackStep(createHealthCheck, { ...TUTORIAL }, ctx, out);
  assert.equal(await checkIds(target), []);

  const crashed = stepContext(target, { runId: 'crashed', stepId: 'hc' });
  await runStep(createHealthCheck, { ...TUTORIAL }, crashed);
  const other = await runStep(createHealthCheck, { ...TUTORIAL }, stepContext(target, { runId: 'other', stepId: 'hc' }));
  await rollbackStep(createHealthCheck, { ...TUTORIAL }, crashed, undefined);
  assert.equal(await checkIds(target), [other.healthCheckId]);
});

test.run();
