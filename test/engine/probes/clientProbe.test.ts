import * as assert from 'uvu/assert';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ManualClock } from '../../../engine/clock.ts';
import type { ClientRequestSample, EvidenceSample } from '../../../engine/evidence.ts';
import { startClientProbe } from '../../../engine/probes/clientProbe.ts';
import { resolveChain } from '../../../engine/probes/dnsChain.ts';
import { errorWindow } from '../../../engine/measures/clientWindows.ts';
import { emulatorSuite } from '../../helpers/emulatorSuite.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../../helpers/localHttpServer.ts';
import { settle } from './settle.ts';

const test = emulatorSuite<{ server: LocalHttpServer; zoneId: string; broken: Set<string> }>('probes/clientProbe', {
  reset: false,
  context: { broken: new Set() },
});

const NAME = 'test.hello-localstack.com';

async function pointAt(r53: Route53Client, zoneId: string, apiId: string, ttl = 60): Promise<void> {
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: NAME, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: `${apiId}.hello-localstack.com` }] },
          },
        ],
      },
    }),
  );
}

test.before(async (ctx) => {
  // Stands in for the two API Gateways: answers by Host header like get-product, or 502 when "broken".
  ctx.server = await startLocalHttpServer((req, res) => {
    const api = (req.headers.host ?? '').split('.')[0]!;
    const region = api === '67890' ? 'eu-central-1' : 'us-east-1';
    res.writeHead(ctx.broken.has(api) ? 502 : 200, { 'x-served-region': region });
    res.end(ctx.broken.has(api) ? '{"message":"Internal server error"}' : 'ok');
  });
  const r53 = ctx.target.client(Route53Client, 'us-east-1');
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'hello-localstack.com', CallerReference: 'client-probe' }));
  ctx.zoneId = zone.HostedZone!.Id!;
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: ctx.zoneId,
      ChangeBatch: {
        Changes: ['12345', '67890'].map((api) => ({
          Action: 'CREATE' as const,
          ResourceRecordSet: {
            Name: `${api}.hello-localstack.com`,
            Type: 'CNAME' as const,
            TTL: 300,
            ResourceRecords: [{ Value: `${api}.execute-api.localhost.localstack.cloud` }],
          },
        })),
      },
    }),
  );
});
test.after(async (ctx) => {
  await ctx.server?.close();
});

test('resolveChain follows the CNAME chain through the target DNS with the smallest TTL', async ({ target, zoneId }) => {
  await pointAt(target.client(Route53Client, 'us-east-1'), zoneId, '12345', 60);
  assert.equal(await resolveChain(target, NAME), {
    host: '12345.execute-api.localhost.localstack.cloud',
    chain: ['12345.hello-localstack.com', '12345.execute-api.localhost.localstack.cloud'],
    ttl: 60,
    status: 'NOERROR',
  });
  assert.equal(await resolveChain(target, 'nothing.hello-localstack.com'), {
    host: 'nothing.hello-localstack.com',
    chain: [],
    status: 'NXDOMAIN',
  });
});

test('three cache classes after the answer changes: TTL switches at 60 s, min-TTL at 120 s, forever never', async ({
  target,
  zoneId,
  server,
  broken,
}) => {
  const r53 = target.client(Route53Client, 'us-east-1');
  await pointAt(r53, zoneId, '12345', 60);
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
  const t0 = clock.now();
  const samples: EvidenceSample[] = [];
  const runtime = { target, clock, emit: (s: EvidenceSample) => samples.push(s) };
  const common = { dnsName: NAME, path: '/dev/productApi?id=prod-1088', port: server.port, intervalMs: 10_000 };
  const probes = [
    startClientProbe(runtime, { ...common, name: 'ttl', cache: 'ttl' }),
    startClientProbe(runtime, { ...common, name: 'minTtl', cache: 'minTtl', minTtlMs: 120_000 }),
    startClientProbe(runtime, { ...common, name: 'forever', cache: 'forever' }),
  ];
  await settle(() => samples.length === 3, 'the first requests');
  // The fault: the primary answers 502, and DNS now points at the standby.
  broken.add('12345');
  await pointAt(r53, zoneId, '67890', 60);
  for (let step = 1; step <= 13; step++) {
    await clock.nextSleep(3);
    await clock.advance(10_000);
    await settle(() => samples.length === 3 * (step + 1), `requests at +${step * 10} s`);
  }
  await Promise.all(probes.map((p) => p.stop()));
  broken.clear();

  const of = (probe: string) => samples.filter((s): s is ClientRequestSample => s.kind === 'client-request' && s.probe === probe);
  const firstStandby = (probe: string) => of(probe).find((s) => s.region === 'eu-central-1')?.aws;
  assert.is(of('ttl').length, 14);
  assert.equal(
    of('ttl').map((s) => s.aws - t0),
    Array.from({ length: 14 }, (_, i) => i * 10_000),
    'fixed rate in AWS time',
  );
  assert.is(firstStandby('ttl'), t0 + 60_000);
  assert.is(firstStandby('minTtl'), t0 + 120_000);
  assert.is(firstStandby('forever'), undefined);
  const first = of('ttl')[0]!;
  assert.equal(
    { answer: first.answer, cached: first.cached, status: first.status, ok: first.ok, region: first.region, latencyMs: first.latencyMs },
    { answer: '12345.execute-api.localhost.localstack.cloud', cached: false, status: 200, ok: true, region: 'us-east-1', latencyMs: 0 },
  );
  assert.equal(
    of('ttl')
      .slice(1, 6)
      .map((s) => [s.cached, s.status, s.answer.split('.')[0]]),
    Array(5).fill([true, 502, '12345']),
  );
  assert.equal([of('ttl')[6]!.cached, of('ttl')[6]!.answer.split('.')[0], of('ttl')[6]!.ok], [false, '67890', true]);
  assert.ok(
    of('forever')
      .slice(1)
      .every((s) => s.cached && s.status === 502),
  );
  const window = { start: t0 + 1, end: Infinity };
  assert.is(errorWindow(of('ttl'), window), 50_000);
  assert.is(errorWindow(of('minTtl'), window), 110_000);
  assert.is(errorWindow(of('forever'), window), null, 'never recovered while the fault lasted');
});

test('the address is cached too, for the shortest TTL of the chain: a cached answer sends no query', async ({
  target,
  zoneId,
  server,
  emu,
}) => {
  const r53 = target.client(Route53Client, 'us-east-1');
  const upsert = (Name: string, Type: 'A' | 'CNAME', TTL: number, Value: string) =>
    r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name, Type, TTL, ResourceRecords: [{ Value }] } }] },
      }),
    );
  // A 60 s CNAME to a host whose A record lives 30 s; the local server listens on 127.0.0.1 only.
  await upsert('addr.hello-localstack.com', 'A', 30, '127.0.0.1');
  await upsert('direct.hello-localstack.com', 'CNAME', 60, 'addr.hello-localstack.com');
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
  const t0 = clock.now();
  const samples: ClientRequestSample[] = [];
  const runtime = { target, clock, emit: (s: EvidenceSample) => void (s.kind === 'client-request' && samples.push(s)) };
  const common = { dnsName: 'direct.hello-localstack.com', path: '/', port: server.port, intervalMs: 10_000 };
  const probes = [
    startClientProbe(runtime, { ...common, name: 'ttl', cache: 'ttl' }),
    startClientProbe(runtime, { ...common, name: 'forever', cache: 'forever' }),
  ];
  await settle(() => samples.length === 2, 'the first requests');
  // The address moves to 127.0.0.2, where nothing listens.
  await upsert('addr.hello-localstack.com', 'A', 30, '127.0.0.2');
  const queries: number[] = [];
  for (let step = 1; step <= 4; step++) {
    const before = emu.dnsStats().answered;
    await clock.nextSleep(2);
    await clock.advance(10_000);
    await settle(() => samples.length === 2 * (step + 1), `requests at +${step * 10} s`);
    queries.push(emu.dnsStats().answered - before);
  }
  await Promise.all(probes.map((p) => p.stop()));
  const of = (probe: string) => samples.filter((s) => s.probe === probe).map((s) => [(s.aws - t0) / 1000, s.cached, s.status]);
  // TTL: the whole answer expires with its shortest-lived record (the A, 30 s), then the new
  // address refuses the connection. Forever: the first address, every time.
  assert.equal(of('ttl'), [
    [0, false, 200],
    [10, true, 200],
    [20, true, 200],
    [30, false, 0],
    [40, true, 0],
  ]);
  assert.equal(of('forever'), [
    [0, false, 200],
    [10, true, 200],
    [20, true, 200],
    [30, true, 200],
    [40, true, 200],
  ]);
  // Only the ttl client's lookup at +30 s asks DNS: two CNAME hops and the A.
  assert.equal(queries, [0, 0, 3, 0]);
});

test('a name that does not resolve is a failed request with status 0, not an exception', async ({ target, server }) => {
  const clock = new ManualClock(0);
  const samples: EvidenceSample[] = [];
  const probe = startClientProbe(
    { target, clock, emit: (s) => samples.push(s) },
    { name: 'c', cache: 'ttl', dnsName: 'gone.hello-localstack.com', path: '/', port: server.port, intervalMs: 1000 },
  );
  await settle(() => samples.length === 1, 'one request');
  await probe.stop();
  assert.equal(samples, [
    {
      kind: 'client-request',
      aws: 0,
      probe: 'c',
      cache: 'ttl',
      answer: '',
      cached: false,
      status: 0,
      ok: false,
      latencyMs: 0,
      error: 'DNS NXDOMAIN',
    },
  ]);
});

test.run();
