import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScaledClock, type Clock } from '../../emulator/clock.ts';
import { launchEmulator, startEmulator, type Emulator } from '../../emulator/index.ts';
import { runCli, spawnEngine, tmp } from '../helpers/engine.ts';
import { startLocalHttpServer } from '../helpers/localHttpServer.ts';

/**
 * Preflight: a target that cannot carry the workflow is refused before the first step, with
 * one line and exit 2, and no run folder is left (nothing to roll back). Each case asserts the
 * outcome (exit code, message, state folder), not how long it took.
 */
// As bin/engine.js does: the SDK's Node-version notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const test = suite('engine/preflight');

let emu: Emulator;
test.before(async () => {
  emu = await startEmulator({ timeScale: 10 });
});
test.after(async () => emu.stop());

/** A TCP port nothing listens on (bound, then closed). */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A UDP port nothing listens on. */
async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

/** No run was started: the state dir has no run folder at all. */
function assertNoRun(stateDir: string): void {
  const runs = join(stateDir, 'runs');
  assert.ok(
    !existsSync(runs) || readdirSync(runs).length === 0,
    `a run folder was left: ${existsSync(runs) ? readdirSync(runs).join(', ') : ''}`,
  );
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.is(lines.length, 1, stderr);
  return lines[0]!;
}

test('a closed endpoint port: exit 2, one line, no run', async () => {
  const stateDir = join(tmp('preflight-'), 'state');
  const port = await closedTcpPort();
  const result = await runCli(['run', 'workflows/dns-failover.yaml', '--endpoint', `http://127.0.0.1:${port}`, '--state-dir', stateDir]);
  assert.is(result.code, 2, result.stderr);
  assert.match(oneLine(result.stderr), `engine: preflight: cannot reach the endpoint http://127.0.0.1:${port}: connection refused`);
  assert.is(result.stdout, '');
  assertNoRun(stateDir);
});

test('--target aws without credentials: exit 2, one line, no run', async () => {
  const dir = tmp('preflight-');
  const stateDir = join(dir, 'state');
  const result = await spawnEngine(['run', 'workflows/dns-failover.yaml', '--target', 'aws', '--state-dir', stateDir], {
    env: {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
      AWS_WEB_IDENTITY_TOKEN_FILE: '',
    },
  });
  assert.is(result.code, 2, result.stderr);
  assert.match(oneLine(result.stderr), 'engine: preflight: no AWS credentials found');
  assertNoRun(stateDir);
});

test('a DNS server that does not answer: exit 2, one line, no run', async () => {
  const stateDir = join(tmp('preflight-'), 'state');
  const dnsPort = await closedUdpPort();
  const result = await runCli([
    'run',
    'workflows/dns-failover.yaml',
    '--endpoint',
    emu.endpoint,
    '--dns',
    `127.0.0.1:${dnsPort}`,
    '--state-dir',
    stateDir,
  ]);
  assert.is(result.code, 2, result.stderr);
  assert.match(oneLine(result.stderr), `engine: preflight: the DNS server 127.0.0.1:${dnsPort} (--dns) does not answer`);
  assertNoRun(stateDir);
});

/** A LocalStack Community health document: no FIS, edition community. */
async function communityLike(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = await startLocalHttpServer((req, res) => {
    if (req.url !== '/_localstack/health') return void res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    const services = {
      route53: 'available',
      dynamodb: 'available',
      dynamodbstreams: 'available',
      lambda: 'available',
      apigateway: 'available',
      sts: 'available',
      fis: 'disabled',
    };
    res.end(JSON.stringify({ services, edition: 'community' }));
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}

test('LocalStack Community: the step needing Route 53 zones on DNS, or FIS, is named before anything is created', async () => {
  const fake = await communityLike();
  try {
    const stateDir = join(tmp('preflight-'), 'state');
    const dns = await runCli([
      'run',
      'workflows/route53-failover.yaml',
      '--endpoint',
      fake.endpoint,
      '--dns',
      `${emu.dns.host}:${emu.dns.port}`,
      '--state-dir',
      stateDir,
    ]);
    assert.is(dns.code, 2, dns.stderr);
    assert.match(oneLine(dns.stderr), /step 'awaitPrimary' \(awaitDnsTarget\) needs Route 53 zones answered on DNS, .*edition 'community'/);
    const dir = tmp('preflight-');
    const file = join(dir, 'fis.yaml');
    writeFileSync(
      file,
      'name: fis\nsteps:\n  - id: zone\n    type: createZone\n    params: { name: a.test }\n  - id: breakIt\n    type: startExperiment\n    params: { region: us-east-1, templateFile: x.json }\n',
    );
    const fis = await runCli(['run', file, '--endpoint', fake.endpoint, '--state-dir', stateDir]);
    assert.is(fis.code, 2, fis.stderr);
    assert.match(
      oneLine(fis.stderr),
      /step 'breakIt' \(startExperiment\) needs fis, which http:\/\/127\.0\.0\.1:\d+ does not offer \(its services: route53, dynamodb/,
    );
    assertNoRun(stateDir);
  } finally {
    await fake.close();
  }
});

test('an endpoint without DNS and a step that reads DNS: exit 2 asking for --dns', async () => {
  const fake = await startLocalHttpServer((_req, res) => void res.writeHead(404).end());
  try {
    const stateDir = join(tmp('preflight-'), 'state');
    const result = await runCli([
      'run',
      'workflows/dns-failover.yaml',
      '--endpoint',
      `http://127.0.0.1:${fake.port}`,
      '--state-dir',
      stateDir,
    ]);
    assert.is(result.code, 2, result.stderr);
    assert.match(
      oneLine(result.stderr),
      /step 'awaitPrimary' \(awaitDnsTarget\) queries the target's DNS server, but .* advertises none: pass --dns HOST:PORT/,
    );
    assertNoRun(stateDir);
  } finally {
    await fake.close();
  }
});

test('an endpoint that does not speak AWS: exit 2', async () => {
  const fake = await startLocalHttpServer(
    (_req, res) => void res.writeHead(404, { 'content-type': 'text/html' }).end('<html>not here</html>'),
  );
  try {
    const dir = tmp('preflight-');
    const file = join(dir, 'zone.yaml');
    writeFileSync(file, 'name: zone\nsteps:\n  - { id: zone, type: createZone, params: { name: a.test } }\n');
    const result = await runCli(['run', file, '--endpoint', `http://127.0.0.1:${fake.port}`, '--state-dir', join(dir, 'state')]);
    assert.is(result.code, 2, result.stderr);
    assert.match(oneLine(result.stderr), /does not answer like AWS \(Route 53 ListHostedZones: 404/);
    assertNoRun(join(dir, 'state'));
  } finally {
    await fake.close();
  }
});

test('the endpoint advertises its DNS server in /_localstack/health and the run uses it without --dns', async () => {
  const health = (await (await fetch(`${emu.endpoint}/_localstack/health`)).json()) as { dns?: unknown };
  assert.equal(health.dns, emu.dns);
  const dir = tmp('preflight-');
  const file = join(dir, 'dns.yaml');
  writeFileSync(
    file,
    'name: dns\nsteps:\n  - { id: zone, type: createZone, params: { name: preflight-dns.test } }\noutputs:\n  dnsPort: ${{ target.dnsPort }}\n',
  );
  const result = await runCli(['run', file, '--endpoint', emu.endpoint, '--json', '--state-dir', join(dir, 'state')]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stderr, `dns ${emu.dns.host}:${emu.dns.port} (advertised by ${emu.endpoint})`);
  assert.is((JSON.parse(result.stdout) as { outputs: { dnsPort: number } }).outputs.dnsPort, emu.dns.port);
});

/**
 * `engine serve` answers health before its DNS thread listens, saying `dns: { state: 'starting' }`
 * (docs/startup.md). The services' loader is held until two health requests have arrived, so
 * preflight has surely read "starting" at least once (the run may ask once more for the clock
 * speed): it asks again and uses the address once named, instead of failing on "advertises none".
 */
test('an endpoint whose DNS server is still starting: preflight asks again and uses it once it listens', async () => {
  const base = createScaledClock(10);
  let healthAsked = 0;
  let askedTwice: () => void = () => {};
  const asked = new Promise<void>((resolve) => (askedTwice = resolve));
  const clock: Clock = {
    ...base,
    activity: (name, fn, parent) => {
      if (name === 'http GET /_localstack/health' && ++healthAsked === 2) askedTwice();
      return base.activity(name, fn, parent);
    },
  };
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const launched = await launchEmulator({ clock }, async () => {
    await released;
    return (await import('../../emulator/services.ts')).loadServices();
  });
  try {
    const dir = tmp('preflight-');
    const file = join(dir, 'dns.yaml');
    writeFileSync(file, 'name: dns\nsteps:\n  - { id: zone, type: createZone, params: { name: preflight-starting.test } }\n');
    const run = runCli(['run', file, '--endpoint', launched.endpoint, '--json', '--state-dir', join(dir, 'state')]);
    await Promise.race([asked, run]);
    release();
    const result = await run;
    const { dns } = await launched.ready;
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stderr, `dns ${dns.host}:${dns.port} (advertised by ${launched.endpoint})`);
  } finally {
    release();
    await (await launched.ready).stop();
  }
});

/**
 * LocalStack without FIS, and without the health document that would have told preflight: the
 * step fails at its first FIS call (501 "not included in your current license plan"), and its
 * compensation, which looks the experiment up with FIS too, finds nothing to undo instead of
 * failing forever (exit 1, not 3).
 */
test('a step whose service is missing created nothing: its compensation succeeds, the run is not left pending', async () => {
  const fake = await startLocalHttpServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/2013-04-01/hostedzone')) {
      res.setHeader('content-type', 'text/xml');
      return void res.end(
        '<?xml version="1.0"?><ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZones/><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListHostedZonesResponse>',
      );
    }
    if (req.url === '/_localstack/health') return void res.writeHead(404).end();
    res.writeHead(501, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
    res.end(
      JSON.stringify({
        __type: 'InternalFailure',
        message:
          'The API for service fis is either not included in your current license plan or has not yet been emulated by LocalStack. Please refer to https://docs.localstack.cloud/references/coverage for more details.',
      }),
    );
  });
  try {
    const dir = tmp('preflight-');
    const file = join(dir, 'fis.yaml');
    const template = {
      description: 'x',
      roleArn: 'arn:aws:iam::000000000000:role/r',
      stopConditions: [{ source: 'none' }],
      actions: { a: { actionId: 'localstack:generic:api-error', parameters: {} } },
    };
    writeFileSync(
      file,
      `name: fis\nsteps:\n  - id: breakIt\n    type: startExperiment\n    params: { region: us-east-1, template: ${JSON.stringify(template)} }\n`,
    );
    const stateDir = join(dir, 'state');
    const result = await runCli(['run', file, '--endpoint', `http://127.0.0.1:${fake.port}`, '--state-dir', stateDir, '--verbose']);
    assert.is(result.code, 1, result.stderr);
    assert.match(result.stderr, 'nothing to undo: the target does not offer this service');
    const runs = JSON.parse((await runCli(['runs', '--json', '--state-dir', stateDir])).stdout) as Array<{
      needsRollback: boolean;
      pending: string[];
    }>;
    assert.equal([runs[0]!.needsRollback, runs[0]!.pending], [false, []]);
  } finally {
    await fake.close();
  }
});

test.run();
