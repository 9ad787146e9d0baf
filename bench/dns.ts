import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../emulator/index.ts';
import { route53Client, type Endpoint } from '../test/helpers/clients.ts';
import { httpLoad, measureDnsLatency, summarize, type DnsLatency } from './dnsLoad.ts';
import { dnsperf, startDnsmasq, startServe } from './dnsperf.ts';
import { freePort } from './freePort.ts';

/**
 * `npm run bench -- dns`, two parts:
 * 1. DNS latency (p50/p99 of 1,000 UDP queries/s from a thread of their own) with the gateway
 *    idle and with 256 keep-alive HTTP connections hammering it (alternately, three rounds),
 *    side by side with the ratio.
 *    DNS answers from its own thread at real-time priority (as `engine serve` runs it), so the
 *    ratio should stay near 1; the measuring thread asks for the same priority, so that its own
 *    wait for a core is not counted as the server's.
 * 2. Throughput: dnsperf (4 clients, 10 s) against `engine serve` and against dnsmasq serving
 *    the same names in the same run (the floor), queries/s and lost, with the ratio.
 * Everything on 127.0.0.1; the figures are printed, nothing is asserted.
 */
const NAMES = ['www.bench.test', 'api.bench.test'];
const RECORDS = { 'www.bench.test': '10.0.0.1', 'api.bench.test': '10.0.0.2' };
const RATE = 1_000;
const SECONDS = 3;
const ROUNDS = 3;
const CONNECTIONS = 256;
const MAX_HTTP_REQUESTS = 2_000_000;

export async function run(): Promise<void> {
  console.log(`machine: load average ${loadavg()[0]!.toFixed(2)} (other work on the machine skews every figure)`);
  await latencyUnderLoad();
  await throughput();
}

/**
 * Idle and saturated alternate, ROUNDS times, and each side's samples are pooled: other work on
 * the machine comes and goes, and alternating spreads it over both sides alike.
 */
async function latencyUnderLoad(): Promise<void> {
  const emu = await startEmulator({ dnsRealtime: true });
  try {
    await createRecords(emu);
    await measureDnsLatency(emu.dns.port, NAMES, RATE, 1); // warm-up
    const idle: number[] = [];
    const busy: number[] = [];
    let sent = { idle: 0, busy: 0 };
    let requests = 0;
    let loadedMs = 0;
    let quietPriority = '';
    for (let round = 0; round < ROUNDS; round++) {
      const quiet = await measureDnsLatency(emu.dns.port, NAMES, RATE, SECONDS);
      quietPriority = quiet.clientPriority;
      const load = httpLoad(emu.port, '/2013-04-01/hostedzone', CONNECTIONS, MAX_HTTP_REQUESTS);
      const started = performance.now();
      await new Promise((r) => setTimeout(r, 500));
      const loaded = await measureDnsLatency(emu.dns.port, NAMES, RATE, SECONDS);
      requests += await load.stop();
      loadedMs += performance.now() - started;
      idle.push(...quiet.latencies);
      busy.push(...loaded.latencies);
      sent = { idle: sent.idle + quiet.sent, busy: sent.busy + loaded.sent };
    }
    const threads = `DNS thread ${(await emu.dnsPriority()).priority}, measuring thread ${quietPriority}`;
    const a = summarize(idle, sent.idle);
    const b = summarize(busy, sent.busy);
    const line = (label: string, l: DnsLatency) =>
      `  ${label}: p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, ${l.answered}/${l.sent} answered`;
    console.log(`dns latency, ${RATE} queries/s, ${ROUNDS} rounds of ${SECONDS} s idle then ${SECONDS} s saturated (${threads} priority):`);
    console.log(line('gateway idle     ', a));
    const httpRate = Math.round(requests / (loadedMs / 1000));
    console.log(`${line('gateway saturated', b)} (${CONNECTIONS} HTTP connections, ~${httpRate} ListHostedZones/s)`);
    console.log(`  p99 saturated / idle: ${(b.p99Ms / a.p99Ms).toFixed(2)} (goal ≤ 2)`);
  } finally {
    await emu.stop();
  }
}

async function throughput(): Promise<void> {
  const serve = await startServe();
  let engine: Awaited<ReturnType<typeof dnsperf>>;
  try {
    await createRecords(serve.endpoint);
    engine = await dnsperf(serve.dnsPort, NAMES, 4, 10);
  } finally {
    await serve.stop();
  }
  const dnsmasq = await startDnsmasq(await freePort(), RECORDS);
  let floor: Awaited<ReturnType<typeof dnsperf>>;
  try {
    floor = await dnsperf(dnsmasq.port, NAMES, 4, 10);
  } finally {
    await dnsmasq.stop();
  }
  console.log('dnsperf, 4 clients, 10 s, A queries for two names:');
  console.log(`  engine serve: ${Math.round(engine.qps)} queries/s, ${engine.lost} lost of ${engine.sent}`);
  console.log(`  dnsmasq:      ${Math.round(floor.qps)} queries/s, ${floor.lost} lost of ${floor.sent}`);
  console.log(`  engine / dnsmasq: ${(engine.qps / floor.qps).toFixed(2)} (goal ≥ 0.5, 0 lost)`);
}

/** `www` a plain A record, `api` a failover pair (PRIMARY without a check: healthy). */
async function createRecords(at: Endpoint): Promise<void> {
  const r53 = route53Client(at);
  try {
    const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'bench.test', CallerReference: `bench-${Date.now()}` }));
    const a = (Name: string, Value: string, extra: object = {}) => ({
      Action: 'CREATE' as const,
      ResourceRecordSet: { Name, Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value }], ...extra },
    });
    const Changes = [
      a('www.bench.test', RECORDS['www.bench.test']),
      a('api.bench.test', RECORDS['api.bench.test'], { SetIdentifier: 'p', Failover: 'PRIMARY' }),
      a('api.bench.test', '10.0.0.3', { SetIdentifier: 's', Failover: 'SECONDARY' }),
    ];
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone!.Id, ChangeBatch: { Changes } }));
  } finally {
    r53.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
