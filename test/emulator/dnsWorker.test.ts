import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  UpdateHealthCheckCommand,
  type Change,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import dns2 from 'dns2';
import * as assert from 'uvu/assert';
import { IdleClock, ManualClock } from '../../emulator/clock.ts';
import { resolveChain } from '../../engine/probes/dnsChain.ts';
import { queryDns } from '../../steps/support/targetDns.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import type { Route53Api } from '../../emulator/route53/api.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { emulatorTarget } from '../helpers/emulatorTarget.ts';

/**
 * The DNS server's worker thread (docs/dns.md): it answers from its replica of Route 53, a
 * change that has returned is in the very next answer (records, health, routing, reset), HTTP
 * load on the gateway does not stop it answering, and stopping the emulator ends it.
 */
const clock = new ManualClock();
const test = emulatorSuite('dns/worker', { emulator: { clock } });
const { Packet } = dns2;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let emu: Emulator;
let r53: Route53Client;
let api: Route53Api;
let zoneId: string;

/** `chrt -p`'s reading of a thread's scheduling policy; undefined without chrt or /proc. */
function schedulingPolicy(tid: number): string | undefined {
  try {
    return execFileSync('chrt', ['--pid', String(tid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}

const change = (...changes: Change[]) =>
  r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
const a = (Name: string, Value: string, extra: object = {}): Change => ({
  Action: 'UPSERT',
  ResourceRecordSet: { Name, Type: 'A', TTL: 60, ResourceRecords: [{ Value }], ...extra },
});

let nextId = 1;
function query(name: string): Buffer {
  const packet = new Packet();
  packet.header.id = nextId++ % 65536;
  packet.questions.push({ name, type: Packet.TYPE.A, class: Packet.CLASS.IN } as dns2.Packet.Question);
  return packet.toBuffer();
}

/** One query over UDP, no retry: the reply's rcode and addresses (undefined if none came in `waitMs`). */
function ask(name: string, waitMs = 5_000, port = emu.dns.port): Promise<{ rcode: number; addresses: string[] } | undefined> {
  const socket = createSocket('udp4');
  const message = query(name);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), waitMs);
    const finish = (value: { rcode: number; addresses: string[] } | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    socket.on('message', (reply) => {
      const packet = Packet.parse(reply);
      finish({ rcode: packet.header.rcode, addresses: packet.answers.map((r) => r.address ?? '') });
    });
    socket.send(message, port, '127.0.0.1');
  });
}

test.before(async (ctx) => {
  emu = ctx.emu;
  api = emu.api('route53');
  r53 = route53Client(emu);
});
test.after(() => r53.destroy());
test.before.each(async () => {
  zoneId = (await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `z-${Math.random()}` }))).HostedZone!.Id!;
});

test('the worker answers from the zones and says which thread it is', async () => {
  await change(a('www.example.com', '10.0.0.1'));
  assert.equal(await ask('www.example.com'), { rcode: 0, addresses: ['10.0.0.1'] });
  assert.equal(await ask('nothing.example.com'), { rcode: 3, addresses: [] });
  assert.equal(await ask('example.org'), { rcode: 5, addresses: [] });
});

test('a change storm: every query sent right after a change returned sees that change', async () => {
  for (let i = 0; i < 100; i++) {
    await change(a('www.example.com', `10.1.${i}.1`));
    assert.equal((await ask('www.example.com'))?.addresses, [`10.1.${i}.1`], `change ${i}`);
  }
  await change({
    Action: 'DELETE',
    ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.1.99.1' }] },
  });
  assert.is((await ask('www.example.com'))?.rcode, 3, 'deleted: NXDOMAIN at once');
});

test('health: inverting a check is in the next answer, twenty times over', async () => {
  const created = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: `calc-${Math.random()}`,
      HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [], HealthThreshold: 0 },
    }),
  );
  const id = created.HealthCheck!.Id!;
  await change(
    a('app.example.com', '10.0.1.1', { SetIdentifier: 'p', Failover: 'PRIMARY', HealthCheckId: id }),
    a('app.example.com', '10.0.1.2', { SetIdentifier: 's', Failover: 'SECONDARY' }),
  );
  for (let i = 0; i < 20; i++) {
    const inverted = i % 2 === 0;
    await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: inverted }));
    assert.equal((await ask('app.example.com'))?.addresses, [inverted ? '10.0.1.2' : '10.0.1.1'], `update ${i}`);
  }
});

test('routing settings and reset are in the next answer', async () => {
  await change(
    a('near.example.com', '10.0.2.1', { SetIdentifier: 'use1', Region: 'us-east-1' }),
    a('near.example.com', '10.0.2.2', { SetIdentifier: 'euc1', Region: 'eu-central-1' }),
  );
  for (let i = 0; i < 10; i++) {
    const europe = i % 2 === 0;
    api.routing.configure({ clientRegion: europe ? 'eu-west-1' : 'us-west-2' });
    assert.equal((await ask('near.example.com'))?.addresses, [europe ? '10.0.2.2' : '10.0.2.1'], `configure ${i}`);
  }
  api.routing.configure({ clientRegion: 'us-east-1' });
  await emu.reset();
  assert.is((await ask('near.example.com'))?.rcode, 5, 'after reset the zone is gone: REFUSED');
});

test('with the gateway saturated by HTTP requests, every DNS query is answered', async () => {
  await change(a('www.example.com', '10.0.3.1'));
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const get = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: emu.port, path: '/2013-04-01/hostedzone', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      req.end();
    });
  let loadDone = false;
  const load = Promise.all(
    Array.from({ length: 128 }, async () => {
      for (let i = 0; i < 25; i++) await get();
    }),
  ).then(() => (loadDone = true));
  const answers = [];
  let sentDuringLoad = 0;
  for (let i = 0; i < 300; i++) {
    answers.push(ask('www.example.com', 60_000));
    if (!loadDone) sentDuringLoad++;
    await new Promise((r) => setImmediate(r));
  }
  await load;
  agent.destroy();
  const replies = await Promise.all(answers);
  assert.ok(sentDuringLoad > 0, 'queries were sent while the load ran');
  assert.is(replies.filter((r) => r?.addresses[0] === '10.0.3.1').length, 300, 'all 300 queries answered with the record');
});

test('stop ends the worker: the DNS port is free again at once', async () => {
  const other = await startEmulator({ clock: new ManualClock() });
  const port = other.dns.port;
  await other.stop();
  await new Promise<void>((resolve, reject) => {
    const udp = createSocket('udp4');
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', () => udp.close(() => resolve()));
  });
  await new Promise<void>((resolve, reject) => {
    const tcp = createServer();
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', () => tcp.close(() => resolve()));
  });
});

test('stopping says how many queries the DNS server answered (the drill bench counts them from this line)', async () => {
  const lines: string[] = [];
  const other = await startEmulator({ clock: new ManualClock(), log: (line) => lines.push(line) });
  for (let i = 0; i < 3; i++) assert.ok(await ask('nothing.example.', 5_000, other.dns.port), `query ${i} answered`);
  await other.stop();
  assert.equal(
    lines.filter((line) => line.startsWith('dns stopped')),
    ['dns stopped: 3 queries answered, 0 dropped'],
  );
});

test('asked for real-time priority, the DNS thread gets SCHED_FIFO where the OS allows it, and says so where not', async () => {
  assert.equal(await emu.dnsPriority(), { priority: 'normal', reason: 'not asked' }, 'an embedded emulator does not ask');
  const other = await startEmulator({ clock: new ManualClock(), dnsRealtime: true });
  try {
    const got = await other.dnsPriority();
    const policy = got.tid ? schedulingPolicy(got.tid) : undefined;
    const allowed = process.platform === 'linux' && process.getuid?.() === 0 && policy !== undefined;
    if (allowed) {
      assert.is(got.priority, 'realtime', `as root on Linux the thread is real-time (${got.reason ?? ''})`);
      assert.match(policy!, /SCHED_FIFO/, 'the thread the worker named is scheduled SCHED_FIFO, as chrt reads it back');
      assert.ok(readFileSync(`/proc/${process.pid}/task/${got.tid}/stat`, 'utf8'), 'the thread belongs to this process');
    } else {
      assert.is(got.priority, 'normal');
      assert.ok(got.reason, 'a normal priority says why');
    }
    assert.equal((await ask('localhost.localstack.cloud', 5_000, other.dns.port))?.addresses, ['127.0.0.1'], 'and it answers');
  } finally {
    await other.stop();
  }
});

test('a process that starts, queries and stops an emulator exits by itself (no thread or handle left), whatever Node flags it runs with', async () => {
  const script = `
    const { startEmulator } = await import(${JSON.stringify(`${ROOT}emulator/index.ts`)});
    const { Resolver } = await import('node:dns/promises');
    const emu = await startEmulator();
    const resolver = new Resolver();
    resolver.setServers(['127.0.0.1:' + emu.dns.port]);
    const addresses = await resolver.resolve4('localhost.localstack.cloud');
    await emu.stop();
    console.log(JSON.stringify(addresses));
  `;
  // A V8 flag and --input-type=module in the parent's execArgv: the DNS worker inherits neither.
  const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  // Only a guard against a hang: a process left alive by the worker never exits on its own.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(guard);
  assert.is(code, 0, 'the process exited by itself with status 0');
  assert.equal(JSON.parse(out.trim()), ['127.0.0.1']);
});

test('a query from the engine is work on the idle-skipping clock: busy until its answer is in', async () => {
  const idleClock = new IdleClock({ seed: 1 });
  const idle = await startEmulator({ clock: idleClock });
  try {
    const target = { ...emulatorTarget(idle), clock: idleClock };
    const step = queryDns(target, 'localhost.localstack.cloud', 'A');
    assert.equal(idleClock.busy(), ['dns query'], "a step's query holds AWS time while in flight");
    assert.equal((await step).values, ['127.0.0.1']);
    const probe = resolveChain(target, 'www.localhost.localstack.cloud');
    assert.equal(idleClock.busy(), ['dns query'], "a probe's query holds AWS time while in flight");
    assert.is((await probe).status, 'NOERROR');
    assert.equal(idleClock.busy(), [], 'nothing holds AWS time once the answers are in');
  } finally {
    await idle.stop();
  }
});

test.run();
