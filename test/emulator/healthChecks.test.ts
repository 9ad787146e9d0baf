import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  DeleteHealthCheckCommand,
  GetHealthCheckCommand,
  GetHealthCheckCountCommand,
  GetHealthCheckLastFailureReasonCommand,
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  UpdateHealthCheckCommand,
  type HealthCheckConfig,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import type { Emulator } from '../../emulator/index.ts';
import type { Route53Api } from '../../emulator/route53/api.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';

/**
 * Health checks: the API (defaults, caller references, versions) and the prober against a
 * real local HTTP server, driven by a ManualClock: `advance` fires the interval, `settled`
 * waits for the probes it started.
 */
const clock = new ManualClock();
const test = emulatorSuite('route53/healthChecks', { emulator: { clock } });

let emu: Emulator;
let r53: Route53Client;
let api: Route53Api;
let web: LocalHttpServer;
let webPort: number;
/** What the local server answers; `hang`: it reads the request and never answers. */
let reply: { status: number; body: string; hang?: boolean };
let seen: { host?: string; path?: string; agent?: string }[];

/** Route 53 answers a client error with 400 unless a test names another status. */
const rejects = (promise: Promise<unknown>, code: string, message: string, status = 400) => rejectsWith(promise, code, message, status);

async function create(config: Partial<HealthCheckConfig>, callerReference = `hc-${Math.random()}`): Promise<string> {
  const out = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: callerReference,
      HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.1', Port: webPort, RequestInterval: 10, ...config } as HealthCheckConfig,
    }),
  );
  return out.HealthCheck!.Id!;
}

/** Advances emulated time by whole intervals and waits for the probes that fired. */
async function ticks(n: number, intervalMs = 10_000): Promise<void> {
  for (let i = 0; i < n; i++) {
    await clock.advance(intervalMs);
    await api.healthChecks.settled();
  }
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test.before(async (ctx) => {
  emu = ctx.emu;
  api = emu.api('route53');
  r53 = route53Client(emu);
  web = await startLocalHttpServer((req, res) => {
    seen.push({ host: req.headers.host, path: req.url, agent: req.headers['user-agent'] });
    const send = () => {
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body);
    };
    if (!reply.hang) send();
  });
  webPort = web.port;
});
test.after(async () => {
  r53.destroy();
  await web.close();
});
test.before.each(() => {
  reply = { status: 200, body: 'all good' };
  seen = [];
});

test('CreateHealthCheck: 201, Location, AWS defaults, version 1', async () => {
  const out = await r53.send(
    new CreateHealthCheckCommand({ CallerReference: 'c1', HealthCheckConfig: { Type: 'HTTP', FullyQualifiedDomainName: 'example.com' } }),
  );
  assert.is(out.$metadata.httpStatusCode, 201);
  const id = out.HealthCheck!.Id!;
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.is(out.Location, `https://route53.amazonaws.com/2013-04-01/healthcheck/${id}`);
  assert.equal(out.HealthCheck, {
    Id: id,
    CallerReference: 'c1',
    HealthCheckConfig: {
      Port: 80,
      Type: 'HTTP',
      ResourcePath: '/',
      FullyQualifiedDomainName: 'example.com',
      RequestInterval: 30,
      FailureThreshold: 3,
      MeasureLatency: false,
      Inverted: false,
      Disabled: false,
      EnableSNI: false,
    },
    HealthCheckVersion: 1,
  });
  const https = await r53.send(
    new CreateHealthCheckCommand({ CallerReference: 'c2', HealthCheckConfig: { Type: 'HTTPS', IPAddress: '10.0.0.1' } }),
  );
  assert.is(https.HealthCheck!.HealthCheckConfig!.Port, 443);
  assert.is(https.HealthCheck!.HealthCheckConfig!.EnableSNI, true);
  assert.is((await r53.send(new GetHealthCheckCountCommand({}))).HealthCheckCount, 2);
});

test('caller reference: same config returns the existing check; different config or a deleted check → 409', async () => {
  const config: HealthCheckConfig = { Type: 'HTTP', IPAddress: '127.0.0.1', Port: 8080 };
  const a = await r53.send(new CreateHealthCheckCommand({ CallerReference: 'ref', HealthCheckConfig: config }));
  const again = await r53.send(new CreateHealthCheckCommand({ CallerReference: 'ref', HealthCheckConfig: config }));
  assert.is(again.HealthCheck!.Id, a.HealthCheck!.Id);
  await rejects(
    r53.send(new CreateHealthCheckCommand({ CallerReference: 'ref', HealthCheckConfig: { ...config, Port: 8081 } })),
    'HealthCheckAlreadyExists',
    'A health check with the caller reference ref already exists with different settings.',
    409,
  );
  await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: a.HealthCheck!.Id }));
  await rejects(
    r53.send(new CreateHealthCheckCommand({ CallerReference: 'ref', HealthCheckConfig: config })),
    'HealthCheckAlreadyExists',
    'A health check with the caller reference ref was created and deleted; a caller reference cannot be reused.',
    409,
  );
});

test('validation: RequestInterval 10 or 30, FailureThreshold 1–10, an endpoint, STR_MATCH needs SearchString', async () => {
  const bad = (HealthCheckConfig: HealthCheckConfig) =>
    r53.send(new CreateHealthCheckCommand({ CallerReference: `${Math.random()}`, HealthCheckConfig }));
  await rejects(
    bad({ Type: 'HTTP', IPAddress: '127.0.0.1', RequestInterval: 15 }),
    'InvalidInput',
    'Invalid parameter : RequestInterval must be 10 or 30.',
  );
  await rejects(
    bad({ Type: 'HTTP', IPAddress: '127.0.0.1', FailureThreshold: 11 }),
    'InvalidInput',
    'Invalid parameter : FailureThreshold must be between 1 and 10.',
  );
  await rejects(
    bad({ Type: 'HTTP' }),
    'InvalidInput',
    'Invalid parameter : A health check of type HTTP requires an IPAddress or a FullyQualifiedDomainName.',
  );
  await rejects(
    bad({ Type: 'HTTP_STR_MATCH', IPAddress: '127.0.0.1' }),
    'InvalidInput',
    'Invalid parameter : A health check of type HTTP_STR_MATCH requires a SearchString.',
  );
  await rejects(
    bad({ Type: 'PING' as 'HTTP', IPAddress: '127.0.0.1' }),
    'InvalidInput',
    "Invalid XML ; cvc-enumeration-valid: Value 'PING' is not facet-valid with respect to enumeration '[HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC, RECOVERY_CONTROL]'. It must be a value from the enumeration.",
  );
});

test('Get, List (paged), Update (version increments, mismatch 409, ResetElements), Delete, NoSuchHealthCheck', async () => {
  const ids = [await create({}), await create({}), await create({})];
  const got = await r53.send(new GetHealthCheckCommand({ HealthCheckId: ids[0] }));
  assert.is(got.HealthCheck!.HealthCheckConfig!.Port, webPort);
  const page = await r53.send(new ListHealthChecksCommand({ MaxItems: 2 }));
  assert.equal(
    page.HealthChecks!.map((h) => h.Id),
    ids.slice(0, 2),
  );
  assert.is(page.IsTruncated, true);
  assert.is(page.NextMarker, ids[2]);
  const rest = await r53.send(new ListHealthChecksCommand({ Marker: page.NextMarker }));
  assert.equal(
    rest.HealthChecks!.map((h) => h.Id),
    ids.slice(2),
  );
  assert.is(rest.IsTruncated, false);

  const updated = await r53.send(
    new UpdateHealthCheckCommand({
      HealthCheckId: ids[0],
      HealthCheckVersion: 1,
      FullyQualifiedDomainName: 'svc.example.com',
      ResourcePath: '/health',
      FailureThreshold: 5,
    }),
  );
  assert.is(updated.HealthCheck!.HealthCheckVersion, 2);
  assert.is(updated.HealthCheck!.HealthCheckConfig!.FullyQualifiedDomainName, 'svc.example.com');
  assert.is(updated.HealthCheck!.HealthCheckConfig!.ResourcePath, '/health');
  assert.is(updated.HealthCheck!.HealthCheckConfig!.FailureThreshold, 5);
  assert.is(updated.HealthCheck!.HealthCheckConfig!.RequestInterval, 10);
  await rejects(
    r53.send(new UpdateHealthCheckCommand({ HealthCheckId: ids[0], HealthCheckVersion: 1, Port: 1 })),
    'HealthCheckVersionMismatch',
    "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.",
    409,
  );
  const reset = await r53.send(
    new UpdateHealthCheckCommand({ HealthCheckId: ids[0], ResetElements: ['ResourcePath', 'FullyQualifiedDomainName'] }),
  );
  assert.is(reset.HealthCheck!.HealthCheckVersion, 3);
  assert.is(reset.HealthCheck!.HealthCheckConfig!.ResourcePath, '/');
  assert.is(reset.HealthCheck!.HealthCheckConfig!.FullyQualifiedDomainName, undefined);

  await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: ids[0] }));
  const missing = `No health check exists with the specified ID ${ids[0]}`;
  await rejects(r53.send(new GetHealthCheckCommand({ HealthCheckId: ids[0] })), 'NoSuchHealthCheck', missing, 404);
  await rejects(r53.send(new DeleteHealthCheckCommand({ HealthCheckId: ids[0] })), 'NoSuchHealthCheck', missing, 404);
  await rejects(r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: ids[0] })), 'NoSuchHealthCheck', missing, 404);
});

test('a check flips after FailureThreshold consecutive results: 200 → 500 → 200', async () => {
  const id = await create({ ResourcePath: '/dev/healthcheck', FullyQualifiedDomainName: 'api.example.com' });
  assert.is(api.healthChecks.status(id), 'healthy', 'a new check starts healthy');
  assert.equal((await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations, []);

  await ticks(1);
  assert.is(seen.length, 1);
  assert.equal(seen[0], { host: `api.example.com:${webPort}`, path: '/dev/healthcheck', agent: seen[0]!.agent });
  assert.match(seen[0]!.agent!, /^Amazon-Route53-Health-Check-Service/);
  const ok = (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations!;
  assert.equal(ok, [
    {
      Region: 'us-east-1',
      IPAddress: '127.0.0.1',
      StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: new Date(clock.now()) },
    },
  ]);

  reply.status = 500;
  await ticks(2);
  assert.is(api.healthChecks.status(id), 'healthy', 'two failures are below the threshold of 3');
  await ticks(1);
  assert.is(api.healthChecks.status(id), 'unhealthy');
  const failing = (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations![0]!;
  assert.is(failing.StatusReport!.Status, 'Failure: HTTP Status Code 500, Internal Server Error');
  const last = (await r53.send(new GetHealthCheckLastFailureReasonCommand({ HealthCheckId: id }))).HealthCheckObservations!;
  assert.is(last[0]!.StatusReport!.Status, 'Failure: HTTP Status Code 500, Internal Server Error');

  reply.status = 302;
  await ticks(2);
  assert.is(api.healthChecks.status(id), 'unhealthy', 'two successes are below the threshold');
  await ticks(1);
  assert.is(api.healthChecks.status(id), 'healthy', '3xx counts as healthy');
  assert.is(seen.length, 7);
  assert.is(api.healthChecks.describe(id).probes, 7);
});

test('several intervals in one advance are probed in order', async () => {
  const id = await create({ FailureThreshold: 2 });
  reply.status = 503;
  await clock.advance(20_000);
  await api.healthChecks.settled();
  assert.is(seen.length, 2);
  assert.is(api.healthChecks.status(id), 'unhealthy');
});

test('FQDN resolves through our own zones, then LocalStack names; UpdateHealthCheck applies at the next probe', async () => {
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'z' }));
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone!.Id,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: { Name: 'ip.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '127.0.0.1' }] },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: { Name: 'svc.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'ip.example.com' }] },
          },
        ],
      },
    }),
  );
  const id = await create({ IPAddress: undefined, FullyQualifiedDomainName: 'svc.example.com', FailureThreshold: 1 });
  await ticks(1);
  assert.equal(
    seen.map((s) => s.host),
    [`svc.example.com:${webPort}`],
  );
  assert.is(api.healthChecks.status(id), 'healthy');

  await r53.send(
    new UpdateHealthCheckCommand({ HealthCheckId: id, FullyQualifiedDomainName: '12345.execute-api.localhost.localstack.cloud' }),
  );
  await ticks(1);
  assert.is(seen[1]!.host, `12345.execute-api.localhost.localstack.cloud:${webPort}`);

  await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, FullyQualifiedDomainName: 'bad-host-p45e8eG94rK.example.com' }));
  await ticks(1);
  assert.is(seen.length, 2, 'a name our zone does not have is never sent anywhere');
  assert.is(api.healthChecks.status(id), 'unhealthy');
  const status = (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations![0]!.StatusReport!
    .Status!;
  assert.is(status, 'Failure: DNS resolution failed: NXDOMAIN for bad-host-p45e8eg94rk.example.com.');
});

test('Inverted flips results; Disabled is always healthy and does not probe', async () => {
  const inverted = await create({ Inverted: true, FailureThreshold: 1 });
  await ticks(1);
  assert.is(api.healthChecks.status(inverted), 'unhealthy');
  reply.status = 500;
  const disabled = await create({ Disabled: true, FailureThreshold: 1 });
  seen = [];
  await ticks(2);
  assert.is(api.healthChecks.status(inverted), 'healthy');
  assert.is(api.healthChecks.status(disabled), 'healthy');
  assert.is(seen.length, 2, 'only the inverted check probed');
  await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: disabled, Disabled: false }));
  await ticks(1);
  assert.is(api.healthChecks.status(disabled), 'unhealthy');
});

test('HTTP_STR_MATCH looks for SearchString in the body', async () => {
  const id = await create({ Type: 'HTTP_STR_MATCH', SearchString: 'good', FailureThreshold: 1 });
  await ticks(1);
  assert.is(api.healthChecks.status(id), 'healthy');
  assert.is(
    api.healthChecks.describe(id).observations[0]!.status,
    'Success: HTTP Status Code 200, OK. Search string found in the response body.',
  );
  reply.body = 'all bad';
  await ticks(1);
  assert.is(api.healthChecks.status(id), 'unhealthy');
  assert.is(
    api.healthChecks.describe(id).observations[0]!.status,
    'Failure: HTTP Status Code 200, OK. The search string was not found in the first 5120 bytes of the response body.',
  );
});

test('TCP checks connect; a closed port is refused', async () => {
  const id = await create({ Type: 'TCP', FailureThreshold: 1 });
  await ticks(1);
  assert.is(api.healthChecks.describe(id).observations[0]!.status, 'Success: TCP connection established');
  const closed = await freePort();
  const refused = await create({ Type: 'HTTP', Port: closed, FailureThreshold: 1 });
  await ticks(1);
  assert.is(api.healthChecks.status(refused), 'unhealthy');
  assert.match(api.healthChecks.describe(refused).observations[0]!.status, /^Failure: Connection refused\. /);
});

test('no status within 2 s (AWS time) of connecting is a failure', async () => {
  // A server that reads the request and never answers: the 2 s run on the emulator's clock.
  reply.hang = true;
  const id = await create({ FailureThreshold: 1 });
  await clock.advance(10_000);
  while (seen.length === 0) await new Promise<void>((r) => setImmediate(r));
  await clock.advance(1_999);
  assert.is(api.healthChecks.describe(id).observations.length, 0, 'still waiting 1 ms before the bound');
  await clock.advance(1);
  await api.healthChecks.settled();
  assert.is(api.healthChecks.status(id), 'unhealthy');
  assert.is(
    api.healthChecks.describe(id).observations[0]!.status,
    'Failure: The endpoint did not return an HTTP status code within 2 seconds after connecting.',
  );
});

test('a check used by a record can be deleted (AWS allows it); reset stops every prober', async () => {
  const id = await create({});
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'z' }));
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone!.Id,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'a.example.com',
              Type: 'A',
              TTL: 60,
              SetIdentifier: 'p',
              Failover: 'PRIMARY',
              HealthCheckId: id,
              ResourceRecords: [{ Value: '10.0.0.1' }],
            },
          },
        ],
      },
    }),
  );
  await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
  await create({});
  await emu.reset();
  await ticks(3);
  assert.is(seen.length, 0);
});

test.run();
