import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateHealthCheckCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { createTargetSession, TargetKind, type TargetSession } from '../../engine/target.ts';
import type { Clock } from '../../engine/types.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { Children, serveReady } from '../e2e/leftovers.ts';

/**
 * The idle-skipping clock shared across a process boundary (docs/clock.md, "Across processes"):
 * an engine's target session on an emulator whose clock is idle-skipping (`engine serve
 * --time-scale idle`; here started in this process, reached only over HTTP) joins that clock.
 * AWS time moves only when the engine's work and the emulator's both wait; real work costs none;
 * a request in flight lets the emulator's time move for what it waits on.
 */
const test = suite('engine/sharedClock');
const children = new Children();
const healthCheck = {
  CallerReference: 'shared-clock',
  HealthCheckConfig: {
    Type: 'HTTP' as const,
    FullyQualifiedDomainName: 'nothing.localhost.localstack.cloud',
    Port: 1,
    ResourcePath: '/',
    RequestInterval: 10,
    FailureThreshold: 3,
  },
};
const run = promisify(execFile);

let emu: Emulator;
let session: TargetSession;
let clock: Clock;

test.before(async () => {
  emu = await startEmulator({ timeScale: 'idle', seed: 7 });
  session = createTargetSession({ kind: TargetKind.ENDPOINT, endpoint: emu.endpoint, dns: `${emu.dns.host}:${emu.dns.port}` });
  await session.prepareClock();
  clock = session.clock!;
});

test.after(async () => {
  await session?.close();
  await emu?.stop();
  await children.killAll();
});

test('the run reads the emulator’s AWS time, and says which clock it is on', () => {
  assert.is(clock.now(), emu.clock.now());
  assert.is(clock.describe(), 'idle-skipping, shared with the emulator (seed 7)');
  assert.is(session.describe().clock, 'idle-skipping, shared with the emulator (seed 7)');
});

test('work in the engine holds the emulator’s time; a sleep takes exactly its AWS time on both sides', async () => {
  const t0 = clock.now();
  // The emulator's own work waits 1 s of AWS time: it may only run once the engine waits too.
  let emulatorWokeAt: number | undefined;
  const emulatorWork = emu.clock.activity('emulator work', async () => {
    await emu.clock.sleep(1_000);
    emulatorWokeAt = emu.clock.now();
  });
  await clock.activity('engine work', async () => {
    // Real work in the engine (a whole Node process): no AWS time passes, on either clock.
    await run(process.execPath, ['-e', 'for (let i = 0; i < 1e7; i++);']);
    assert.is(emulatorWokeAt, undefined, 'the emulator waited for the engine');
    assert.is(emu.clock.now(), t0);
    await clock.sleep(10_000);
  });
  await emulatorWork;
  assert.is(emulatorWokeAt, t0 + 1_000, 'the emulator’s timer fired in turn, while the engine slept');
  assert.is(clock.now() - t0, 10_000);
  assert.is(emu.clock.now() - t0, 10_000);
});

test('a request in flight: the engine waits on it, and its clock reads the AWS time the answer left at', async () => {
  emu.faults.add({
    service: 'route53',
    operation: 'ListHostedZones',
    percentage: 100,
    effect: { kind: 'latency', ms: 5_000 },
    owner: 'shared-clock',
  });
  try {
    const route53 = (await session.acquire()).client(Route53Client, 'us-east-1');
    const t0 = clock.now();
    await clock.activity('engine call', async () => {
      await route53.send(new ListHostedZonesCommand({}));
      assert.is(clock.now() - t0, 5_000, 'the fault’s 5 s, read from the answer');
    });
    assert.is(emu.clock.now() - t0, 5_000);
  } finally {
    emu.faults.removeOwner('shared-clock');
  }
});

test('across processes, an answer holds the emulator’s time until the engine has worked on it', async () => {
  // A separate `engine serve --time-scale idle` with a health check: its checkers' timers are due
  // every 10 s of AWS time, and it jumps to them whenever everything waits.
  const serve = children.engine(['serve', '--port', '0', '--dns-port', '0', '--time-scale', 'idle']);
  const { endpoint } = await serveReady(serve);
  const remote = createTargetSession({ kind: TargetKind.ENDPOINT, endpoint });
  try {
    await remote.prepareClock();
    const remoteClock = remote.clock!;
    const target = await remote.acquire();
    const route53 = target.client(Route53Client, 'us-east-1');
    const dynamodb = target.client(DynamoDBClient, 'us-east-1');
    await remoteClock.activity('setup', () => route53.send(new CreateHealthCheckCommand(healthCheck)));
    const t0 = remoteClock.now();
    await remoteClock.activity('engine calls', async () => {
      // Each call takes the emulator tens of ms of wall time (and no AWS time): meanwhile the
      // engine waits on it and parks its session. The answer wakes the session; otherwise the
      // emulator would jump to its checkers' next round while the answer travels, and the next
      // answer would carry the later time.
      for (let i = 0; i < 5; i++) await dynamodb.send(new CreateTableCommand(productsTable(`answered-${i}`)));
      await route53.send(new ListHostedZonesCommand({}));
    });
    assert.is(remoteClock.now() - t0, 0, 'no AWS time passed while the engine worked');
    await remoteClock.activity('engine sleep', () => remoteClock.sleep(30_000));
    assert.is(remoteClock.now() - t0, 30_000);
  } finally {
    await remote.close();
  }
});

test('a session that ends lets the emulator’s clock go on without it', async () => {
  const other = createTargetSession({ kind: TargetKind.ENDPOINT, endpoint: emu.endpoint });
  await other.prepareClock();
  // The other engine holds the clock: it works (it has no activity waiting on anything).
  const t0 = emu.clock.now();
  const waiting = clock.activity('engine sleep', () => clock.sleep(2_000));
  await run(process.execPath, ['-e', '0']);
  assert.is(emu.clock.now(), t0, 'held by the other session');
  await other.close();
  await waiting;
  assert.is(emu.clock.now() - t0, 2_000);
});

test.run();
