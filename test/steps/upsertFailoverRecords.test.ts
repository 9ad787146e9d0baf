import * as assert from 'uvu/assert';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { Target } from '../../engine/types.ts';
import upsertFailoverRecords from '../../steps/upsertFailoverRecords.ts';
import { queryDns } from '../../steps/support/targetDns.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/upsertFailoverRecords');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');

async function setup(target: Target): Promise<{ zoneId: string; healthCheckId: string }> {
  const zone = await r53(target).send(new CreateHostedZoneCommand({ Name: 'hello-localstack.com', CallerReference: `z-${Math.random()}` }));
  const check = await r53(target).send(
    new CreateHealthCheckCommand({
      CallerReference: `h-${Math.random()}`,
      HealthCheckConfig: {
        FullyQualifiedDomainName: '12345.execute-api.localhost.localstack.cloud',
        Port: 4566,
        ResourcePath: '/dev/healthcheck',
        Type: 'HTTP',
        RequestInterval: 10,
      },
    }),
  );
  return { zoneId: zone.HostedZone!.Id!, healthCheckId: check.HealthCheck!.Id! };
}

function tutorialParams(zoneId: string, healthCheckId: string) {
  return {
    zoneId,
    name: 'test.hello-localstack.com',
    primary: {
      setIdentifier: '12345',
      recordName: '12345.hello-localstack.com',
      target: '12345.execute-api.localhost.localstack.cloud',
      healthCheckId,
    },
    secondary: { setIdentifier: '67890', recordName: '67890.hello-localstack.com', target: '67890.execute-api.localhost.localstack.cloud' },
  };
}

async function records(target: Target, zoneId: string): Promise<ResourceRecordSet[]> {
  const listed = await r53(target).send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return (listed.ResourceRecordSets ?? []).filter((s) => s.Type !== 'SOA' && s.Type !== 'NS');
}

test("writes the tutorial's two batches; DNS answers the primary", async ({ target }) => {
  const { zoneId, healthCheckId } = await setup(target);
  const out = await runStep(upsertFailoverRecords, tutorialParams(zoneId, healthCheckId), stepContext(target));
  assert.is(out.changeIds.length, 2);
  assert.equal(out.previous, []);
  const sets = await records(target, zoneId);
  const plain = sets.find((s) => s.Name === '12345.hello-localstack.com.');
  assert.equal(plain?.ResourceRecords, [{ Value: '12345.execute-api.localhost.localstack.cloud' }]);
  assert.is(plain?.TTL, 60);
  const primary = sets.find((s) => s.SetIdentifier === '12345');
  assert.is(primary?.Failover, 'PRIMARY');
  assert.is(primary?.HealthCheckId, healthCheckId);
  assert.is(primary?.AliasTarget?.DNSName, '12345.hello-localstack.com.');
  assert.is(primary?.AliasTarget?.EvaluateTargetHealth, true);
  const secondary = sets.find((s) => s.SetIdentifier === '67890');
  assert.is(secondary?.Failover, 'SECONDARY');
  assert.is(secondary?.HealthCheckId, undefined);
  const answer = await queryDns(target, 'test.hello-localstack.com', 'CNAME');
  assert.equal(answer.values, ['12345.execute-api.localhost.localstack.cloud']);
});

test('running twice (a retry) is harmless: same four records', async ({ target }) => {
  const { zoneId, healthCheckId } = await setup(target);
  const params = tutorialParams(zoneId, healthCheckId);
  await runStep(upsertFailoverRecords, params, stepContext(target));
  await runStep(upsertFailoverRecords, params, stepContext(target));
  assert.is((await records(target, zoneId)).length, 4);
});

test('rollback deletes what did not exist and restores what did', async ({ target }) => {
  const { zoneId, healthCheckId } = await setup(target);
  const before: ResourceRecordSet = {
    Name: '12345.hello-localstack.com',
    Type: 'CNAME',
    TTL: 300,
    ResourceRecords: [{ Value: 'old.example.com' }],
  };
  const unrelated: ResourceRecordSet = {
    Name: 'keep.hello-localstack.com',
    Type: 'CNAME',
    TTL: 300,
    ResourceRecords: [{ Value: 'keep.example.com' }],
  };
  await r53(target).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: before },
          { Action: 'CREATE', ResourceRecordSet: unrelated },
        ],
      },
    }),
  );
  const params = tutorialParams(zoneId, healthCheckId);
  const ctx = stepContext(target);
  const out = await runStep(upsertFailoverRecords, params, ctx);
  assert.is(out.previous.length, 1);
  await rollbackStep(upsertFailoverRecords, params, ctx, out);
  await rollbackStep(upsertFailoverRecords, params, ctx, out);
  const sets = await records(target, zoneId);
  assert.equal(sets.map((s) => `${s.Name} ${s.TTL} ${s.ResourceRecords?.[0]?.Value}`).sort(), [
    '12345.hello-localstack.com. 300 old.example.com',
    'keep.hello-localstack.com. 300 keep.example.com',
  ]);
});

test("a retry after attempt 1 wrote the plain batch: previous skips the step's own records, rollback deletes them", async ({ target }) => {
  const { zoneId, healthCheckId } = await setup(target);
  const params = tutorialParams(zoneId, healthCheckId);
  // Attempt 1 applied the plain CNAME batch, then failed before the alias pair.
  await r53(target).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [params.primary, params.secondary].map((m) => ({
          Action: 'UPSERT' as const,
          ResourceRecordSet: { Name: m.recordName, Type: 'CNAME' as const, TTL: 60, ResourceRecords: [{ Value: m.target }] },
        })),
      },
    }),
  );
  const ctx = stepContext(target);
  const out = await runStep(upsertFailoverRecords, params, ctx); // attempt 2
  assert.equal(out.previous, []);
  await rollbackStep(upsertFailoverRecords, params, ctx, out);
  assert.equal(await records(target, zoneId), []);
});

test('rollback without outputs deletes the records this step writes, nothing else; a deleted zone is fine', async ({ target }) => {
  const { zoneId, healthCheckId } = await setup(target);
  const params = tutorialParams(zoneId, healthCheckId);
  await runStep(upsertFailoverRecords, params, stepContext(target));
  await rollbackStep(upsertFailoverRecords, params, stepContext(target), undefined);
  assert.equal(await records(target, zoneId), []);
  await rollbackStep(upsertFailoverRecords, { ...params, zoneId: 'Z000000000NOSUCH' }, stepContext(target), undefined);
});

let conformanceZone = '';
testStep(test, upsertFailoverRecords, {
  valid: [tutorialParams('Z1', 'hc'), { ...tutorialParams('/hostedzone/Z1', 'hc'), type: 'A', ttl: 300 }],
  invalid: [
    { params: { ...tutorialParams('Z1', 'hc'), secondary: undefined }, errors: ["/: must have required property 'secondary'"] },
    {
      params: { ...tutorialParams('Z1', 'hc'), primary: { setIdentifier: 'a', recordName: 'b' } },
      errors: ["/primary: must have required property 'target'"],
    },
    { params: { ...tutorialParams('Z1', 'hc'), type: 'MX' }, errors: ['/type: must be equal to one of the allowed values'] },
  ],
  runThenRollback: {
    params: async ({ target }) => {
      const { zoneId, healthCheckId } = await setup(target);
      conformanceZone = zoneId;
      return tutorialParams(zoneId, healthCheckId);
    },
    leftovers: async ({ target }) =>
      (await records(target, conformanceZone)).map((set) => `${set.Name} ${set.Type} ${set.SetIdentifier ?? ''}`),
  },
});

test.run();
