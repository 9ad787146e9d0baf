import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  TestDNSAnswerCommand,
  type Change,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import type { Emulator } from '../../emulator/index.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/** ChangeResourceRecordSets (atomic batches, AWS's messages) and ListResourceRecordSets. */
const test = emulatorSuite('route53/records', { emulator: { clock: new ManualClock() } });

let emu: Emulator;
let r53: Route53Client;
let zoneId: string;
let bareZoneId: string;

const A = (Name: string, ip = '10.0.0.1', extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name,
  Type: 'A',
  TTL: 60,
  ResourceRecords: [{ Value: ip }],
  ...extra,
});

const change = (...changes: Change[]) =>
  r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
const list = async (
  input: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string; MaxItems?: number } = {},
) => r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...input }));
const names = async () =>
  (await list()).ResourceRecordSets!.map((r) => `${r.Name} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ''}`);

/** Route 53 answers a client error with 400 unless a test names another status. */
const rejects = (promise: Promise<unknown>, code: string, message: string, status = 400) => rejectsWith(promise, code, message, status);

async function rawPost(path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${emu.endpoint}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
  return { status: res.status, text: await res.text() };
}

test.before((ctx) => {
  emu = ctx.emu;
  r53 = route53Client(emu);
});
test.after(() => {
  r53.destroy();
});
test.before.each(async () => {
  zoneId = (await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `z-${Math.random()}` }))).HostedZone!.Id!;
  bareZoneId = zoneId.replace('/hostedzone/', '');
});

test('CREATE, UPSERT and DELETE; names stored lower-case with a trailing dot', async () => {
  const out = await change({ Action: 'CREATE', ResourceRecordSet: A('WWW.Example.com', '10.0.0.1') });
  assert.is(out.ChangeInfo!.Status, 'PENDING');
  await change({ Action: 'UPSERT', ResourceRecordSet: A('www.example.com.', '10.0.0.2', { TTL: 120 }) });
  const www = (await list({ StartRecordName: 'www.example.com', StartRecordType: 'A', MaxItems: 1 })).ResourceRecordSets![0]!;
  assert.equal(www, { Name: 'www.example.com.', Type: 'A', TTL: 120, ResourceRecords: [{ Value: '10.0.0.2' }] });
  await change({ Action: 'UPSERT', ResourceRecordSet: A('new.example.com') });
  await change({ Action: 'DELETE', ResourceRecordSet: A('www.example.com', '10.0.0.2', { TTL: 120 }) });
  assert.equal(await names(), ['example.com. NS', 'example.com. SOA', 'new.example.com. A']);
});

test('a batch is atomic: one bad change rejects all, and every problem is reported as [m1, m2]', async () => {
  await rejects(
    change(
      { Action: 'CREATE', ResourceRecordSet: A('ok.example.com') },
      { Action: 'DELETE', ResourceRecordSet: A('missing.example.com') },
      { Action: 'CREATE', ResourceRecordSet: A('www.other.com') },
    ),
    'InvalidChangeBatch',
    "[Tried to delete resource record set [name='missing.example.com.', type='A'] but it was not found, RRSet with DNS name www.other.com. is not permitted in zone example.com.]",
  );
  assert.equal(await names(), ['example.com. NS', 'example.com. SOA']);
});

test('changes in a batch see the earlier ones: DELETE then CREATE replaces; a double CREATE fails', async () => {
  await change({ Action: 'CREATE', ResourceRecordSet: A('a.example.com', '10.0.0.1') });
  await change(
    { Action: 'DELETE', ResourceRecordSet: A('a.example.com', '10.0.0.1') },
    { Action: 'CREATE', ResourceRecordSet: A('a.example.com', '10.0.0.9') },
  );
  assert.equal((await list({ StartRecordName: 'a.example.com', MaxItems: 1 })).ResourceRecordSets![0]!.ResourceRecords, [
    { Value: '10.0.0.9' },
  ]);
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: A('b.example.com') }, { Action: 'CREATE', ResourceRecordSet: A('b.example.com') }),
    'InvalidChangeBatch',
    "[Tried to create resource record set [name='b.example.com.', type='A'] but it already exists]",
  );
  await rejects(
    change(
      { Action: 'DELETE', ResourceRecordSet: A('a.example.com', '10.0.0.9') },
      { Action: 'DELETE', ResourceRecordSet: A('a.example.com', '10.0.0.9') },
    ),
    'InvalidChangeBatch',
    "[Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found]",
  );
});

test('duplicates with a set identifier, and DELETE with different values', async () => {
  const hc = await r53.send(
    new CreateHealthCheckCommand({ CallerReference: 'hc', HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.1', Port: 9 } }),
  );
  const primary = A('api.example.com', '10.0.0.1', { SetIdentifier: 'Default', Failover: 'PRIMARY', HealthCheckId: hc.HealthCheck!.Id });
  await change({ Action: 'CREATE', ResourceRecordSet: primary });
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: primary }),
    'InvalidChangeBatch',
    "[Tried to create resource record set [name='api.example.com.', type='A', set-identifier='Default'] but it already exists]",
  );
  await rejects(
    change({ Action: 'DELETE', ResourceRecordSet: { ...primary, TTL: 61 } }),
    'InvalidChangeBatch',
    "[Tried to delete resource record set [name='api.example.com.', type='A', set-identifier='Default'] but the values provided do not match the current values]",
  );
  await change({ Action: 'DELETE', ResourceRecordSet: primary });
});

test('CNAME at the apex and CNAME conflicts, both ways (with AWS double space)', async () => {
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: { Name: 'example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.org' }] } }),
    'InvalidChangeBatch',
    '[RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.]',
  );
  await change({ Action: 'CREATE', ResourceRecordSet: A('x.example.com') });
  await rejects(
    change({
      Action: 'CREATE',
      ResourceRecordSet: { Name: 'x.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'y.org' }] },
    }),
    'InvalidChangeBatch',
    '[RRSet of type CNAME with DNS name x.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.]',
  );
  await change({
    Action: 'CREATE',
    ResourceRecordSet: { Name: 'c.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'y.org' }] },
  });
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: { Name: 'c.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"t"' }] } }),
    'InvalidChangeBatch',
    '[RRSet of type TXT with DNS name c.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com.]',
  );
});

test('InvalidInput: alias with TTL, neither shape, routing without SetIdentifier, SetIdentifier without routing, bad Action', async () => {
  const alias = { HostedZoneId: bareZoneId, DNSName: 'x.example.com', EvaluateTargetHealth: false };
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: { Name: 'al.example.com', Type: 'A', TTL: 60, AliasTarget: alias } }),
    'InvalidInput',
    'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with [Action=CREATE, Name=al.example.com., Type=A, SetIdentifier=null]',
  );
  await rejects(
    change({ Action: 'DELETE', ResourceRecordSet: { Name: 'al.example.com', Type: 'A' } }),
    'InvalidInput',
    'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=DELETE, Name=al.example.com., Type=A, SetIdentifier=null]',
  );
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: A('f.example.com', '10.0.0.1', { Failover: 'PRIMARY' }) }),
    'InvalidInput',
    "Invalid request: Missing field 'SetIdentifier' in Change with [Action=CREATE, Name=f.example.com., Type=A, SetIdentifier=null]",
  );
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: A('f.example.com', '10.0.0.1', { SetIdentifier: 'x' }) }),
    'InvalidInput',
    'Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, or MultiValueAnswer], but found none in Change with [Action=CREATE, Name=f.example.com., Type=A, SetIdentifier=x]',
  );
  await rejects(
    change({ Action: 'PATCH' as 'CREATE', ResourceRecordSet: A('f.example.com') }),
    'InvalidInput',
    "Invalid XML ; cvc-enumeration-valid: Value 'PATCH' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.",
  );
});

test('unknown HealthCheckId → NoSuchHealthCheck 404; unknown zone → NoSuchHostedZone 404', async () => {
  await rejects(
    change({
      Action: 'CREATE',
      ResourceRecordSet: A('h.example.com', '10.0.0.1', { SetIdentifier: 'p', Failover: 'PRIMARY', HealthCheckId: 'no-such-check' }),
    }),
    'NoSuchHealthCheck',
    'No health check exists with the specified ID no-such-check',
    404,
  );
  await rejects(
    r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZNOPE',
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: A('a.example.com') }] },
      }),
    ),
    'NoSuchHostedZone',
    'No hosted zone found with ID: ZNOPE',
    404,
  );
});

test('alias target must exist in our zone; invalid A values; mixing routed and simple sets', async () => {
  await rejects(
    change({
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'al.example.com',
        Type: 'A',
        AliasTarget: { HostedZoneId: bareZoneId, DNSName: 'gone.example.com', EvaluateTargetHealth: true },
      },
    }),
    'InvalidChangeBatch',
    `[Tried to create an alias that targets gone.example.com., type A in zone ${bareZoneId}, but that target was not found]`,
  );
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: A('bad.example.com', 'abc') }),
    'InvalidChangeBatch',
    "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'abc'']",
  );
  await change({ Action: 'CREATE', ResourceRecordSet: A('mix.example.com') });
  await rejects(
    change({ Action: 'CREATE', ResourceRecordSet: A('mix.example.com', '10.0.0.2', { SetIdentifier: 'primary', Failover: 'PRIMARY' }) }),
    'InvalidChangeBatch',
    '[RRSet with DNS name mix.example.com., type A, SetIdentifier primary cannot be created as a non-weighted set exists with the same name and type.]',
  );
  // An alias to an AWS resource zone cannot be checked and is accepted.
  await change({
    Action: 'CREATE',
    ResourceRecordSet: {
      Name: 'elb.example.com',
      Type: 'A',
      AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'my-elb.us-east-1.elb.amazonaws.com', EvaluateTargetHealth: false },
    },
  });
});

test('the apex SOA and NS cannot be deleted', async () => {
  const soa = (await list()).ResourceRecordSets!.find((r) => r.Type === 'SOA')!;
  await rejects(
    change({ Action: 'DELETE', ResourceRecordSet: soa }),
    'InvalidChangeBatch',
    '[A HostedZone must contain exactly one SOA record.]',
  );
});

test('ListResourceRecordSets: reversed-label order, then type and set identifier; paging with Next* fields', async () => {
  await change(
    { Action: 'CREATE', ResourceRecordSet: A('b.example.com') },
    { Action: 'CREATE', ResourceRecordSet: A('a.b.example.com') },
    { Action: 'CREATE', ResourceRecordSet: { Name: 'a.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] } },
    { Action: 'CREATE', ResourceRecordSet: A('a.example.com') },
    { Action: 'CREATE', ResourceRecordSet: A('z.example.com', '10.0.0.1', { SetIdentifier: 's2', Failover: 'SECONDARY' }) },
    { Action: 'CREATE', ResourceRecordSet: A('z.example.com', '10.0.0.2', { SetIdentifier: 's1', Failover: 'PRIMARY' }) },
    { Action: 'CREATE', ResourceRecordSet: A('*.example.com') },
  );
  assert.equal(await names(), [
    'example.com. NS',
    'example.com. SOA',
    '\\052.example.com. A',
    'a.example.com. A',
    'a.example.com. TXT',
    'b.example.com. A',
    'a.b.example.com. A',
    'z.example.com. A s1',
    'z.example.com. A s2',
  ]);
  const page = await list({ StartRecordName: 'b.example.com', MaxItems: 2 });
  assert.equal(
    page.ResourceRecordSets!.map((r) => r.Name),
    ['b.example.com.', 'a.b.example.com.'],
  );
  assert.is(page.IsTruncated, true);
  assert.is(page.MaxItems, 2);
  assert.is(page.NextRecordName, 'z.example.com.');
  assert.is(page.NextRecordType, 'A');
  assert.is(page.NextRecordIdentifier, 's1');
  const next = await list({ StartRecordName: page.NextRecordName, StartRecordType: 'A', StartRecordIdentifier: 's2', MaxItems: 2 });
  assert.equal(
    next.ResourceRecordSets!.map((r) => r.SetIdentifier),
    ['s2'],
  );
  assert.is(next.IsTruncated, false);
  assert.is(next.NextRecordName, undefined);
  await rejects(list({ StartRecordType: 'A' }), 'InvalidInput', 'The input is not valid: type requires name');
});

test('alias and failover records come back with their routing fields and no TTL', async () => {
  const hc = await r53.send(
    new CreateHealthCheckCommand({ CallerReference: 'hc', HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.1', Port: 9 } }),
  );
  await change({ Action: 'CREATE', ResourceRecordSet: A('use1.example.com') });
  const alias: ResourceRecordSet = {
    Name: 'api.example.com.',
    Type: 'A',
    SetIdentifier: 'primary',
    Failover: 'PRIMARY',
    AliasTarget: { HostedZoneId: bareZoneId, DNSName: 'use1.example.com.', EvaluateTargetHealth: true },
    HealthCheckId: hc.HealthCheck!.Id,
  };
  await change({ Action: 'CREATE', ResourceRecordSet: alias });
  const got = (await list({ StartRecordName: 'api.example.com', MaxItems: 1 })).ResourceRecordSets![0];
  assert.equal(got, alias);
});

test('raw clients: `/rrset/` with a trailing slash (botocore) and prefixed ids, AliasTarget included', async () => {
  await change({
    Action: 'CREATE',
    ResourceRecordSet: {
      Name: '12345.example.com',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: '12345.execute-api.localhost.localstack.cloud' }],
    },
  });
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>' +
    '<Change><Action>CREATE</Action><ResourceRecordSet><Name>test.example.com</Name><Type>CNAME</Type><SetIdentifier>12345</SetIdentifier><Failover>PRIMARY</Failover>' +
    `<AliasTarget><HostedZoneId>${zoneId}</HostedZoneId><DNSName>12345.example.com</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget>` +
    '</ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>';
  const res = await rawPost(`/2013-04-01/hostedzone/${encodeURIComponent(zoneId)}/rrset/`, body);
  assert.is(res.status, 200, res.text);
  assert.match(res.text, '<Status>PENDING</Status>');
  const got = (await list({ StartRecordName: 'test.example.com', MaxItems: 1 })).ResourceRecordSets![0]!;
  assert.equal(got.AliasTarget, { HostedZoneId: bareZoneId, DNSName: '12345.example.com.', EvaluateTargetHealth: true });
  const answer = await r53.send(new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: 'test.example.com', RecordType: 'CNAME' }));
  assert.equal(answer.RecordData, ['12345.execute-api.localhost.localstack.cloud.']);
  assert.is(answer.ResponseCode, 'NOERROR');
});

test('an empty change batch is InvalidInput', async () => {
  const res = await rawPost(
    `/2013-04-01/hostedzone/${bareZoneId}/rrset`,
    '<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
  );
  assert.is(res.status, 400);
  assert.match(res.text, '<Code>InvalidInput</Code>');
  assert.match(res.text, 'The content of element &apos;Changes&apos; is not complete');
});

test.run();
