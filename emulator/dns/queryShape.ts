/**
 * Checks a DNS query's wire shape before anything decodes it, and re-frames it.
 *
 * dns2 3.0.0's decoder trusts the header counts: a 15-byte packet claiming 65,535 records makes it
 * throw and catch its way through every one, burning over a second of CPU while the whole process
 * (HTTP API included) waits (docs/dns.md, "Malformed queries"). So every length here is checked
 * against the bytes actually present, in one linear pass:
 * - a 12-byte header, QR=0, counts that the remaining bytes could possibly hold;
 * - names of labels ≤ 63 octets, ≤ 255 octets in all, compression pointers only to earlier
 *   offsets (so no loops), no reserved label types;
 * - every record's RDLENGTH inside the message, and nothing after the last record;
 * - at most one OPT record, owned by the root, whose options exactly fill its RDATA.
 *
 * A message that passes is re-framed as header + its one question (names decompressed) + an
 * OPT record without options: that canonical, bounded buffer is all dns2 ever decodes.
 */

export interface QueryShape {
  id: number;
  opcode: number;
  rd: number;
  qdcount: number;
  /** The question as labels, when qdcount is 1. */
  question?: { labels: Buffer[]; type: number; cls: number };
  edns?: { udpPayloadSize: number; version: number };
  /** Header + question + bare OPT, safe for dns2's Packet.parse (only when qdcount is 1). */
  canonical?: Buffer;
}

export const MAX_QUERY_BYTES = 4096;
const HEADER = 12;
const TYPE_OPT = 41;

/** The shape of a query, or a reason why it is not one (the packet is then dropped). */
export function inspectQuery(buf: Buffer): QueryShape | { invalid: string } {
  if (buf.length < HEADER) return { invalid: 'shorter than a DNS header' };
  if (buf.length > MAX_QUERY_BYTES) return { invalid: `longer than ${MAX_QUERY_BYTES} bytes` };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return { invalid: 'QR=1: a response, not a query' };
  const opcode = (flags >> 11) & 0xf;
  const rd = (flags >> 8) & 1;
  const qdcount = buf.readUInt16BE(4);
  const ancount = buf.readUInt16BE(6);
  const nscount = buf.readUInt16BE(8);
  const arcount = buf.readUInt16BE(10);
  // A question takes at least 5 bytes (root name + type + class), a record at least 11.
  if (qdcount * 5 + (ancount + nscount + arcount) * 11 > buf.length - HEADER) return { invalid: 'header counts exceed the message' };

  let offset = HEADER;
  let question: QueryShape['question'];
  for (let i = 0; i < qdcount; i++) {
    const name = readName(buf, offset);
    if ('invalid' in name) return name;
    offset = name.end;
    if (offset + 4 > buf.length) return { invalid: 'truncated question' };
    if (i === 0) question = { labels: name.labels, type: buf.readUInt16BE(offset), cls: buf.readUInt16BE(offset + 2) };
    offset += 4;
  }
  let edns: QueryShape['edns'];
  const records = ancount + nscount + arcount;
  for (let i = 0; i < records; i++) {
    const name = readName(buf, offset);
    if ('invalid' in name) return name;
    offset = name.end;
    if (offset + 10 > buf.length) return { invalid: 'truncated record header' };
    const type = buf.readUInt16BE(offset);
    const cls = buf.readUInt16BE(offset + 2);
    const ttl = buf.readUInt32BE(offset + 4);
    const rdlength = buf.readUInt16BE(offset + 8);
    offset += 10;
    if (offset + rdlength > buf.length) return { invalid: 'RDLENGTH beyond the message' };
    if (type === TYPE_OPT) {
      if (i < ancount + nscount || edns || name.labels.length > 0) return { invalid: 'misplaced or repeated OPT record' };
      for (let o = offset; o < offset + rdlength; ) {
        if (o + 4 > offset + rdlength) return { invalid: 'truncated EDNS option' };
        o += 4 + buf.readUInt16BE(o + 2);
        if (o > offset + rdlength) return { invalid: 'EDNS option beyond its record' };
      }
      edns = { udpPayloadSize: cls, version: (ttl >>> 16) & 0xff };
    }
    offset += rdlength;
  }
  if (offset !== buf.length) return { invalid: 'trailing bytes after the last record' };

  const shape: QueryShape = { id, opcode, rd, qdcount, question, edns };
  if (qdcount === 1 && question) shape.canonical = canonical(buf, question, edns);
  return shape;
}

function readName(buf: Buffer, start: number): { labels: Buffer[]; end: number } | { invalid: string } {
  const labels: Buffer[] = [];
  let offset = start;
  let end = -1;
  let octets = 1;
  // Each pointer must go strictly backwards from the name that uses it, so chains end.
  let limit = start;
  for (;;) {
    if (offset >= buf.length) return { invalid: 'name runs past the message' };
    const len = buf[offset]!;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= buf.length) return { invalid: 'truncated compression pointer' };
      const target = ((len & 0x3f) << 8) | buf[offset + 1]!;
      if (end < 0) end = offset + 2;
      if (target < HEADER || target >= limit) return { invalid: 'compression pointer not to an earlier name' };
      limit = target;
      offset = target;
      continue;
    }
    if (len & 0xc0) return { invalid: 'reserved label type' };
    if (len === 0) {
      if (end < 0) end = offset + 1;
      return { labels, end };
    }
    octets += len + 1;
    if (octets > 255) return { invalid: 'name longer than 255 octets' };
    if (offset + 1 + len > buf.length) return { invalid: 'label runs past the message' };
    labels.push(buf.subarray(offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
}

function canonical(buf: Buffer, q: NonNullable<QueryShape['question']>, edns: QueryShape['edns']): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(HEADER);
  buf.copy(header, 0, 0, 4);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(edns ? 1 : 0, 10);
  parts.push(header);
  for (const label of q.labels) parts.push(Buffer.from([label.length]), label);
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(q.type, 1);
  tail.writeUInt16BE(q.cls, 3);
  parts.push(tail);
  if (edns) {
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(TYPE_OPT, 1);
    opt.writeUInt16BE(edns.udpPayloadSize, 3);
    opt.writeUInt32BE((edns.version & 0xff) << 16, 5);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}
