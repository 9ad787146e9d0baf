import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import type { Emulator } from '../../emulator/index.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/** Hosted zones, GetChange, and id tolerance, through the real SDK v3 client. */
const clock = new ManualClock();
const test = emulatorSuite('route53/zones', { emulator: { clock } });

let emu: Emulator;
let r53: Route53Client;

test.before((ctx) => {
  emu = ctx.emu;
  r53 = route53Client(emu);
});
test.after(() => {
  r53.destroy();
});

test('CreateHostedZone: 201, Location, prefixed ids, default NS and SOA, delegation set', async () => {
  const out = await r53.send(
    new CreateHostedZoneCommand({ Name: 'Example.COM', CallerReference: 'r1', HostedZoneConfig: { Comment: 'hi' } }),
  );
  assert.is(out.$metadata.httpStatusCode, 201);
  const id = out.HostedZone!.Id!;
  assert.match(id, /^\/hostedzone\/Z[A-Z0-9]+$/);
  assert.is(out.Location, `https://route53.amazonaws.com/2013-04-01${id}`);
  assert.is(out.HostedZone!.Name, 'example.com.');
  assert.is(out.HostedZone!.CallerReference, 'r1');
  assert.equal(out.HostedZone!.Config, { Comment: 'hi', PrivateZone: false });
  assert.is(out.HostedZone!.ResourceRecordSetCount, 2);
  assert.match(out.ChangeInfo!.Id!, /^\/change\/C[A-Z0-9]+$/);
  assert.is(out.ChangeInfo!.Status, 'PENDING');
  assert.is(out.ChangeInfo!.SubmittedAt!.getTime(), clock.now());
  assert.equal(out.DelegationSet!.NameServers, [
    'ns-2048.awsdns-64.com',
    'ns-2049.awsdns-65.net',
    'ns-2050.awsdns-66.org',
    'ns-2051.awsdns-67.co.uk',
  ]);

  const records = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }));
  assert.equal(records.ResourceRecordSets, [
    {
      Name: 'example.com.',
      Type: 'NS',
      TTL: 172800,
      ResourceRecords: ['ns-2048.awsdns-64.com.', 'ns-2049.awsdns-65.net.', 'ns-2050.awsdns-66.org.', 'ns-2051.awsdns-67.co.uk.'].map(
        (Value) => ({ Value }),
      ),
    },
    {
      Name: 'example.com.',
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [{ Value: 'ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }],
    },
  ]);
});

test('a caller reference is never reusable, even after the zone is deleted', async () => {
  const out = await r53.send(new CreateHostedZoneCommand({ Name: 'a.com', CallerReference: 'same' }));
  const message = 'A hosted zone has already been created with the specified caller reference.';
  await rejectsWith(
    r53.send(new CreateHostedZoneCommand({ Name: 'b.com', CallerReference: 'same' })),
    'HostedZoneAlreadyExists',
    message,
    409,
  );
  await r53.send(new DeleteHostedZoneCommand({ Id: out.HostedZone!.Id }));
  await rejectsWith(
    r53.send(new CreateHostedZoneCommand({ Name: 'a.com', CallerReference: 'same' })),
    'HostedZoneAlreadyExists',
    message,
    409,
  );
});

test('CreateHostedZone rejects an invalid name', async () => {
  await rejectsWith(
    r53.send(new CreateHostedZoneCommand({ Name: 'bad name.com', CallerReference: 'x' })),
    'InvalidDomainName',
    'bad name.com is not a valid domain name.',
    400,
  );
});

test('GetHostedZone by bare and prefixed id; NoSuchHostedZone 404', async () => {
  const out = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'r1' }));
  const bare = out.HostedZone!.Id!.replace('/hostedzone/', '');
  const got = await r53.send(new GetHostedZoneCommand({ Id: bare }));
  assert.equal(got.HostedZone, out.HostedZone);
  assert.equal(got.DelegationSet, out.DelegationSet);
  // SDK v3 strips the prefix itself; a raw client may send it percent-encoded.
  const raw = await fetch(`${emu.endpoint}/2013-04-01/hostedzone/${encodeURIComponent(out.HostedZone!.Id!)}`);
  assert.is(raw.status, 200);
  assert.match(await raw.text(), `<Id>${out.HostedZone!.Id}</Id>`);
  await rejectsWith(r53.send(new GetHostedZoneCommand({ Id: 'ZNOPE' })), 'NoSuchHostedZone', 'No hosted zone found with ID: ZNOPE', 404);
  const xml = await (await fetch(`${emu.endpoint}/2013-04-01/hostedzone/ZNOPE`)).text();
  assert.match(xml, '<Type>Sender</Type><Code>NoSuchHostedZone</Code>');
});

test('DeleteHostedZone: HostedZoneNotEmpty while records other than SOA/NS exist', async () => {
  const id = (await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'r1' }))).HostedZone!.Id!;
  const record = { Name: 'www.example.com', Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: '1.2.3.4' }] };
  await r53.send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: record }] } }),
  );
  await rejectsWith(
    r53.send(new DeleteHostedZoneCommand({ Id: id })),
    'HostedZoneNotEmpty',
    'The hosted zone contains resource records that are not SOA or NS records.',
    400,
  );
  await r53.send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: record }] } }),
  );
  const deleted = await r53.send(new DeleteHostedZoneCommand({ Id: id }));
  assert.is(deleted.ChangeInfo!.Status, 'PENDING');
  await rejectsWith(
    r53.send(new GetHostedZoneCommand({ Id: id })),
    'NoSuchHostedZone',
    `No hosted zone found with ID: ${id.replace('/hostedzone/', '')}`,
    404,
  );
  await rejectsWith(r53.send(new DeleteHostedZoneCommand({ Id: 'ZNOPE' })), 'NoSuchHostedZone', 'No hosted zone found with ID: ZNOPE', 404);
});

test('GetChange: PENDING, then INSYNC after the emulated propagation delay; NoSuchChange', async () => {
  const out = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'r1' }));
  const first = await r53.send(new GetChangeCommand({ Id: out.ChangeInfo!.Id }));
  assert.is(first.ChangeInfo!.Status, 'PENDING');
  assert.is(first.ChangeInfo!.Id, out.ChangeInfo!.Id);
  await clock.advance(1_000);
  const later = await r53.send(new GetChangeCommand({ Id: out.ChangeInfo!.Id }));
  assert.is(later.ChangeInfo!.Status, 'INSYNC');
  assert.equal(later.ChangeInfo!.SubmittedAt, first.ChangeInfo!.SubmittedAt);
  const batch = await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: out.HostedZone!.Id,
      ChangeBatch: {
        Comment: 'why',
        Changes: [
          { Action: 'UPSERT', ResourceRecordSet: { Name: 'a.example.com', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '1.1.1.1' }] } },
        ],
      },
    }),
  );
  assert.is(batch.ChangeInfo!.Comment, 'why');
  assert.is((await r53.send(new GetChangeCommand({ Id: batch.ChangeInfo!.Id }))).ChangeInfo!.Comment, 'why');
  await rejectsWith(
    r53.send(new GetChangeCommand({ Id: 'CNOPE' })),
    'NoSuchChange',
    'A change with the specified change ID does not exist: CNOPE',
    404,
  );
});

test('ListHostedZones pages with maxitems and marker; GetHostedZoneCount', async () => {
  const ids: string[] = [];
  for (const name of ['one.com', 'two.com', 'three.com']) {
    ids.push((await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }))).HostedZone!.Id!);
  }
  const first = await r53.send(new ListHostedZonesCommand({ MaxItems: 2 }));
  assert.equal(
    first.HostedZones!.map((z) => z.Name),
    ['one.com.', 'two.com.'],
  );
  assert.is(first.IsTruncated, true);
  assert.is(first.MaxItems, 2);
  assert.is(`/hostedzone/${first.NextMarker}`, ids[2]);
  const second = await r53.send(new ListHostedZonesCommand({ MaxItems: 2, Marker: first.NextMarker }));
  assert.equal(
    second.HostedZones!.map((z) => z.Name),
    ['three.com.'],
  );
  assert.is(second.IsTruncated, false);
  assert.is(second.NextMarker, undefined);
  assert.is((await r53.send(new GetHostedZoneCountCommand({}))).HostedZoneCount, 3);
});

test('ListHostedZonesByName: sorted by reversed labels, starting at DNSName', async () => {
  for (const name of ['b.com', 'x.a.com', 'a.com', 'a.net'])
    await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }));
  const all = await r53.send(new ListHostedZonesByNameCommand({}));
  assert.equal(
    all.HostedZones!.map((z) => z.Name),
    ['a.com.', 'x.a.com.', 'b.com.', 'a.net.'],
  );
  const page = await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'x.a.com', MaxItems: 2 }));
  assert.equal(
    page.HostedZones!.map((z) => z.Name),
    ['x.a.com.', 'b.com.'],
  );
  assert.is(page.DNSName, 'x.a.com');
  assert.is(page.IsTruncated, true);
  assert.is(page.NextDNSName, 'a.net.');
  assert.ok(page.NextHostedZoneId);
  await rejectsWith(
    r53.send(new ListHostedZonesByNameCommand({ HostedZoneId: 'Z1' })),
    'InvalidInput',
    'The hosted zone ID can only be specified when the DNS name is specified.',
    400,
  );
});

test('Route 53 ignores the signing region: a zone created via one region is seen via another', async () => {
  const id = (await r53.send(new CreateHostedZoneCommand({ Name: 'global.com', CallerReference: 'g' }))).HostedZone!.Id!;
  const eu = route53Client(emu, 'eu-central-1');
  assert.is((await eu.send(new GetHostedZoneCommand({ Id: id }))).HostedZone!.Name, 'global.com.');
  eu.destroy();
});

test.run();
