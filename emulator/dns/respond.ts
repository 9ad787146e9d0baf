import dns2 from 'dns2';
import type { Answerer, QueryType, Rcode, Resolution } from './answer.ts';
import type { DnsRecord } from './records.ts';
import { ByteReader } from './ByteReader.ts';
import { ByteWriter } from './ByteWriter.ts';
import { inspectQuery } from './queryShape.ts';

const { Packet } = dns2;
type Resource = dns2.Packet.Resource;

/**
 * One DNS message in, one out: shape check (queryShape.ts) → dns2 decode of the re-framed
 * query → `answer(name, type)` → dns2 encode. Authoritative only: aa from the resolution,
 * ra=0, id/rd/question echoed. A query with EDNS gets an OPT back; over UDP the answer fits
 * 512 bytes (or the client's EDNS size, at most 4096) or comes back with TC=1 and only the
 * question, so the client retries over TCP. A packet that is not a well-formed query gets
 * no answer at all (`{ drop }`).
 */

export type { Answerer };

export type Reply = { response: Buffer } | { drop: string };

const RCODES: Record<Rcode, number> = { NOERROR: 0, NXDOMAIN: 3, SERVFAIL: 2, REFUSED: 5 };
const FORMERR = 1;
const NOTIMP = 4;
const CLASS_IN = 1;
const CLASS_ANY = 255;
const UDP_DEFAULT = 512;
const UDP_MAX = 4096;
const OUR_EDNS_PAYLOAD = 1232;

const TYPE_NAMES = new Map<number, QueryType>([
  [1, 'A'],
  [2, 'NS'],
  [5, 'CNAME'],
  [6, 'SOA'],
  [12, 'PTR'],
  [15, 'MX'],
  [16, 'TXT'],
  [28, 'AAAA'],
  [33, 'SRV'],
  [35, 'NAPTR'],
  [43, 'DS'],
  [44, 'SSHFP'],
  [52, 'TLSA'],
  [64, 'SVCB'],
  [65, 'HTTPS'],
  [99, 'SPF'],
  [255, 'ANY'],
  [257, 'CAA'],
]);
const TYPE_NUMBERS = new Map<string, number>([...TYPE_NAMES].map(([n, t]) => [t, n]));

export function respond(message: Buffer, transport: 'udp' | 'tcp', answer: Answerer): Reply {
  const shape = inspectQuery(message);
  if ('invalid' in shape) return { drop: shape.invalid };
  if (shape.opcode !== 0) return { response: headerOnly(shape.id, shape.opcode, shape.rd, NOTIMP) };
  if (shape.qdcount !== 1 || !shape.canonical) return { response: headerOnly(shape.id, shape.opcode, shape.rd, FORMERR) };

  const request = decode(shape.canonical, shape.edns !== undefined);
  const question = request.questions[0]!;
  const response = Packet.createResponseFromRequest(request);
  if (shape.edns) response.additionals.push({ ...Packet.Resource.EDNS([]), class: OUR_EDNS_PAYLOAD } as unknown as Resource);
  if (question.class !== CLASS_IN && question.class !== CLASS_ANY) {
    response.header.rcode = RCODES.REFUSED;
    return { response: encode(response) };
  }
  const qtype: QueryType = TYPE_NAMES.get(question.type) ?? `TYPE${question.type}`;
  let resolution: Resolution;
  try {
    resolution = answer(question.name, qtype);
  } catch {
    response.header.rcode = RCODES.SERVFAIL;
    return { response: encode(response) };
  }
  response.header.rcode = RCODES[resolution.rcode];
  response.header.aa = resolution.authoritative ? 1 : 0;
  response.answers = resolution.answers.map(toResource).filter((r): r is Resource => r !== undefined);
  response.authorities = resolution.authorities.map(toResource).filter((r): r is Resource => r !== undefined);

  let encoded: Buffer;
  try {
    encoded = encode(response);
  } catch {
    // A value dns2 refuses to encode (a label over 63 octets, ...): fail this answer only.
    response.answers = [];
    response.authorities = [];
    response.header.rcode = RCODES.SERVFAIL;
    encoded = encode(response);
  }
  const limit = shape.edns ? Math.min(Math.max(shape.edns.udpPayloadSize, UDP_DEFAULT), UDP_MAX) : UDP_DEFAULT;
  if ((transport === 'udp' && encoded.length > limit) || encoded.length > 65535) {
    response.answers = [];
    response.authorities = [];
    response.header.tc = 1;
    encoded = encode(response);
  }
  return { response: encoded };
}

/**
 * dns2's decoders over a re-framed query (header, one question, optionally a bare OPT),
 * reading through a ByteReader; the same result as Packet.parse, without its bit arrays.
 */
export function decode(canonical: Buffer, hasOpt: boolean): dns2.Packet {
  const reader = new ByteReader(canonical) as unknown as dns2.Packet.Reader;
  const packet = new Packet();
  packet.header = Packet.Header.parse(reader);
  packet.questions = [Packet.Question.parse(reader)];
  if (hasOpt) packet.additionals = [Packet.Resource.parse(reader)];
  return packet;
}

/** dns2's encoders writing into a ByteWriter (see there for why). */
export function encode(packet: dns2.Packet): Buffer {
  return (packet as unknown as { toBuffer(writer: ByteWriter): Buffer }).toBuffer(new ByteWriter());
}

function headerOnly(id: number, opcode: number, rd: number, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x8000 | (opcode << 11) | (rd << 8) | rcode, 2);
  return out;
}

function toResource(r: DnsRecord): Resource | undefined {
  const type = TYPE_NUMBERS.get(r.type);
  if (type === undefined) return undefined;
  const base = { name: r.name, type, class: CLASS_IN, ttl: r.ttl };
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return { ...base, address: r.address } as Resource;
    case 'CNAME':
    case 'PTR':
      return { ...base, domain: r.target } as Resource;
    case 'NS':
      return { ...base, ns: r.target } as Resource;
    case 'MX':
      return { ...base, exchange: r.exchange, priority: r.priority } as Resource;
    case 'TXT':
    case 'SPF':
      return { ...base, data: r.strings } as Resource;
    case 'SRV':
      return { ...base, priority: r.priority, weight: r.weight, port: r.port, target: r.target } as Resource;
    case 'CAA':
      return { ...base, flags: r.flags, tag: r.tag, value: r.value } as Resource;
    case 'SOA':
      return {
        ...base,
        primary: r.primary,
        admin: r.admin,
        serial: r.serial,
        refresh: r.refresh,
        retry: r.retry,
        expiration: r.expiration,
        minimum: r.minimum,
      } as Resource;
  }
}
