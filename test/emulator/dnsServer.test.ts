import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  type Change,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import dns2 from 'dns2';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { inspectQuery } from '../../emulator/dns/queryShape.ts';
import { startDnsServer, type DnsServerHandle } from '../../emulator/dns/server.ts';
import type { Emulator } from '../../emulator/index.ts';
import type { Route53Api } from '../../emulator/route53/api.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';

/**
 * The DNS server over real sockets: Node's resolver, dns2's UDP/TCP clients, raw packets and
 * dig (when installed), answering zones built through the real SDK, with failover driven by
 * real health checks against a local HTTP server on a ManualClock.
 */
const clock = new ManualClock();
const test = emulatorSuite('dns/server', { emulator: { clock } });
const { Packet } = dns2;
const run = promisify(execFile);
const DIG = ['/usr/bin/dig', '/bin/dig'].find((p) => existsSync(p));
/** server.ts: a peer with more than 50 malformed packets in a one-second window is ignored until it ends. */
const PENALTY_THRESHOLD = 50;
const PENALTY_WINDOW_MS = 1_000;

let emu: Emulator;
let r53: Route53Client;
let api: Route53Api;
let resolver: Resolver;
let web: LocalHttpServer;
let webPort: number;
let zoneId: string;
const statuses = new Map<string, number>();
/**
 * The emulator's DNS server runs in a worker thread; the two tests that look inside the
 * server (dns2's decoder, the penalty box's clock) run server.ts in this process instead,
 * answering from the same Route 53 state through `api.resolve`.
 */
let local: DnsServerHandle | undefined;
const dnsPort = () => local?.port ?? emu.dns.port;
const dnsStats = () => (local ?? { stats: emu.dnsStats }).stats();

async function inProcess<T>(fn: () => Promise<T>): Promise<T> {
  local = await startDnsServer({ host: '127.0.0.1', port: 0, log: () => {}, answer: (name, type) => api.resolve(name, type) });
  try {
    return await fn();
  } finally {
    await local.close();
    local = undefined;
  }
}

const change = (...changes: Change[]) =>
  r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));

async function check(path: string): Promise<string> {
  const out = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: `${path}-${Math.random()}`,
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '127.0.0.1',
        Port: webPort,
        ResourcePath: path,
        RequestInterval: 10,
        FailureThreshold: 1,
      },
    }),
  );
  return out.HealthCheck!.Id!;
}

async function tick(): Promise<void> {
  await clock.advance(10_000);
  await api.healthChecks.settled();
}

const a4 = async (name: string) => (await resolver.resolve4(name, { ttl: true })).map((r) => `${r.address}/${r.ttl}`);

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
}

function query(name: string, type: keyof typeof Packet.TYPE, id = 4242): Buffer {
  const packet = new Packet();
  packet.header.id = id;
  packet.header.rd = 1;
  packet.questions.push({ name, type: Packet.TYPE[type], class: Packet.CLASS.IN } as dns2.Packet.Question);
  return packet.toBuffer();
}

/**
 * Sends a query and waits `waitMs` for the reply with its id, sending it again up to `attempts`
 * times in all, as a stub resolver does: UDP may be lost or late on a loaded machine, and no
 * test here is about how fast an answer comes. From a fresh socket unless `from` is given.
 */
function exchange(
  message: Buffer,
  options: { attempts?: number; waitMs?: number; from?: UdpSocket } = {},
): Promise<{ reply: Buffer | undefined; sent: number }> {
  const { attempts = 3, waitMs = 1_000, from } = options;
  const socket = from ?? createSocket('udp4');
  const id = message.readUInt16BE(0);
  return new Promise((resolve) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      if (!from) socket.close();
      resolve({ reply, sent });
    };
    const onMessage = (reply: Buffer) => {
      if (reply.length >= 2 && reply.readUInt16BE(0) === id) finish(reply);
    };
    const send = () => {
      if (sent === attempts) return finish(undefined);
      sent++;
      socket.send(message, dnsPort(), '127.0.0.1');
      timer = setTimeout(send, waitMs);
    };
    socket.on('message', onMessage);
    send();
  });
}

/** The reply to a query, sent as a resolver would (see `exchange`). */
async function udp(message: Buffer): Promise<Buffer | undefined> {
  return (await exchange(message)).reply;
}

/** One length-prefixed message over TCP; resolves with the reply, or 'closed'. */
function tcp(message: Buffer): Promise<Buffer | 'closed'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: dnsPort() });
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        socket.destroy();
        resolve(data.subarray(2, 2 + data.readUInt16BE(0)));
      }
    });
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => resolve('closed'));
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(message.length);
    socket.end(Buffer.concat([prefix, message]));
  });
}

test.before(async (ctx) => {
  emu = ctx.emu;
  api = emu.api('route53');
  r53 = route53Client(emu);
  resolver = new Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${emu.dns.port}`]);
  web = await startLocalHttpServer((req, res) => {
    res.writeHead(statuses.get(req.url ?? '') ?? 200);
    res.end();
  });
  webPort = web.port;
});
test.after(async () => {
  r53.destroy();
  await web.close();
});
test.before.each(async () => {
  statuses.clear();
  zoneId = (await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `z-${Math.random()}` }))).HostedZone!.Id!;
});

test('UDP and TCP listen on the same loopback port', async () => {
  assert.is(emu.dns.host, '127.0.0.1');
  await change({
    Action: 'CREATE',
    ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 123, ResourceRecords: [{ Value: '10.1.2.3' }] },
  });
  assert.equal(await a4('www.example.com'), ['10.1.2.3/123'], 'record TTLs are honoured');
  const overTcp = await dns2.TCPClient({ dns: '127.0.0.1', port: emu.dns.port })('www.example.com', 'A');
  assert.equal(
    overTcp.answers.map((r) => [r.name, r.address, r.ttl]),
    [['www.example.com', '10.1.2.3', 123]],
  );
  assert.is(overTcp.header.aa, 1);
  assert.is(overTcp.header.ra, 0);
});

test('failover with real health checks: PRIMARY healthy, PRIMARY failing, both failing, back', async () => {
  const hcP = await check('/p');
  const hcS = await check('/s');
  await change(
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'api.example.com',
        Type: 'A',
        TTL: 60,
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        HealthCheckId: hcP,
        ResourceRecords: [{ Value: '10.0.0.1' }],
      },
    },
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'api.example.com',
        Type: 'A',
        TTL: 60,
        SetIdentifier: 's',
        Failover: 'SECONDARY',
        HealthCheckId: hcS,
        ResourceRecords: [{ Value: '10.0.0.2' }],
      },
    },
  );
  await tick();
  assert.equal(await a4('api.example.com'), ['10.0.0.1/60'], 'PRIMARY healthy');
  statuses.set('/p', 500);
  await tick();
  assert.is(api.healthChecks.status(hcP), 'unhealthy');
  assert.equal(await a4('api.example.com'), ['10.0.0.2/60'], 'PRIMARY failing → SECONDARY');
  statuses.set('/s', 500);
  await tick();
  assert.equal(await a4('api.example.com'), ['10.0.0.1/60'], 'both failing → PRIMARY');
  statuses.delete('/p');
  await tick();
  assert.equal(await a4('api.example.com'), ['10.0.0.1/60']);
});

test('failover records without health checks are healthy', async () => {
  await change(
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'n.example.com',
        Type: 'A',
        TTL: 60,
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        ResourceRecords: [{ Value: '10.0.0.1' }],
      },
    },
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'n.example.com',
        Type: 'A',
        TTL: 60,
        SetIdentifier: 's',
        Failover: 'SECONDARY',
        ResourceRecords: [{ Value: '10.0.0.2' }],
      },
    },
  );
  assert.equal(await a4('n.example.com'), ['10.0.0.1/60']);
});

test('alias with EvaluateTargetHealth follows the target health; the answer has the queried name and the target TTL', async () => {
  const hc = await check('/use1');
  const bare = zoneId.replace('/hostedzone/', '');
  await change(
    {
      Action: 'CREATE',
      ResourceRecordSet: { Name: 'use1.example.com', Type: 'A', TTL: 30, HealthCheckId: hc, ResourceRecords: [{ Value: '10.0.1.1' }] },
    },
    { Action: 'CREATE', ResourceRecordSet: { Name: 'euc1.example.com', Type: 'A', TTL: 40, ResourceRecords: [{ Value: '10.0.2.1' }] } },
  );
  await change(
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'app.example.com',
        Type: 'A',
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        AliasTarget: { HostedZoneId: bare, DNSName: 'use1.example.com', EvaluateTargetHealth: true },
      },
    },
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'app.example.com',
        Type: 'A',
        SetIdentifier: 's',
        Failover: 'SECONDARY',
        AliasTarget: { HostedZoneId: bare, DNSName: 'euc1.example.com', EvaluateTargetHealth: true },
      },
    },
  );
  const packet = await dns2.UDPClient({ dns: '127.0.0.1', port: emu.dns.port })('app.example.com', 'A');
  assert.equal(
    packet.answers.map((r) => [r.name, r.address, r.ttl]),
    [['app.example.com', '10.0.1.1', 30]],
  );
  statuses.set('/use1', 503);
  await tick();
  assert.equal(await a4('app.example.com'), ['10.0.2.1/40']);
  assert.equal(await resolver.resolveCname('app.example.com').catch((e) => e.code), 'ENODATA', 'an alias shows no CNAME');
});

test('the tutorial shape via the SDK: alias Type CNAME → CNAME, answered as the target value; A chases to 127.0.0.1', async () => {
  const hc = await check('/dev/healthcheck');
  await change(
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: '12345.example.com',
        Type: 'CNAME',
        TTL: 60,
        ResourceRecords: [{ Value: '12345.execute-api.localhost.localstack.cloud' }],
      },
    },
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: '67890.example.com',
        Type: 'CNAME',
        TTL: 60,
        ResourceRecords: [{ Value: '67890.execute-api.localhost.localstack.cloud' }],
      },
    },
  );
  await change(
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'test.example.com',
        Type: 'CNAME',
        SetIdentifier: '12345',
        Failover: 'PRIMARY',
        HealthCheckId: hc,
        AliasTarget: { HostedZoneId: zoneId, DNSName: '12345.example.com', EvaluateTargetHealth: true },
      },
    },
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'test.example.com',
        Type: 'CNAME',
        SetIdentifier: '67890',
        Failover: 'SECONDARY',
        AliasTarget: { HostedZoneId: zoneId, DNSName: '67890.example.com', EvaluateTargetHealth: true },
      },
    },
  );
  assert.equal(await resolver.resolveCname('test.example.com'), ['12345.execute-api.localhost.localstack.cloud']);
  // c-ares reports the smallest TTL along the chain: the CNAME's 60, not the A's 300.
  assert.equal(await a4('test.example.com'), ['127.0.0.1/60']);
  statuses.set('/dev/healthcheck', 500);
  await tick();
  assert.equal(await resolver.resolveCname('test.example.com'), ['67890.execute-api.localhost.localstack.cloud']);
});

test('REFUSED outside every zone, NXDOMAIN and NODATA with the SOA in authority, aa=1', async () => {
  await change({
    Action: 'CREATE',
    ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] },
  });
  assert.is(await errorCode(resolver.resolve4('example.org')), 'EREFUSED');
  assert.is(await errorCode(resolver.resolve4('nope.example.com')), 'ENOTFOUND');
  assert.is(await errorCode(resolver.resolve6('www.example.com')), 'ENODATA');
  const client = dns2.UDPClient({ dns: '127.0.0.1', port: emu.dns.port });
  const nx = await client('nope.example.com', 'A');
  assert.is(nx.header.rcode, 3);
  assert.is(nx.header.aa, 1);
  assert.equal(
    nx.authorities.map((r) => [r.name, r.type, r.ttl, r.primary, r.minimum]),
    [['example.com', Packet.TYPE.SOA, 900, 'ns-2048.awsdns-64.net', 86400]],
  );
  const refused = await client('example.org', 'A');
  assert.is(refused.header.rcode, 5);
  assert.is(refused.header.aa, 0);
  const ok = await client('www.example.com', 'A');
  assert.equal(
    ok.authorities.map((r) => [r.type, r.ns]).slice(0, 1),
    [[Packet.TYPE.NS, 'ns-2048.awsdns-64.com']],
    'positive answers carry the zone NS',
  );
  assert.equal((await resolver.resolveNs('example.com')).length, 4);
  assert.equal(await resolver.resolve4('anything.localhost.localstack.cloud'), ['127.0.0.1']);
});

test('an answer over 512 bytes is truncated over UDP (TC=1) and complete over TCP', async () => {
  const values = Array.from({ length: 20 }, (_, i) => ({ Value: `"${'x'.repeat(40)}${i}"` }));
  await change({ Action: 'CREATE', ResourceRecordSet: { Name: 'big.example.com', Type: 'TXT', TTL: 60, ResourceRecords: values } });
  const reply = Packet.parse((await udp(query('big.example.com', 'TXT')))!);
  assert.is(reply.header.tc, 1);
  assert.is(reply.answers.length, 0);
  const full = await tcp(query('big.example.com', 'TXT'));
  assert.ok(full !== 'closed');
  assert.is(Packet.parse(full as Buffer).answers.length, 20);
  assert.is((await resolver.resolveTxt('big.example.com')).length, 20, 'c-ares retries over TCP');
});

test('FORMERR for a query without a question, NOTIMP for other opcodes, REFUSED for class CH', async () => {
  const empty = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
  const formerr = (await udp(empty))!;
  assert.is(formerr.readUInt16BE(0), 0x1234);
  assert.is(formerr.readUInt16BE(2) & 0x800f, 0x8001);
  const status = query('example.com', 'A');
  status.writeUInt16BE(0x1000, 2); // opcode 2 (STATUS)
  assert.is((await udp(status))!.readUInt16BE(2) & 0x000f, 4);
  const chaos = query('version.bind', 'TXT');
  chaos.writeUInt16BE(3, chaos.length - 2);
  assert.is(Packet.parse((await udp(chaos))!).header.rcode, 5);
});

test('garbage is dropped by the shape check before dns2 decodes any of it; a good query right after is answered', () =>
  inProcess(async () => {
    await change({
      Action: 'CREATE',
      ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] },
    });
    const good = query('www.example.com', 'A');
    // The packet that makes dns2 3.0.0's decoder spin: a header claiming 65,535 of everything.
    const pathological = Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0x61, 0x62]);
    assert.is(pathological.length, 15);
    const loop = Buffer.concat([good.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    const forward = Buffer.concat([good.subarray(0, 12), Buffer.from([0xc0, 0x20, 0, 1, 0, 1])]);
    const reply = Buffer.from(good);
    reply[2]! |= 0x80;
    const badLabel = Buffer.concat([good.subarray(0, 12), Buffer.from([0x40, 0x61, 0, 0, 1, 0, 1])]);
    const crafted = [
      pathological,
      good.subarray(0, good.length - 3),
      loop,
      forward,
      reply,
      badLabel,
      Buffer.concat([good, Buffer.from([0])]),
    ];
    for (const g of crafted) assert.ok('invalid' in inspectQuery(g), `shape check rejects ${g.toString('hex')}`);
    assert.ok(!('invalid' in inspectQuery(good)), 'and passes the good query');
    // Random bytes: almost always malformed; the rare one that happens to be a query is left out.
    const random = Array.from({ length: 30 }, () =>
      Buffer.from(Array.from({ length: 1 + Math.floor(Math.random() * 300) }, () => Math.floor(Math.random() * 256))),
    );
    const garbage = [...crafted, ...random.filter((g) => 'invalid' in inspectQuery(g))];
    const FLOOD = 200;

    const before = dnsStats();
    const decoder = spyOnDecoder();
    const heard: Buffer[] = [];
    const sockets: UdpSocket[] = [];
    let answer: { reply: Buffer | undefined; sent: number };
    let decoded: number;
    let after: { answered: number; dropped: number };
    try {
      // Each from its own socket (its own peer, so the penalty box stays out of this), kept open
      // to hear a reply if one came.
      for (const g of garbage) {
        const socket = await openSocket();
        socket.on('message', (m) => heard.push(m));
        sockets.push(socket);
        await sendFrom(socket, g);
      }
      for (let i = 0; i < FLOOD; i++) await udpFireAndForget(pathological);
      answer = await exchange(good);
      await until(() => dnsStats().dropped - before.dropped >= garbage.length + FLOOD);
      await turns();
      decoded = decoder.calls();
      after = dnsStats();
    } finally {
      decoder.restore();
      for (const socket of sockets) socket.close();
    }
    assert.ok(answer.reply, 'the good query is answered');
    assert.equal(
      Packet.parse(answer.reply!).answers.map((r) => r.address),
      ['10.0.0.1'],
    );
    assert.is(after.dropped - before.dropped, garbage.length + FLOOD, 'every garbage packet is counted as dropped');
    // Every query answered was decoded once (the spy sees the server's decoder), and nothing else was.
    const answered = after.answered - before.answered;
    assert.ok(answered >= 1, 'the good query is counted as answered');
    assert.is(decoded, answered, "dns2's decoder ran for the answered query only, never for a dropped packet");
    assert.equal(heard, [], 'no garbage gets an answer');
  }));

test('a peer that keeps sending garbage is ignored for the rest of the window; other peers are not', () =>
  inProcess(async () => {
    await change({
      Action: 'CREATE',
      ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] },
    });
    const noisy = await openSocket();
    const replies: Buffer[] = [];
    noisy.on('message', (m) => replies.push(m));
    const junk = Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0x61, 0x62]);
    const BURSTS = 40;
    const PER_BURST = 50;

    const before = dnsStats();
    const decoder = spyOnDecoder();
    const time = holdPenaltyWindow();
    try {
      // Bursts, yielding in between: client and server share this process's event loop.
      for (let burst = 0; burst < BURSTS; burst++) {
        await Promise.all(Array.from({ length: PER_BURST }, () => sendFrom(noisy, junk)));
        await new Promise((r) => setImmediate(r));
      }
      await sendFrom(noisy, query('www.example.com', 'A', 1));
      const other = await exchange(query('www.example.com', 'A', 2));
      assert.ok(other.reply, 'another peer is answered during the flood');
      assert.is(other.reply!.readUInt16BE(0), 2);
      await until(() => dnsStats().dropped - before.dropped >= PENALTY_THRESHOLD + 1);
      await turns();
      const during = dnsStats();
      assert.is(
        during.dropped - before.dropped,
        PENALTY_THRESHOLD + 1,
        `of ${BURSTS * PER_BURST} junk packets only the first ${PENALTY_THRESHOLD + 1} reached the shape check; the rest were ignored`,
      );
      const answered = during.answered - before.answered;
      assert.ok(answered >= 1, 'the other peer is counted as answered');
      assert.is(decoder.calls(), answered, "dns2's decoder never saw the junk");
      assert.equal(replies, [], "the noisy peer's good query, inside the window, got no reply");

      // The next window: the noisy peer is served again.
      time.advance(PENALTY_WINDOW_MS);
      const back = await exchange(query('www.example.com', 'A', 3), { from: noisy });
      assert.ok(back.reply, 'the noisy peer is answered once the window has passed');
      assert.equal(
        Packet.parse(back.reply!).answers.map((r) => r.address),
        ['10.0.0.1'],
      );
      assert.equal([...new Set(replies.map((r) => r.readUInt16BE(0)))], [3], 'and only for the query sent after the window');
    } finally {
      time.restore();
      decoder.restore();
      noisy.close();
    }
  }));

test('TCP: garbage closes that connection only; pipelined queries on one connection are all answered', async () => {
  await change({
    Action: 'CREATE',
    ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] },
  });
  assert.is(await tcp(Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0x61, 0x62])), 'closed');
  const answers = await new Promise<number[]>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: emu.dns.port });
    const ids: number[] = [];
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        ids.push(data.readUInt16BE(2));
        data = data.subarray(2 + data.readUInt16BE(0));
      }
    });
    socket.on('close', () => resolve(ids));
    const frames = Array.from({ length: 50 }, (_, i) => {
      const q = query('www.example.com', 'A', 1000 + i);
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(q.length);
      return Buffer.concat([prefix, q]);
    });
    socket.end(Buffer.concat(frames));
  });
  assert.equal(
    answers,
    Array.from({ length: 50 }, (_, i) => 1000 + i),
  );
});

test('dig over UDP and TCP (when dig is installed)', async () => {
  if (!DIG) {
    console.log('  (skipped: dig is not installed)');
    return;
  }
  await change({
    Action: 'CREATE',
    ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 77, ResourceRecords: [{ Value: '10.9.8.7' }] },
  });
  for (const transport of ['+notcp', '+tcp']) {
    const { stdout } = await run(DIG, [
      '@127.0.0.1',
      '-p',
      String(emu.dns.port),
      transport,
      '+noall',
      '+answer',
      '+comments',
      'www.example.com',
      'A',
    ]);
    assert.match(stdout, /www\.example\.com\.\s+77\s+IN\s+A\s+10\.9\.8\.7/);
    assert.match(stdout, /flags: qr aa rd;/);
  }
  const { stdout } = await run(DIG, ['@127.0.0.1', '-p', String(emu.dns.port), '+noall', '+comments', 'example.org', 'A']);
  assert.match(stdout, /status: REFUSED/);
});

function udpFireAndForget(message: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.send(message, dnsPort(), '127.0.0.1', () => {
      socket.close();
      resolve();
    });
  });
}

async function openSocket(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return socket;
}

function sendFrom(socket: UdpSocket, message: Buffer): Promise<void> {
  return new Promise((r) => socket.send(message, dnsPort(), '127.0.0.1', () => r()));
}

/** A few turns of the event loop, each through its poll phase: replies already sent are heard. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Waits until `done()` holds. Packets travel over real sockets, so this polls; the limit only
 * stops a broken server from hanging the suite, and the assertions after it say what was wrong.
 */
async function until(done: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Counts calls into dns2's decoder: every decode, the server's (respond.ts) and Packet.parse,
 * starts with Packet.Header.parse. The server runs in this process, on the same dns2 module.
 */
function spyOnDecoder(): { calls(): number; restore(): void } {
  const original = Packet.Header.parse;
  let calls = 0;
  Packet.Header.parse = (reader) => {
    calls++;
    return original.call(Packet.Header, reader);
  };
  return { calls: () => calls, restore: () => void (Packet.Header.parse = original) };
}

/**
 * The server's penalty windows are PENALTY_WINDOW_MS of `performance.now()` (server.ts), which
 * no emulator clock drives; the server runs in this process, so the test holds that time still
 * (the whole flood then falls in one window) and moves it on by hand. Restore it in `finally`.
 */
function holdPenaltyWindow(): { advance(ms: number): void; restore(): void } {
  const real = Object.getOwnPropertyDescriptor(performance, 'now');
  // The start of a window well ahead of real time: a fresh window, with no strikes from before.
  let now = (Math.floor(performance.now() / PENALTY_WINDOW_MS) + 10) * PENALTY_WINDOW_MS;
  Object.defineProperty(performance, 'now', { value: () => now, configurable: true, writable: true });
  return {
    advance: (ms) => void (now += ms),
    restore: () => {
      if (real) Object.defineProperty(performance, 'now', real);
      else delete (performance as { now?: unknown }).now;
    },
  };
}

test.run();
