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
import { paramErrors } from '../helpers/validateParams.ts';

const test = emulatorSuite('steps/createZone');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');

async function zonesNamed(target: Target, name: string): Promise<string[]> {
  const listed = await r53(target).send(new ListHostedZonesByNameCommand({ DNSName: name }));
  return (listed.HostedZones ?? []).filter((z) => z.Name === `${name}.`).map((z) => z.Id ?? '');
}

test('creates the zone: bare id, name servers, tutorial caller reference', async ({ target }) => {
  const ctx = stepContext(target);
  const out = await createZone.run({ name: 'hello-localstack.com', callerReference: 'foo' }, ctx);
  assert.match(out.zoneId, /^[A-Z0-9]+$/, 'no /hostedzone/ prefix');
  assert.is(out.name, 'hello-localstack.com.');
  assert.ok(out.nameServers.length > 0);
  assert.is(out.callerReference, 'foo');
  const got = await r53(target).send(new GetHostedZoneCommand({ Id: out.zoneId }));
  assert.is(got.HostedZone?.CallerReference, 'foo');
});

test('a retried attempt (same run and step) returns the same zone, not a second one', async ({ target }) => {
  const ctx = stepContext(target, { runId: 'retry-run', stepId: 'zone' });
  const first = await createZone.run({ name: 'hello-localstack.com' }, ctx);
  const second = await createZone.run({ name: 'hello-localstack.com' }, { ...ctx, attempt: 2 });
  assert.is(second.zoneId, first.zoneId);
  assert.is((await zonesNamed(target, 'hello-localstack.com')).length, 1);
});

test('params: name required, no unknown fields, caller reference bounded', () => {
  assert.equal(paramErrors(createZone, { name: 'a.com' }), []);
  assert.equal(paramErrors(createZone, {}), ["/: must have required property 'name'"]);
  assert.equal(paramErrors(createZone, { name: 'a.com', zone: 'x' }), ['/: must NOT have additional properties']);
  assert.equal(paramErrors(createZone, { name: 'a.com', callerReference: 'x'.repeat(129) }), ['/callerReference: must NOT have more than 128 characters']);
});

test('rollback deletes every record, then the zone; a second rollback is a no-op', async ({ target }) => {
  const ctx = stepContext(target);
  const params = { name: 'hello-localstack.com' };
  const out = await createZone.run(params, ctx);
  await r53(target).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: out.zoneId,
      ChangeBatch: {
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: { Name: 'a.hello-localstack.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'b.example.com' }] } },
          { Action: 'CREATE', ResourceRecordSet: { Name: 'txt.hello-localstack.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] } },
        ],
      },
    }),
  );
  await createZone.rollback!(params, ctx, out);
  assert.equal(await zonesNamed(target, 'hello-localstack.com'), []);
  await createZone.rollback!(params, ctx, out);
});

test('rollback without outputs finds the zone by name + caller reference, and leaves other zones alone', async ({ target }) => {
  const ctx = stepContext(target, { runId: 'crashed-run', stepId: 'zone' });
  const params = { name: 'hello-localstack.com' };
  await createZone.run(params, ctx);
  const other = await createZone.run(params, stepContext(target, { runId: 'other-run', stepId: 'zone' }));
  await createZone.rollback!(params, ctx, undefined);
  assert.equal(await zonesNamed(target, 'hello-localstack.com'), [`/hostedzone/${other.zoneId}`]);
  const records = await r53(target).send(new ListResourceRecordSetsCommand({ HostedZoneId: other.zoneId }));
  assert.ok((records.ResourceRecordSets ?? []).length >= 2, 'the other zone keeps its SOA/NS');
  await createZone.rollback!(params, ctx, undefined);
});

test.run();
