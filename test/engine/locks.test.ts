import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { ManualClock } from '../../engine/clock.ts';
import { acquireLocks, LOCK_POLL_MS, LockedError, releaseLocks, type HeldLocks } from '../../engine/locks.ts';
import { claimKey, type KeyedClaim } from '../../engine/lockClaims.ts';
import type { Claim } from '../../engine/types.ts';
import { tmp } from '../helpers/engine.ts';

/**
 * Run locks on the target (TXT records in the lock zone, through the real Route 53 client of
 * an emulator): taken all at once or not at all, refused naming the holder, waited for, broken
 * when the holder is gone, released only by their holder.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const test = suite('engine/locks');

let emu: Emulator;
let route53: Route53Client;
test.before(async () => {
  emu = await startEmulator();
  route53 = new Route53Client({
    region: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
test.before.each(async () => emu.reset());
test.after(async () => {
  route53.destroy();
  await emu.stop();
});

const zone = (name: string): KeyedClaim => {
  const claim: Claim = { kind: 'zone', name };
  return { key: claimKey(claim), claim, stepId: `make-${name}` };
};
const table = (name: string, region = 'us-east-1'): KeyedClaim => {
  const claim: Claim = { kind: 'table', name, region };
  return { key: claimKey(claim), claim, stepId: 'provision' };
};
const owner = (runId: string) => ({ runId, dir: `${tmp('locks-')}/runs/${runId}` });
const now = { wait: false, clock: new ManualClock() };

async function lockRecords(zoneId: string): Promise<string[]> {
  const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return (page.ResourceRecordSets ?? []).filter((s) => s.Type === 'TXT').map((s) => s.ResourceRecords![0]!.Value!);
}

async function refusal(promise: Promise<unknown>): Promise<LockedError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, LockedError);
    return error as LockedError;
  }
  assert.unreachable('expected a LockedError');
  throw new Error('unreachable');
}

test('a second run claiming a held name is refused naming the holder, and takes it once released', async () => {
  const first = (await acquireLocks(route53, [zone('hello-localstack.com.'), table('Products')], owner('run-one'), now))!;
  const refused = await refusal(acquireLocks(route53, [table('Products')], owner('run-two'), now));
  assert.is(refused.holder.runId, 'run-one');
  assert.is(refused.code, 'E_LOCKED');
  assert.match(
    refused.message,
    `table Products in us-east-1 (step 'provision') is held by run run-one (pid ${process.pid} on host ${hostname()})`,
  );
  assert.match(refused.message, 'settle it with engine rollback run-one');
  // Other names, another region: no conflict.
  const other = (await acquireLocks(route53, [table('Products', 'eu-central-1'), zone('other.test.')], owner('run-three'), now))!;
  await releaseLocks(route53, first, 'run-one');
  const second = (await acquireLocks(route53, [table('Products')], owner('run-two'), now))!;
  assert.equal((await lockRecords(second.zoneId)).length, 3);
  await releaseLocks(route53, second, 'run-two');
  await releaseLocks(route53, other, 'run-three');
  assert.equal(await lockRecords(second.zoneId), []);
});

test('all or nothing: a refused run holds none of its names', async () => {
  const held = (await acquireLocks(route53, [zone('b.test.')], owner('holder'), now))!;
  await refusal(acquireLocks(route53, [zone('a.test.'), zone('b.test.'), zone('c.test.')], owner('refused'), now));
  const free = (await acquireLocks(route53, [zone('a.test.'), zone('c.test.')], owner('third'), now))!;
  assert.equal((await lockRecords(held.zoneId)).length, 3);
  await releaseLocks(route53, free, 'third');
  await releaseLocks(route53, held, 'holder');
});

test('a run only releases its own records: another run’s lock on the same name survives', async () => {
  const held = (await acquireLocks(route53, [zone('mine.test.')], owner('run-a'), now))!;
  const forged: HeldLocks = {
    zoneId: held.zoneId,
    records: held.records.map((r) => ({ name: r.name, value: r.value.replace('run-a', 'run-b') })),
  };
  await releaseLocks(route53, forged, 'run-b');
  assert.equal((await lockRecords(held.zoneId)).length, 1);
  await releaseLocks(route53, held, 'run-a');
  assert.equal(await lockRecords(held.zoneId), []);
});

test('--wait-lock: the waiting run says whom it waits for, and takes the lock once released', async () => {
  const clock = new ManualClock();
  const held = (await acquireLocks(route53, [zone('wait.test.')], owner('slow'), now))!;
  const said: string[] = [];
  const waiting = acquireLocks(route53, [zone('wait.test.')], owner('patient'), { wait: true, clock, onWait: (m) => said.push(m) });
  await clock.nextSleep();
  assert.equal(said, [`waiting: zone wait.test. (step 'make-wait.test.') is held by run slow (pid ${process.pid} on host ${hostname()})`]);
  await clock.advance(LOCK_POLL_MS);
  await clock.nextSleep(); // still held: it looks again
  await releaseLocks(route53, held, 'slow');
  await clock.advance(LOCK_POLL_MS);
  const taken = (await waiting)!;
  assert.match((await lockRecords(taken.zoneId))[0]!, '"run=patient"');
  assert.is(said.length, 1, 'said once per holder');
  await releaseLocks(route53, taken, 'patient');
});

/** Writes a lock record by hand, as a run on `host` with `pid` would have. */
async function foreignLock(zoneId: string, name: string, host: string, pid: number): Promise<void> {
  const value = `"run=ghost" "host=${host}" "pid=${pid}" "claim=zone:gone.test."`;
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: value }] } }],
      },
    }),
  );
}

test('a holder whose process ended on this host is broken; a holder on another host is not', async () => {
  const probe = (await acquireLocks(route53, [zone('gone.test.')], owner('probe'), now))!;
  const [record] = probe.records;
  await releaseLocks(route53, probe, 'probe');
  const exited = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
  await foreignLock(probe.zoneId, record!.name, hostname(), exited);
  const taken = (await acquireLocks(route53, [zone('gone.test.')], owner('heir'), now))!;
  assert.match((await lockRecords(taken.zoneId))[0]!, '"run=heir"');
  await releaseLocks(route53, taken, 'heir');
  await foreignLock(probe.zoneId, record!.name, 'another-machine.example', exited);
  const refused = await refusal(acquireLocks(route53, [zone('gone.test.')], owner('heir2'), now));
  assert.is(refused.holder.runId, 'ghost');
  assert.is(refused.holder.host, 'another-machine.example');
});

test('two runs racing for the same names: exactly one wins', async () => {
  const results = await Promise.allSettled(
    ['r1', 'r2', 'r3', 'r4'].map((id) => acquireLocks(route53, [zone('race.test.'), table('Race')], owner(id), now)),
  );
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.is(won.length, 1, JSON.stringify(results.map((r) => r.status)));
  assert.ok(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof LockedError));
});

test.run();
