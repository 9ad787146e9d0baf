import * as assert from 'uvu/assert';
import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { Target } from '../../engine/types.ts';
import createZone from '../../steps/createZone.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/createZone');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');

async function zonesNamed(target: Target, name: string): Promise<string[]> {
  const listed = await r53(target).send(new ListHostedZonesByNameCommand({ DNSName: name }));
  return (listed.HostedZones ?? []).filter((z) => z.Name === `${name}.`).map((z) => z.Id ?? '');
}

test('creates the zone: bare id, name servers, tutorial caller reference', async ({ target }) => {
  const ctx = stepContext(target);
  const out = await runStep(createZone, { name: 'hello-localstack.com', callerReference: 'foo' }, ctx);
  assert.match(out.zoneId, /^[A-Z0-9]+$/, 'no /hostedzone/ prefix');
  assert.is(out.name, 'hello-localstack.com.');
  assert.ok(out.nameServers.length > 0);
  assert.is(out.callerReference, 'foo');
  const got = await r53(target).send(new GetHostedZoneCommand({ Id: out.zoneId }));
  assert.is(got.HostedZone?.CallerReference, 'foo');
});

test('a retried attempt (same run and step) returns the same zone, not a second one', async ({ target }) => {
  const ctx = stepContext(target, { runId: 'retry-run', stepId: 'zone' });
  const first = await runStep(createZone, { name: 'hello-localstack.com' }, ctx);
  const second = await runStep(createZone, { name: 'hello-localstack.com' }, { ...ctx, attempt: 2 });
  assert.is(second.zoneId, first.zoneId);
  assert.is((await zonesNamed(target, 'hello-localstack.com')).length, 1);
});

testStep(test, createZone, {
  valid: [{ name: 'a.com' }, { name: 'a.com', callerReference: 'foo' }],
  invalid: [
    { params: {}, errors: ["/: must have required property 'name'"] },
    { params: { name: 'a.com', zone: 'x' }, errors: ['/: must NOT have additional properties'] },
    { params: { name: 'a.com', callerReference: 'x'.repeat(129) }, errors: ['/callerReference: must NOT have more than 128 characters'] },
  ],
  runThenRollback: { params: { name: 'hello-localstack.com' }, leftovers: ({ target }) => zonesNamed(target, 'hello-localstack.com') },
});

test('rollback deletes every record, then the zone; a second rollback is a no-op', async ({ target }) => {
  const ctx = stepContext(target);
  const params = { name: 'hello-localstack.com' };
  const out = await runStep(createZone, params, ctx);
  await r53(target).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: out.zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: { Name: 'a.hello-localstack.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'b.example.com' }] },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: { Name: 'txt.hello-localstack.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] },
          },
        ],
      },
    }),
  );
  await rollbackStep(createZone, params, ctx, out);
  assert.equal(await zonesNamed(target, 'hello-localstack.com'), []);
  await rollbackStep(createZone, params, ctx, out);
});

test('rollback without outputs finds the zone by name + caller reference, and leaves other zones alone', async ({ target }) => {
  const ctx = stepContext(target, { runId: 'crashed-run', stepId: 'zone' });
  const params = { name: 'hello-localstack.com' };
  await runStep(createZone, params, ctx);
  const other = await runStep(createZone, params, stepContext(target, { runId: 'other-run', stepId: 'zone' }));
  await rollbackStep(createZone, params, ctx, undefined);
  assert.equal(await zonesNamed(target, 'hello-localstack.com'), [`/hostedzone/${other.zoneId}`]);
  const records = await r53(target).send(new ListResourceRecordSetsCommand({ HostedZoneId: other.zoneId }));
  assert.ok((records.ResourceRecordSets ?? []).length >= 2, 'the other zone keeps its SOA/NS');
  await rollbackStep(createZone, params, ctx, undefined);
});

test.run();
