import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  UpdateHealthCheckCommand,
  type HealthCheckConfig,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { Resolver } from 'node:dns/promises';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import type { Route53Api } from '../../emulator/route53/api.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';

/**
 * Route 53's routing policies and health-check combinators as the emulator's DNS server answers
 * them over real UDP (Node's resolver), with records and checks made through the real SDK and
 * probes driven by a ManualClock against a local HTTP server.
 */
const clock = new ManualClock();
const test = emulatorSuite('route53/routing', { emulator: { clock } });

let r53: Route53Client;
let api: Route53Api;
let resolver: Resolver;
let web: LocalHttpServer;
/** Status the local server answers per path. */
const statuses = new Map<string, number>();
let zoneId: string;

test.before(async ({ emu }) => {
  r53 = route53Client(emu);
  api = emu.api('route53');
  resolver = new Resolver({ timeout: 2000, tries: 3 });
  resolver.setServers([`${emu.dns.host}:${emu.dns.port}`]);
  web = await startLocalHttpServer((req, res) => {
    res.writeHead(statuses.get(req.url ?? '/') ?? 200);
    res.end('ok');
  });
});

test.before.each(async () => {
  statuses.clear();
  api.routing.configure({ clientRegion: 'us-east-1', clientCountry: undefined, clientSubdivision: undefined, clientContinent: undefined });
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `z-${Math.random()}` }));
  zoneId = zone.HostedZone!.Id!;
});

test.after(async () => {
  await web?.close();
});

const put = (...sets: ResourceRecordSet[]) =>
  r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: sets.map((s) => ({ Action: 'UPSERT', ResourceRecordSet: s })) },
    }),
  );
const a = (id: string, ip: string, extra: Partial<ResourceRecordSet>): ResourceRecordSet => ({
  Name: 'app.example.com',
  Type: 'A',
  TTL: 60,
  SetIdentifier: id,
  ResourceRecords: [{ Value: ip }],
  ...extra,
});
const answer = async (name = 'app.example.com'): Promise<string[]> => {
  try {
    return (await resolver.resolve4(name)).sort();
  } catch (err) {
    return [(err as NodeJS.ErrnoException).code ?? 'error'];
  }
};

async function check(config: Partial<HealthCheckConfig>): Promise<string> {
  const out = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: `hc-${Math.random()}`,
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '127.0.0.1',
        Port: web.port,
        RequestInterval: 10,
        FailureThreshold: 1,
        ...config,
      } as HealthCheckConfig,
    }),
  );
  return out.HealthCheck!.Id!;
}

async function tick(): Promise<void> {
  await clock.advance(10_000);
  await api.healthChecks.settled();
}

test('latency: the member in the nearest Region to the configured client Region; an unhealthy one gives way', async () => {
  const eu = await check({ ResourcePath: '/eu' });
  await put(
    a('us', '10.0.0.1', { Region: 'us-east-1' }),
    a('eu', '10.0.0.2', { Region: 'eu-central-1', HealthCheckId: eu }),
    a('ap', '10.0.0.3', { Region: 'ap-northeast-1' }),
  );
  assert.equal(await answer(), ['10.0.0.1'], 'default client Region us-east-1');
  api.routing.configure({ clientRegion: 'eu-west-1' });
  assert.equal(await answer(), ['10.0.0.2'], 'Ireland → Frankfurt is nearest');
  api.routing.configure({ clientRegion: 'ap-southeast-1' });
  assert.equal(await answer(), ['10.0.0.3']);
  api.routing.configure({ clientRegion: 'eu-central-1' });
  statuses.set('/eu', 500);
  await tick();
  assert.equal(await answer(), ['10.0.0.1'], 'eu unhealthy → the next nearest (us-east-1)');
});

test('geolocation: subdivision, then country, then continent, then the default record; no match and no default → NODATA', async () => {
  const de = await check({ ResourcePath: '/de' });
  await put(
    a('de', '10.0.1.1', { GeoLocation: { CountryCode: 'DE' }, HealthCheckId: de }),
    a('eu', '10.0.1.2', { GeoLocation: { ContinentCode: 'EU' } }),
    a('wa', '10.0.1.3', { GeoLocation: { CountryCode: 'US', SubdivisionCode: 'WA' } }),
    a('us', '10.0.1.4', { GeoLocation: { CountryCode: 'US' } }),
  );
  assert.equal(await answer(), ['ENODATA'], 'unknown location and no default record');
  await put(a('default', '10.0.1.9', { GeoLocation: { CountryCode: '*' } }));
  assert.equal(await answer(), ['10.0.1.9'], 'unknown location → default');
  api.routing.configure({ clientCountry: 'DE' });
  assert.equal(await answer(), ['10.0.1.1']);
  api.routing.configure({ clientCountry: 'FR' });
  assert.equal(await answer(), ['10.0.1.2'], 'France → Europe');
  api.routing.configure({ clientCountry: 'US', clientSubdivision: 'WA' });
  assert.equal(await answer(), ['10.0.1.3']);
  api.routing.configure({ clientSubdivision: 'OR' });
  assert.equal(await answer(), ['10.0.1.4'], 'another state → the country record');
  api.routing.configure({ clientCountry: 'BR', clientSubdivision: undefined });
  assert.equal(await answer(), ['10.0.1.9'], 'no South America record → default');
  api.routing.configure({ clientCountry: 'DE' });
  statuses.set('/de', 500);
  await tick();
  assert.equal(await answer(), ['10.0.1.2'], 'Germany unhealthy → the Europe record');
});

test('CALCULATED: healthy while HealthThreshold children are; 0 → always healthy; above the count → never', async () => {
  const one = await check({ ResourcePath: '/one' });
  const two = await check({ ResourcePath: '/two' });
  const calc = async (threshold: number, extra: Partial<HealthCheckConfig> = {}) =>
    check({
      Type: 'CALCULATED',
      ChildHealthChecks: [one, two],
      HealthThreshold: threshold,
      IPAddress: undefined,
      Port: undefined,
      RequestInterval: undefined,
      FailureThreshold: undefined,
      ...extra,
    });
  const atLeastOne = await calc(1);
  const both = await calc(2);
  const zero = await calc(0);
  const three = await calc(3);
  const inverted = await calc(2, { Inverted: true });
  await put(a('primary', '10.0.2.1', { Failover: 'PRIMARY', HealthCheckId: both }), a('secondary', '10.0.2.2', { Failover: 'SECONDARY' }));
  const statusOf = (id: string) => api.healthChecks.status(id);
  assert.equal([atLeastOne, both, zero, three, inverted].map(statusOf), ['healthy', 'healthy', 'healthy', 'unhealthy', 'unhealthy']);
  assert.equal(await answer(), ['10.0.2.1']);
  statuses.set('/one', 500);
  await tick();
  assert.equal([atLeastOne, both, zero, three, inverted].map(statusOf), ['healthy', 'unhealthy', 'healthy', 'unhealthy', 'healthy']);
  assert.equal(await answer(), ['10.0.2.2'], 'the calculated check behind PRIMARY flipped: failover');
  statuses.set('/two', 500);
  await tick();
  assert.equal([atLeastOne, both, zero].map(statusOf), ['unhealthy', 'unhealthy', 'healthy']);
  statuses.clear();
  await tick();
  assert.equal([atLeastOne, both, inverted].map(statusOf), ['healthy', 'healthy', 'unhealthy']);
  assert.equal(await answer(), ['10.0.2.1']);
});

test('Disabled counts as healthy (a disabled failing child too); disabled and inverted is always unhealthy', async () => {
  statuses.set('/down', 500);
  const down = await check({ ResourcePath: '/down' });
  await tick();
  assert.is(api.healthChecks.status(down), 'unhealthy');
  const both = await check({
    Type: 'CALCULATED',
    ChildHealthChecks: [down],
    HealthThreshold: 1,
    IPAddress: undefined,
    Port: undefined,
    RequestInterval: undefined,
    FailureThreshold: undefined,
  });
  assert.is(api.healthChecks.status(both), 'unhealthy');
  await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: down, Disabled: true }));
  assert.is(api.healthChecks.status(down), 'healthy');
  assert.is(api.healthChecks.status(both), 'healthy');
  await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: down, Inverted: true }));
  assert.is(api.healthChecks.status(down), 'unhealthy', 'AWS: to stop routing to a disabled check, invert it');
  await put(a('primary', '10.0.3.1', { Failover: 'PRIMARY', HealthCheckId: down }), a('secondary', '10.0.3.2', { Failover: 'SECONDARY' }));
  assert.equal(await answer(), ['10.0.3.2']);
});

test('Regions: at least three of the checker Regions', async () => {
  await rejectsWith(
    check({ Regions: ['us-east-1', 'eu-west-1'] }),
    'InvalidInput',
    'Invalid parameter : Regions must name at least 3 Regions.',
    400,
  );
  await rejectsWith(
    check({ Regions: ['us-east-1', 'eu-west-1', 'mars-1'] as HealthCheckConfig['Regions'] }),
    'InvalidInput',
    "Invalid XML ; cvc-enumeration-valid: Value 'mars-1' is not facet-valid with respect to enumeration '[us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1]'. It must be a value from the enumeration.",
    400,
  );
  const ok = await check({ Regions: ['us-east-1', 'eu-west-1', 'sa-east-1'], MeasureLatency: true });
  assert.is(api.healthChecks.status(ok), 'healthy');
});

test('the same seed gives the same weighted sequence', async () => {
  await put(a('blue', '10.0.4.1', { Weight: 1 }), a('green', '10.0.4.2', { Weight: 1 }));
  const sequence = async () => {
    api.routing.configure({ seed: 42 });
    const out: string[] = [];
    for (let i = 0; i < 20; i++) out.push((await answer())[0]!);
    return out.join(',');
  };
  const first = await sequence();
  assert.is(await sequence(), first);
  assert.ok(first.includes('10.0.4.1') && first.includes('10.0.4.2'), first);
});

test.run();
