import * as assert from 'uvu/assert';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { ManualClock } from '../../../emulator/clock.ts';
import type { EvidenceSample } from '../../../engine/evidence.ts';
import { deriveMeasures } from '../../../engine/measures/deriveMeasures.ts';
import { compileObjectives } from '../../../engine/objectiveSpecs.ts';
import { checkObjectives } from '../../../engine/objectives.ts';
import { startProbe, type ProbeSpec } from '../../../engine/probes/startProbe.ts';
import { emulatorSuite } from '../../helpers/emulatorSuite.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../../helpers/localHttpServer.ts';
import { settle } from './settle.ts';

/**
 * Every evidence module together on the emulator: Route 53 failover records with a real health
 * check, the emulator's DNS, three client cache classes, the health-check and DNS watches, one
 * ManualClock for the emulator and the probes. The "fault" is the primary API answering 502
 * from 60 s to 180 s (a local server stands in for both API Gateways, by Host header); the
 * measures and verdicts come out of the recorded samples alone.
 */
const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
const test = emulatorSuite<{ web: LocalHttpServer; primary: { status: number } }>('probes/drill evidence', {
  emulator: { clock },
  context: { primary: { status: 200 } },
});
const NAME = 'test.hello-localstack.com';
const PRIMARY_HOST = '12345.execute-api.localhost.localstack.cloud';

test.before(async (ctx) => {
  ctx.web = await startLocalHttpServer((req, res) => {
    const primary = (req.headers.host ?? '').startsWith('12345.');
    res.writeHead(primary ? ctx.primary.status : 200, { 'x-served-region': primary ? 'us-east-1' : 'eu-central-1' });
    res.end();
  });
});
test.after(async (ctx) => {
  await ctx.web?.close();
});

test('a failover drill measured from probes: RTO split, error window per cache class, failback, verdicts', async ({
  target,
  emu,
  web,
  primary,
}) => {
  const r53 = target.client(Route53Client, 'us-east-1');
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'hello-localstack.com', CallerReference: 'drill-evidence' }));
  const check = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: 'drill-evidence',
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '127.0.0.1',
        Port: web.port,
        FullyQualifiedDomainName: PRIMARY_HOST,
        ResourcePath: '/dev/healthcheck',
        RequestInterval: 10,
        FailureThreshold: 3,
      },
    }),
  );
  const healthCheckId = check.HealthCheck!.Id!;
  const record = (api: string, role: 'PRIMARY' | 'SECONDARY') => ({
    Action: 'CREATE' as const,
    ResourceRecordSet: {
      Name: NAME,
      Type: 'CNAME' as const,
      TTL: 60,
      SetIdentifier: api,
      Failover: role,
      ...(role === 'PRIMARY' ? { HealthCheckId: healthCheckId } : {}),
      ResourceRecords: [{ Value: `${api}.execute-api.localhost.localstack.cloud` }],
    },
  });
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone!.Id!,
      ChangeBatch: { Changes: [record('12345', 'PRIMARY'), record('67890', 'SECONDARY')] },
    }),
  );
  /** Route 53 calls answered from here on: the watch's GetHealthCheck, then one GetHealthCheckStatus per read. */
  let statusReads = 0;
  r53.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      statusReads++;
      return out;
    },
    { step: 'initialize', name: 'countStatusReads' },
  );

  const t0 = clock.now();
  const samples: EvidenceSample[] = [];
  const runtime = { target, clock, emit: (s: EvidenceSample) => samples.push(s) };
  const client = { dnsName: NAME, path: '/dev/productApi?id=prod-1088', port: web.port, intervalMs: 5000, mode: 'continuous' } as const;
  const specs: ProbeSpec[] = [
    { type: 'client', name: 'ttl', cache: 'ttl', ...client },
    { type: 'client', name: 'minTtl', cache: 'minTtl', minTtlMs: 150_000, ...client },
    { type: 'client', name: 'forever', cache: 'forever', ...client },
    { type: 'dnsAnswer', name: 'dns', dnsName: NAME, intervalMs: 5000, mode: 'continuous' },
  ];
  const probes = specs.map((spec) => startProbe(runtime, spec));
  const count = (pred: (s: EvidenceSample) => boolean) => samples.filter(pred).length;
  const checker = emu.api('route53').healthChecks;
  for (let t = 0; t <= 300_000; t += 2500) {
    // The fault takes effect at 60 s and ends at 180 s: nothing runs between the previous step and then.
    if (t === 60_000) {
      primary.status = 502;
      samples.push({ kind: 'fault-start', aws: t0 + t });
    }
    if (t === 180_000) {
      primary.status = 200;
      samples.push({ kind: 'fault-stop', aws: t0 + t });
    }
    if (t > 0) await clock.advance(2500);
    // Reads at 2.5 s, 12.5 s, ...: between the checker's probes (10 s, 20 s, ...), never racing them.
    if (t === 2500)
      probes.push(startProbe(runtime, { type: 'healthCheck', name: 'hc', healthCheckId, intervalMs: 10_000, mode: 'continuous' }));
    await checker.settled();
    const ticks = Math.floor(t / 5000) + 1;
    await settle(
      () =>
        count((s) => s.kind === 'client-request') === 3 * ticks &&
        count((s) => s.kind === 'dns-answer') === ticks &&
        statusReads === (t >= 2500 ? Math.floor((t - 2500) / 10_000) + 2 : 0),
      `samples at +${t / 1000} s: ${count((s) => s.kind === 'client-request')} requests, ${count((s) => s.kind === 'dns-answer')} answers, ${statusReads} status reads`,
    );
  }
  await Promise.all(probes.map((p) => p.stop()));

  const m = deriveMeasures(samples);
  // Checker failures at 60, 70, 80 s flip the check (and DNS) at 80 s; the watch reads it at 82.5 s,
  // so the DNS mark, which never precedes detection, is 82.5 s too.
  assert.equal(m.details.failover?.marks, {
    start: t0 + 60_000,
    onset: t0 + 60_000,
    detection: t0 + 82_500,
    dns: t0 + 82_500,
    recovery: t0 + 120_000,
    stable: t0 + 120_000,
  });
  assert.equal(
    [m.failover.onset, m.failover.detection, m.failover.dns, m.failover.recovery, m.failover.stable, m.failover.rto],
    [0, 22_500, 0, 37_500, 0, 60_000],
    'the TTL client re-resolves at 120 s, when the answer it took at 60 s expires',
  );
  assert.equal(m.errorWindow, { ttl: 60_000, minTtl: 90_000, forever: 120_000 }, 'the longer a client caches, the longer it fails');
  assert.equal(m.details.failback?.marks, {
    start: t0 + 180_000,
    onset: t0 + 180_000,
    detection: t0 + 202_500,
    dns: t0 + 202_500,
    recovery: t0 + 240_000,
    stable: t0 + 240_000,
  });
  assert.is(m.failback.rto, 60_000);
  assert.equal(m.failback.errorWindow, { ttl: 0, minTtl: 0, forever: 0 }, 'the standby kept serving whoever still used it');

  const { specs: objectives } = compileObjectives({
    rto: '90s',
    failbackRto: '90s',
    errorWindow: { ttl: '90s', minTtl: '90s', forever: '90s' },
  });
  assert.equal(
    checkObjectives(objectives, { measures: m }).map((v) => v.line),
    [
      'failover RTO 60 s ≤ 90 s  PASS',
      'failback RTO 60 s ≤ 90 s  PASS',
      'error window (ttl) 60 s ≤ 90 s  PASS',
      'error window (minTtl) 90 s ≤ 90 s  PASS',
      'error window (forever) 120 s ≤ 90 s  FAIL',
    ],
  );
});

test.run();
