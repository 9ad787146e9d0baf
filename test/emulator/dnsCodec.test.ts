import dns2 from 'dns2';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inspectQuery } from '../../emulator/dns/queryShape.ts';
import { decode, encode, respond } from '../../emulator/dns/respond.ts';
import type { Resolution } from '../../emulator/dns/answer.ts';

/**
 * The codec around dns2: the shape check, the re-framed decode and the fast writer must
 * give exactly what dns2's own Packet.parse / toBuffer give, and malformed input must be
 * refused before dns2 sees it.
 */
const test = suite('dns/codec');
const { Packet } = dns2;

function query(name: string, type: number, edns = false, id = 7): Buffer {
  const p = new Packet();
  p.header.id = id;
  p.header.rd = 1;
  p.questions.push({ name, type, class: Packet.CLASS.IN } as dns2.Packet.Question);
  if (edns) p.additionals.push(Packet.Resource.EDNS([]));
  return p.toBuffer();
}

test('the fast writer produces the same bytes as dns2 for every record type we serve, with compression', () => {
  const p = new Packet();
  p.header = new Packet.Header({ id: 0xbeef, qr: 1, aa: 1, rd: 1, rcode: 3 });
  p.questions.push({ name: 'www.example.com', type: Packet.TYPE.ANY, class: Packet.CLASS.IN } as dns2.Packet.Question);
  const base = { name: 'www.example.com', class: Packet.CLASS.IN, ttl: 3600 };
  const records = [
    { ...base, type: Packet.TYPE.A, address: '10.1.2.3' },
    { ...base, type: Packet.TYPE.AAAA, address: '2001:db8::1' },
    { ...base, type: Packet.TYPE.CNAME, domain: 'web.example.com' },
    { ...base, type: Packet.TYPE.MX, exchange: 'mail.example.com', priority: 10 },
    { ...base, type: Packet.TYPE.TXT, data: ['v=spf1 -all', 'second'] },
    { ...base, type: Packet.TYPE.SRV, priority: 1, weight: 2, port: 5269, target: 'xmpp.example.com' },
    { ...base, type: Packet.TYPE.CAA, flags: 0, tag: 'issue', value: 'letsencrypt.org' },
    { ...base, ttl: 2147483647, type: Packet.TYPE.PTR, domain: 'host.example.com' },
  ];
  p.answers = records as dns2.Packet.Resource[];
  p.authorities = [
    { name: 'example.com', type: Packet.TYPE.NS, class: 1, ttl: 172800, ns: 'ns-2048.awsdns-64.com' },
    {
      name: 'example.com',
      type: Packet.TYPE.SOA,
      class: 1,
      ttl: 900,
      primary: 'ns-2048.awsdns-64.net',
      admin: 'awsdns-hostmaster.amazon.com',
      serial: 1,
      refresh: 7200,
      retry: 900,
      expiration: 1209600,
      minimum: 86400,
    },
  ] as dns2.Packet.Resource[];
  p.additionals.push({ ...Packet.Resource.EDNS([]), class: 1232 } as unknown as dns2.Packet.Resource);
  const ours = encode(p);
  const theirs = p.toBuffer();
  assert.ok(ours.equals(theirs), `${ours.toString('hex')}\n${theirs.toString('hex')}`);
  assert.equal(JSON.parse(JSON.stringify(Packet.parse(ours).answers)), JSON.parse(JSON.stringify(Packet.parse(theirs).answers)));
});

test('the re-framed decode equals dns2 Packet.parse on the same query', () => {
  for (const q of [query('www.example.com', 1), query('Mixed.Case.Example', 28, true), query('x', 255)]) {
    const shape = inspectQuery(q);
    assert.ok(!('invalid' in shape));
    if ('invalid' in shape) return;
    assert.equal(
      JSON.parse(JSON.stringify(decode(shape.canonical!, shape.edns !== undefined))),
      JSON.parse(JSON.stringify(Packet.parse(q))),
    );
  }
});

test('compressed questions and EDNS options are accepted and normalised', () => {
  // dig's COOKIE option, and a record whose owner name is a pointer back into the question.
  const q = query('example.com', 1);
  const withOpt = Buffer.concat([
    q.subarray(0, 10),
    Buffer.from([0, 1]),
    q.subarray(12),
    // OPT: root name, type 41, class 1232, ttl 0, rdlength 12 holding a COOKIE option of 8 bytes.
    Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 12, 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]),
  ]);
  const shape = inspectQuery(withOpt);
  assert.ok(!('invalid' in shape), JSON.stringify(shape));
  if ('invalid' in shape) return;
  assert.equal(shape.edns, { udpPayloadSize: 1232, version: 0 });
  const pointerToQuestion = Buffer.concat([
    q.subarray(0, 6),
    Buffer.from([0, 1]),
    q.subarray(8),
    Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]),
  ]);
  assert.ok(!('invalid' in inspectQuery(pointerToQuestion)));
});

test('malformed shapes are refused with a reason', () => {
  const q = query('www.example.com', 1);
  const cases: [string, Buffer][] = [
    ['shorter than a DNS header', q.subarray(0, 11)],
    ['header counts exceed the message', Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0x61, 0x62])],
    ['truncated question', q.subarray(0, q.length - 1)],
    ['compression pointer not to an earlier name', Buffer.concat([q.subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
    ['reserved label type', Buffer.concat([q.subarray(0, 12), Buffer.from([0x80, 0, 0, 1, 0, 1])])],
    ['trailing bytes after the last record', Buffer.concat([q, Buffer.from([0])])],
    ['QR=1: a response, not a query', Buffer.concat([q.subarray(0, 2), Buffer.from([0x81, 0]), q.subarray(4)])],
    [
      'name longer than 255 octets',
      Buffer.concat([
        q.subarray(0, 12),
        ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])),
        Buffer.from([0, 0, 1, 0, 1]),
      ]),
    ],
  ];
  for (const [reason, buf] of cases) assert.equal(inspectQuery(buf), { invalid: reason }, reason);
});

test('respond: UDP answers over the limit are truncated to the question with TC=1; TCP is not', () => {
  const big: Resolution = {
    rcode: 'NOERROR',
    authoritative: true,
    answers: Array.from({ length: 40 }, (_, i) => ({
      type: 'TXT' as const,
      strings: ['x'.repeat(30) + i],
      name: 'big.example.com.',
      ttl: 60,
    })),
    authorities: [],
  };
  const udp = respond(query('big.example.com', 16), 'udp', () => big);
  assert.ok('response' in udp);
  if (!('response' in udp)) return;
  assert.ok(udp.response.length <= 512);
  const parsed = Packet.parse(udp.response);
  assert.is(parsed.header.tc, 1);
  assert.is(parsed.questions[0]!.name, 'big.example.com');
  const withEdns = respond(query('big.example.com', 16, true), 'udp', () => big);
  assert.ok('response' in withEdns && Packet.parse(withEdns.response).header.tc === 0, 'EDNS 4096 lets it through');
  const tcp = respond(query('big.example.com', 16), 'tcp', () => big);
  assert.ok('response' in tcp && Packet.parse(tcp.response).answers.length === 40);
});

test('respond: a resolver that throws yields SERVFAIL, not a crash', () => {
  const reply = respond(query('x.example.com', 1), 'udp', () => {
    throw new Error('boom');
  });
  assert.ok('response' in reply);
  if ('response' in reply) assert.is(Packet.parse(reply.response).header.rcode, 2);
});

test.run();
