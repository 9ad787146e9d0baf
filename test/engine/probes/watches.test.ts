import * as assert from 'uvu/assert';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { ManualClock } from '../../../emulator/clock.ts';
import type { EvidenceSample } from '../../../engine/evidence.ts';
import { startProbe } from '../../../engine/probes/startProbe.ts';
import { startHealthCheckWatch } from '../../../engine/probes/healthCheckWatch.ts';
import { emulatorSuite } from '../../helpers/emulatorSuite.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../../helpers/localHttpServer.ts';
import { settle } from './settle.ts';

/** One ManualClock drives the emulator (health checker) and the watches: AWS time is shared. */
const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
const test = emulatorSuite<{ web: LocalHttpServer; status: { code: number } }>('probes/watches', {
  emulator: { clock },
  context: { status: { code: 200 } },
});

test.before(async (ctx) => {
  ctx.web = await startLocalHttpServer((_req, res) => {
    res.writeHead(ctx.status.code);
    res.end();
  });
});
test.after(async (ctx) => {
  await ctx.web?.close();
});

test('health check watch: GetHealthCheckStatus read at a fixed AWS rate, unhealthy after FailureThreshold failed observations', async ({
  target,
  emu,
  web,
  status,
}) => {
  const r53 = target.client(Route53Client, 'us-east-1');
  const created = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: 'watch',
      HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.1', Port: web.port, RequestInterval: 10, FailureThreshold: 3 },
    }),
  );
  const id = created.HealthCheck!.Id!;
  const checker = emu.api('route53').healthChecks;
  const t0 = clock.now();
  await clock.advance(5000);
  // Counts answered calls on the client the watch shares (target.client caches it per region).
  let answered = 0;
  r53.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      answered++;
      return out;
    },
    { step: 'initialize', name: 'countAnswers' },
  );
  const samples: EvidenceSample[] = [];
  const watch = startHealthCheckWatch(
    { target, clock, emit: (s) => samples.push(s) },
    { name: 'hc', healthCheckId: id, intervalMs: 10_000 },
  );
  await settle(() => answered === 2, 'the first read (GetHealthCheck for the threshold, then the status)');
  assert.equal(samples, [], 'no observation yet: nothing to say');
  for (let i = 1; i <= 6; i++) {
    if (i === 3) status.code = 502;
    await clock.advance(5000); // the checker probes at t0 + 10 s × i
    await checker.settled();
    await clock.advance(5000); // the watch reads at t0 + 10 s × i + 5 s
    await settle(() => samples.length === i, `read ${i}`);
  }
  await watch.stop();
  assert.equal(
    samples.map((s) => s.kind === 'health-check-status' && [s.aws - t0, s.healthy, s.detail]),
    [
      [15_000, true, 'Success: HTTP Status Code 200, OK'],
      [25_000, true, 'Success: HTTP Status Code 200, OK'],
      [35_000, true, 'Failure: HTTP Status Code 502, Bad Gateway'],
      [45_000, true, 'Failure: HTTP Status Code 502, Bad Gateway'],
      [55_000, false, 'Failure: HTTP Status Code 502, Bad Gateway'],
      [65_000, false, 'Failure: HTTP Status Code 502, Bad Gateway'],
    ],
    'Route 53 verdict: unhealthy after FailureThreshold (3) failed observations, not at the first',
  );
});

test('DNS answer watch (started through startProbe): the end of the CNAME chain, uncached, with its TTL', async ({ target }) => {
  const r53 = target.client(Route53Client, 'us-east-1');
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'hello-localstack.com', CallerReference: 'dns-watch' }));
  const point = (api: string) =>
    r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id!,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'test.hello-localstack.com',
                Type: 'CNAME',
                TTL: 60,
                ResourceRecords: [{ Value: `${api}.execute-api.localhost.localstack.cloud` }],
              },
            },
          ],
        },
      }),
    );
  await point('12345');
  const samples: EvidenceSample[] = [];
  const t0 = clock.now();
  const watch = startProbe(
    { target, clock, emit: (s) => samples.push(s) },
    { type: 'dnsAnswer', mode: 'continuous', name: 'dns', dnsName: 'test.hello-localstack.com', intervalMs: 5000 },
  );
  await settle(() => samples.length === 1, 'the first answer');
  await point('67890');
  await clock.advance(5000);
  await settle(() => samples.length === 2, 'the second answer');
  await watch.stop();
  assert.equal(samples, [
    {
      kind: 'dns-answer',
      aws: t0,
      name: 'test.hello-localstack.com',
      values: ['12345.execute-api.localhost.localstack.cloud'],
      status: 'NOERROR',
      ttl: 60,
    },
    {
      kind: 'dns-answer',
      aws: t0 + 5000,
      name: 'test.hello-localstack.com',
      values: ['67890.execute-api.localhost.localstack.cloud'],
      status: 'NOERROR',
      ttl: 60,
    },
  ]);
});

test.run();
