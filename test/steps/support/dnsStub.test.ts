import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import packet from 'dns-packet';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../engine/clock.ts';
import { stubQuery } from '../../../steps/support/dnsStub.ts';
import { emulatorSuite } from '../../helpers/emulatorSuite.ts';

/**
 * The engine's stub DNS client (steps/support/dnsStub.ts), against the emulator's real DNS
 * server and against small hand-made servers for what the emulator never does (a forged reply,
 * a truncated answer, silence).
 */
const test = emulatorSuite('steps/dnsStub', { emulator: { clock: new ManualClock() } });

test.before.each(async ({ target }) => {
  const r53 = target.client(Route53Client, 'us-east-1');
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `z-${Math.random()}` }));
  const set = (Name: string, Type: 'A' | 'CNAME' | 'TXT', Value: string, TTL = 60) => ({
    Action: 'UPSERT' as const,
    ResourceRecordSet: { Name, Type, TTL, ResourceRecords: [{ Value }] },
  });
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone!.Id!,
      ChangeBatch: {
        Changes: [
          set('www.example.com', 'A', '10.0.0.7'),
          set('app.example.com', 'CNAME', 'www.example.com', 30),
          set('txt.example.com', 'TXT', '"v=spf1 -all"'),
        ],
      },
    }),
  );
});

test('answers from the emulator: A, CNAME with its TTL, TXT; names normalised', async ({ emu }) => {
  const server = emu.dns;
  assert.equal((await stubQuery(server, 'WWW.example.com.', 'A')).answers, [
    { name: 'www.example.com', type: 'A', ttl: 60, value: '10.0.0.7' },
  ]);
  const cname = await stubQuery(server, 'app.example.com', 'CNAME');
  assert.equal(cname, { status: 'NOERROR', answers: [{ name: 'app.example.com', type: 'CNAME', ttl: 30, value: 'www.example.com' }] });
  assert.equal((await stubQuery(server, 'txt.example.com', 'TXT')).answers[0]?.value, 'v=spf1 -all');
});

test('statuses: NXDOMAIN inside a zone, REFUSED outside every zone, CONNREFUSED from a closed port', async ({ emu }) => {
  assert.is((await stubQuery(emu.dns, 'nothing.example.com', 'A')).status, 'NXDOMAIN');
  assert.is((await stubQuery(emu.dns, 'www.elsewhere.test', 'A')).status, 'REFUSED');
  const closed = await closedUdpPort();
  assert.equal(await stubQuery({ host: '127.0.0.1', port: closed }, 'www.example.com', 'A', { timeoutMs: 60_000 }), {
    status: 'CONNREFUSED',
    answers: [],
  });
});

test('two hundred queries at once share one socket and each gets its own answer', async ({ emu }) => {
  const names = Array.from({ length: 200 }, (_, i) =>
    i % 3 === 0 ? 'www.example.com' : i % 3 === 1 ? 'app.example.com' : 'missing.example.com',
  );
  const replies = await Promise.all(names.map((name, i) => stubQuery(emu.dns, name, i % 3 === 1 ? 'CNAME' : 'A')));
  replies.forEach((reply, i) => {
    if (i % 3 === 0) assert.is(reply.answers[0]?.value, '10.0.0.7');
    else if (i % 3 === 1) assert.is(reply.answers[0]?.value, 'www.example.com');
    else assert.is(reply.status, 'NXDOMAIN');
  });
});

test('a reply with the right id but another question is ignored; the real one is taken', async () => {
  const fake = await udpServer((query, reply) => {
    const decoded = packet.decode(query);
    const answer = (name: string) =>
      packet.encode({
        type: 'response',
        id: decoded.id,
        flags: 0,
        questions: [{ type: 'A', name }],
        answers: [{ type: 'A', name, ttl: 5, data: '10.9.9.9' }],
      });
    reply(answer('forged.example.com'));
    reply(answer(decoded.questions![0]!.name));
  });
  try {
    const got = await stubQuery({ host: '127.0.0.1', port: fake.port }, 'real.example.com', 'A', { timeoutMs: 60_000 });
    assert.equal(got.answers, [{ name: 'real.example.com', type: 'A', ttl: 5, value: '10.9.9.9' }]);
  } finally {
    fake.close();
  }
});

test('a truncated UDP reply is asked again over TCP', async () => {
  const full = (id: number, name: string) =>
    packet.encode({
      type: 'response',
      id,
      flags: 0,
      questions: [{ type: 'TXT', name }],
      answers: Array.from({ length: 40 }, (_, i) => ({ type: 'TXT' as const, name, ttl: 9, data: `chunk-${i}-${'x'.repeat(40)}` })),
    });
  const udp = await udpServer((query, reply) => {
    const q = packet.decode(query);
    reply(packet.encode({ type: 'response', id: q.id, flags: packet.TRUNCATED_RESPONSE, questions: q.questions }));
  });
  const tcp = await tcpServer(udp.port, (query) => full(packet.decode(query).id!, packet.decode(query).questions![0]!.name));
  try {
    const got = await stubQuery({ host: '127.0.0.1', port: udp.port }, 'big.example.com', 'TXT', { timeoutMs: 60_000 });
    assert.is(got.status, 'NOERROR');
    assert.is(got.answers.length, 40, 'every record came over TCP');
  } finally {
    udp.close();
    tcp.close();
  }
});

test('a query whose first datagram goes unanswered is sent again and answered', async () => {
  let queries = 0;
  const deaf = await udpServer((query, reply) => {
    if (++queries === 1) return; // the first one is "lost"
    const q = packet.decode(query);
    reply(
      packet.encode({
        type: 'response',
        id: q.id,
        flags: 0,
        questions: q.questions,
        answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 1, data: '10.1.1.1' }],
      }),
    );
  });
  try {
    const got = await stubQuery({ host: '127.0.0.1', port: deaf.port }, 'late.example.com', 'A', { timeoutMs: 300 }); // sent again after 60 ms
    assert.equal(
      got.answers.map((a) => a.value),
      ['10.1.1.1'],
    );
    assert.is(queries, 2, 'answered on the second send');
  } finally {
    deaf.close();
  }
});

test('silence times out (TIMEOUT); an abort rejects with its reason', async () => {
  const silent = await udpServer(() => {});
  try {
    const server = { host: '127.0.0.1', port: silent.port };
    assert.equal(await stubQuery(server, 'www.example.com', 'A', { timeoutMs: 20 }), { status: 'TIMEOUT', answers: [] });
    const controller = new AbortController();
    const asked = stubQuery(server, 'www.example.com', 'A', { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort(new Error('stop'));
    await asked.then(
      () => assert.unreachable('an aborted query must reject'),
      (err: Error) => assert.is(err.message, 'stop'),
    );
  } finally {
    silent.close();
  }
});

/** A UDP port nobody listens on (bound, read, then closed). */
async function closedUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function udpServer(onQuery: (query: Buffer, reply: (m: Buffer) => void) => void): Promise<{ port: number; close(): void }> {
  const s: Socket = createSocket('udp4');
  s.on('message', (msg, from) => onQuery(msg, (m) => s.send(m, from.port, from.address)));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, close: () => s.close() };
}

async function tcpServer(port: number, answer: (query: Buffer) => Buffer): Promise<Server> {
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const reply = answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length);
      socket.end(Buffer.concat([prefix, reply]));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return server;
}

test.run();
