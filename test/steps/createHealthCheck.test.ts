import * as assert from 'uvu/assert';
import { GetHealthCheckCommand, ListHealthChecksCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { Target } from '../../engine/types.ts';
import createHealthCheck from '../../steps/createHealthCheck.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/createHealthCheck');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');
const TUTORIAL = {
  fqdn: '12345.execute-api.localhost.localstack.cloud',
  port: 4566,
  resourcePath: '/dev/healthcheck',
  requestInterval: 10 as const,
};

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

test('every field AWS accepts goes through: inverted, disabled, measureLatency, regions', async ({ target }) => {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;
  const out = await runStep(
    createHealthCheck,
    { ...TUTORIAL, inverted: true, disabled: true, measureLatency: true, regions: [...regions] },
    stepContext(target),
  );
  const config = (await r53(target).send(new GetHealthCheckCommand({ HealthCheckId: out.healthCheckId }))).HealthCheck?.HealthCheckConfig;
  assert.is(config?.Inverted, true);
  assert.is(config?.Disabled, true);
  assert.is(config?.MeasureLatency, true);
  assert.equal(config?.Regions, [...regions]);
});

test('CALCULATED: children and threshold, no probe fields; effects describe it', async ({ target }) => {
  const a = await runStep(createHealthCheck, { ...TUTORIAL, callerReference: 'a' }, stepContext(target));
  const b = await runStep(createHealthCheck, { ...TUTORIAL, callerReference: 'b', resourcePath: '/b' }, stepContext(target));
  const params = { type: 'CALCULATED' as const, childHealthChecks: [a.healthCheckId, b.healthCheckId], healthThreshold: 1 };
  const out = await runStep(createHealthCheck, params, stepContext(target));
  assert.is(out.detectionWindowMs, 0);
  const config = (await r53(target).send(new GetHealthCheckCommand({ HealthCheckId: out.healthCheckId }))).HealthCheck?.HealthCheckConfig;
  assert.is(config?.Type, 'CALCULATED');
  assert.equal(config?.ChildHealthChecks, [a.healthCheckId, b.healthCheckId]);
  assert.is(config?.HealthThreshold, 1);
  assert.is(config?.Port, undefined);
  assert.equal(
    createHealthCheck.effects!(
      { ...params, type: 'CALCULATED', requestInterval: 30, failureThreshold: 3, inverted: true, disabled: false, measureLatency: false },
      { workflowDir: '.' },
    ),
    [
      {
        action: 'create',
        resource: 'Route 53 health check CALCULATED of 2 checks (threshold 1)',
        region: 'us-east-1',
        detail: 'combines its children, inverted (rollback deletes it)',
      },
    ],
  );
});

testStep(test, createHealthCheck, {
  valid: [
    TUTORIAL,
    { ...TUTORIAL, type: 'TCP', requestInterval: 30, failureThreshold: 1, callerReference: 'foobar' },
    { type: 'CALCULATED', childHealthChecks: ['a', 'b'], healthThreshold: 0, inverted: true },
    { ipAddress: '10.0.0.1', port: 80, regions: ['us-east-1', 'us-west-1', 'us-west-2'], measureLatency: true, disabled: true },
  ],
  invalid: [
    { params: { fqdn: 'x' }, errors: ["/: must have required property 'port'", '/: must match "else" schema'] },
    { params: { type: 'CALCULATED' }, errors: ["/: must have required property 'childHealthChecks'", '/: must match "then" schema'] },
    { params: { ...TUTORIAL, regions: ['us-east-1', 'eu-west-1'] }, errors: ['/regions: must NOT have fewer than 3 items'] },
    { params: { type: 'CALCULATED', childHealthChecks: ['a'], healthThreshold: 300 }, errors: ['/healthThreshold: must be <= 256'] },
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
