import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lookupAddress, resolve, type QueryType } from '../../emulator/route53/resolve.ts';
import { Route53Store } from '../../emulator/route53/store.ts';
import type { HostedZone, RecordSet } from '../../emulator/route53/types.ts';

/** The pure resolver, without sockets: a store, a health map, and the answers it implies. */
const test = suite('route53/resolve');

const SOA = 'ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400';
let store: Route53Store;
let unhealthy: Set<string>;

function zone(id: string, name: string, records: RecordSet[]): HostedZone {
  const z: HostedZone = {
    id,
    name,
    callerReference: id,
    privateZone: false,
    vpcs: [],
    nameServers: [],
    records: new Map(),
    nonTerminals: new Set(),
  };
  store.replaceRecords(z, [
    { Name: name, Type: 'NS', TTL: 172800, ResourceRecords: ['ns-2048.awsdns-64.com.'] },
    { Name: name, Type: 'SOA', TTL: 900, ResourceRecords: [SOA] },
    ...records,
  ]);
  store.zones.set(id, z);
  return z;
}

const ask = (name: string, type: QueryType) => resolve(store, (id) => !unhealthy.has(id), name, type);
const values = (name: string, type: QueryType) =>
  ask(name, type).answers.map((a) => ('address' in a ? a.address : 'target' in a ? a.target : a.type));

const a = (Name: string, ip: string, extra: Partial<RecordSet> = {}): RecordSet => ({
  Name,
  Type: 'A',
  TTL: 60,
  ResourceRecords: [ip],
  ...extra,
});

test.before.each(() => {
  store = new Route53Store();
  unhealthy = new Set();
});

test('failover: PRIMARY when healthy, SECONDARY when PRIMARY fails, PRIMARY when both fail', () => {
  zone('Z1', 'example.com.', [
    a('api.example.com.', '10.0.0.1', { SetIdentifier: 'p', Failover: 'PRIMARY', HealthCheckId: 'hc-p' }),
    a('api.example.com.', '10.0.0.2', { SetIdentifier: 's', Failover: 'SECONDARY', HealthCheckId: 'hc-s' }),
  ]);
  assert.equal(values('api.example.com', 'A'), ['10.0.0.1']);
  unhealthy.add('hc-p');
  assert.equal(values('api.example.com', 'A'), ['10.0.0.2']);
  unhealthy.add('hc-s');
  assert.equal(values('api.example.com', 'A'), ['10.0.0.1'], 'both unhealthy → PRIMARY');
  unhealthy.delete('hc-p');
  assert.equal(values('api.example.com', 'A'), ['10.0.0.1'], 'SECONDARY unhealthy → PRIMARY');
});

test('failover: a record without a health check is healthy', () => {
  zone('Z1', 'example.com.', [
    a('api.example.com.', '10.0.0.1', { SetIdentifier: 'p', Failover: 'PRIMARY' }),
    a('api.example.com.', '10.0.0.2', { SetIdentifier: 's', Failover: 'SECONDARY' }),
  ]);
  unhealthy.add('anything');
  assert.equal(values('api.example.com', 'A'), ['10.0.0.1']);
});

test('alias with EvaluateTargetHealth inherits the target health; answers carry the queried name and target TTL', () => {
  zone('Z1', 'example.com.', [
    a('use1.example.com.', '10.0.0.1', { TTL: 42, HealthCheckId: 'hc-use1' }),
    a('euc1.example.com.', '10.0.0.2', { TTL: 43 }),
    {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 'p',
      Failover: 'PRIMARY',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'use1.example.com.', EvaluateTargetHealth: true },
    },
    {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 's',
      Failover: 'SECONDARY',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'euc1.example.com.', EvaluateTargetHealth: true },
    },
  ]);
  let r = ask('API.example.com.', 'A');
  assert.equal(r.answers, [{ type: 'A', address: '10.0.0.1', name: 'api.example.com.', ttl: 42 }]);
  assert.is(r.authoritative, true);
  unhealthy.add('hc-use1');
  r = ask('api.example.com', 'A');
  assert.equal(r.answers, [{ type: 'A', address: '10.0.0.2', name: 'api.example.com.', ttl: 43 }]);
});

test('alias without EvaluateTargetHealth ignores the target health', () => {
  zone('Z1', 'example.com.', [
    a('use1.example.com.', '10.0.0.1', { HealthCheckId: 'hc-use1' }),
    a('euc1.example.com.', '10.0.0.2'),
    {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 'p',
      Failover: 'PRIMARY',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'use1.example.com.', EvaluateTargetHealth: false },
    },
    {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 's',
      Failover: 'SECONDARY',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'euc1.example.com.', EvaluateTargetHealth: false },
    },
  ]);
  unhealthy.add('hc-use1');
  assert.equal(values('api.example.com', 'A'), ['10.0.0.1']);
});

test('the tutorial: alias of Type CNAME to a CNAME answers the target value under the queried name', () => {
  zone('Z1', 'hello-localstack.com.', [
    { Name: '12345.hello-localstack.com.', Type: 'CNAME', TTL: 60, ResourceRecords: ['12345.execute-api.localhost.localstack.cloud'] },
    { Name: '67890.hello-localstack.com.', Type: 'CNAME', TTL: 60, ResourceRecords: ['67890.execute-api.localhost.localstack.cloud'] },
    {
      Name: 'test.hello-localstack.com.',
      Type: 'CNAME',
      SetIdentifier: '12345',
      Failover: 'PRIMARY',
      HealthCheckId: 'hc',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: '12345.hello-localstack.com.', EvaluateTargetHealth: true },
    },
    {
      Name: 'test.hello-localstack.com.',
      Type: 'CNAME',
      SetIdentifier: '67890',
      Failover: 'SECONDARY',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: '67890.hello-localstack.com.', EvaluateTargetHealth: true },
    },
  ]);
  assert.equal(ask('test.hello-localstack.com', 'CNAME').answers, [
    { type: 'CNAME', target: '12345.execute-api.localhost.localstack.cloud.', name: 'test.hello-localstack.com.', ttl: 60 },
  ]);
  // An A query chases the CNAME into LocalStack's loopback names.
  assert.equal(values('test.hello-localstack.com', 'A'), ['12345.execute-api.localhost.localstack.cloud.', '127.0.0.1']);
  unhealthy.add('hc');
  assert.equal(values('test.hello-localstack.com', 'CNAME'), ['67890.execute-api.localhost.localstack.cloud.']);
  assert.equal(
    lookupAddress(store, (id) => !unhealthy.has(id), 'test.hello-localstack.com'),
    { status: 'found', address: '127.0.0.1' },
  );
});

test('NXDOMAIN and NODATA carry the SOA at the negative TTL; an empty non-terminal is NODATA', () => {
  zone('Z1', 'example.com.', [a('a.b.example.com.', '10.0.0.1')]);
  const nx = ask('nope.example.com', 'A');
  assert.is(nx.rcode, 'NXDOMAIN');
  assert.is(nx.authorities.length, 1);
  assert.is(nx.authorities[0]!.type, 'SOA');
  assert.is(nx.authorities[0]!.ttl, 900);
  const nodata = ask('a.b.example.com', 'AAAA');
  assert.is(nodata.rcode, 'NOERROR');
  assert.equal(nodata.answers, []);
  assert.is(nodata.authorities[0]!.type, 'SOA');
  const ent = ask('b.example.com', 'A');
  assert.is(ent.rcode, 'NOERROR');
  assert.equal(ent.answers, []);
});

test('outside every zone → REFUSED; LocalStack names → 127.0.0.1, AAAA NODATA', () => {
  zone('Z1', 'example.com.', []);
  assert.is(ask('example.org', 'A').rcode, 'REFUSED');
  assert.is(ask('example.org', 'A').authoritative, false);
  assert.equal(values('12345.execute-api.localhost.localstack.cloud', 'A'), ['127.0.0.1']);
  assert.equal(values('localhost.localstack.cloud', 'A'), ['127.0.0.1']);
  assert.equal(values('localhost', 'A'), ['127.0.0.1']);
  const v6 = ask('x.localhost.localstack.cloud', 'AAAA');
  assert.is(v6.rcode, 'NOERROR');
  assert.equal(v6.answers, []);
});

test('CNAME chasing: in-zone and across our zones; out-of-zone targets stop the chain; loops end', () => {
  zone('Z1', 'example.com.', [
    { Name: 'www.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: ['web.example.com'] },
    a('web.example.com.', '10.0.0.9', { TTL: 20 }),
    { Name: 'other.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: ['host.example.net.'] },
    { Name: 'ext.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: ['elsewhere.org'] },
    { Name: 'loop1.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: ['loop2.example.com'] },
    { Name: 'loop2.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: ['loop1.example.com'] },
    { Name: 'dangling.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: ['missing.example.com'] },
  ]);
  zone('Z2', 'example.net.', [a('host.example.net.', '10.0.0.10')]);
  const r = ask('www.example.com', 'A');
  assert.equal(
    r.answers.map((x) => [x.name, x.type, x.ttl]),
    [
      ['www.example.com.', 'CNAME', 30],
      ['web.example.com.', 'A', 20],
    ],
  );
  assert.equal(values('other.example.com', 'A'), ['host.example.net.', '10.0.0.10']);
  assert.equal(values('ext.example.com', 'A'), ['elsewhere.org.']);
  assert.equal(values('loop1.example.com', 'A'), ['loop2.example.com.', 'loop1.example.com.']);
  const dangling = ask('dangling.example.com', 'A');
  assert.is(dangling.rcode, 'NXDOMAIN');
  assert.is(dangling.answers.length, 1);
  assert.equal(
    lookupAddress(store, () => true, 'ext.example.com'),
    { status: 'external', name: 'elsewhere.org.' },
  );
  assert.equal(
    lookupAddress(store, () => true, 'nowhere.org'),
    { status: 'external', name: 'nowhere.org.' },
  );
  assert.is(lookupAddress(store, () => true, 'nope.example.com').status, 'not-found');
});

test('wildcards match below their closest encloser only; ANY returns every type; delegations refer', () => {
  zone('Z1', 'example.com.', [
    a('*.example.com.', '10.0.0.7'),
    a('host.example.com.', '10.0.0.8'),
    { Name: 'host.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: ['"hello world" "two"'] },
    { Name: 'sub.example.com.', Type: 'NS', TTL: 60, ResourceRecords: ['ns1.elsewhere.org.'] },
  ]);
  assert.equal(ask('anything.example.com', 'A').answers, [{ type: 'A', address: '10.0.0.7', name: 'anything.example.com.', ttl: 60 }]);
  assert.is(ask('deep.host.example.com', 'A').rcode, 'NXDOMAIN', 'host.example.com exists, so *.example.com does not cover names below it');
  assert.equal(
    ask('host.example.com', 'ANY').answers.map((x) => x.type),
    ['A', 'TXT'],
  );
  assert.equal(ask('host.example.com', 'TXT').answers[0], {
    type: 'TXT',
    strings: ['hello world', 'two'],
    name: 'host.example.com.',
    ttl: 60,
  });
  const referral = ask('www.sub.example.com', 'A');
  assert.is(referral.authoritative, false);
  assert.equal(
    referral.authorities.map((x) => [x.name, x.type]),
    [['sub.example.com.', 'NS']],
  );
});

test('an alias whose target is missing is REFUSED; weighted picks by weight among healthy members', () => {
  zone('Z1', 'example.com.', [
    {
      Name: 'broken.example.com.',
      Type: 'A',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'gone.example.com.', EvaluateTargetHealth: false },
    },
    a('w.example.com.', '10.0.0.1', { SetIdentifier: 'one', Weight: 1, HealthCheckId: 'hc-1' }),
    a('w.example.com.', '10.0.0.2', { SetIdentifier: 'two', Weight: 3 }),
  ]);
  assert.is(ask('broken.example.com', 'A').rcode, 'REFUSED');
  const pick = (roll: number) => {
    const first = resolve(store, (id) => !unhealthy.has(id), 'w.example.com', 'A', { random: () => roll }).answers[0];
    return first?.type === 'A' ? first.address : undefined;
  };
  assert.is(pick(0.1), '10.0.0.1');
  assert.is(pick(0.9), '10.0.0.2');
  unhealthy.add('hc-1');
  assert.is(pick(0.1), '10.0.0.2');
});

test('the most specific zone answers', () => {
  zone('Z1', 'example.com.', [a('a.sub.example.com.', '10.0.0.1')]);
  zone('Z2', 'sub.example.com.', [a('a.sub.example.com.', '10.0.0.2')]);
  assert.equal(values('a.sub.example.com', 'A'), ['10.0.0.2']);
});

test.run();
