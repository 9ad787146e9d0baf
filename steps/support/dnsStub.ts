import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP, isIPv6 } from 'node:net';
import packet from 'dns-packet';

/**
 * A stub resolver's wire client: one question to one DNS server, as `dig @server -p port` asks
 * it. The engine queries the target's own DNS server this way (the emulator's, LocalStack's,
 * `engine serve`'s) for its steps and probes (docs/dns.md).
 *
 * One UDP socket per server serves every query of the process to it, multiplexed by message
 * id, so a poll loop costs a datagram each way and nothing else (no socket or resolver channel
 * per query). A reply counts only if it comes from the server asked, with the id and question
 * asked; a truncated reply (TC) is asked again over TCP, as stub resolvers do. Never rejects for
 * a DNS-level failure (it is the `status`); rejects with the signal's reason when it aborts.
 */
export interface StubServer {
  host: string;
  port: number;
}

export type StubRecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT';

export interface StubRecord {
  /** Owner name, lowercase, without the trailing dot. */
  name: string;
  type: string;
  ttl: number;
  /** Address, target name (lowercase, no trailing dot) or TXT strings joined. */
  value: string;
}

export interface StubReply {
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, `REFUSED`, ... or `TIMEOUT` when no reply came in time. */
  status: string;
  /** The answer section (every record, whatever its type: a CNAME chain comes with its A records). */
  answers: StubRecord[];
}

/**
 * Wall-time bound on one query, so a lost datagram cannot stall a poll loop (AWS time stands
 * still meanwhile). Within it the query is sent again at 20% and 60% of the bound (1 s and 3 s),
 * as stub resolvers retry: a reply to any of the sends answers it. A loaded machine may be slow
 * to answer; it is not a DNS failure until the whole bound has passed.
 */
export const STUB_TIMEOUT_MS = 5000;
const RESEND_AT = [0.2, 0.6];

interface Pending {
  key: string;
  question: string;
  settle(reply: StubReply | Decoded): void;
}

/** One connected UDP socket per server (`host:port`), unref'd: it never keeps the process alive. */
const sockets = new Map<string, Promise<Socket>>();
const pending = new Map<number, Pending>();
let nextId = Math.floor(Math.random() * 65536);

export interface StubOptions {
  signal?: AbortSignal;
  /** Wall-time bound for the reply (default STUB_TIMEOUT_MS). */
  timeoutMs?: number;
}

export async function stubQuery(asked: StubServer, name: string, type: StubRecordType, options: StubOptions = {}): Promise<StubReply> {
  const { signal, timeoutMs = STUB_TIMEOUT_MS } = options;
  signal?.throwIfAborted();
  let server = asked;
  if (!isIP(asked.host)) {
    try {
      server = { host: await addressOf(asked.host), port: asked.port };
    } catch {
      return { status: 'ERROR', answers: [] };
    }
  }
  const key = `${server.host}:${server.port}`;
  const question = `${normalizeName(name)} ${type}`;
  const id = freeId();
  const message = packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type, name: normalizeName(name) }] });
  const raw = await new Promise<StubReply | Decoded>((resolve, reject) => {
    const onAbort = () => finish(() => reject(signal!.reason));
    const timer = setTimeout(() => finish(() => resolve({ status: 'TIMEOUT', answers: [] })), timeoutMs);
    const send = () =>
      socketFor(server, key).then(
        (socket) => socket.send(message, (err) => err && pending.get(id)?.settle({ status: 'ERROR', answers: [] })),
        () => pending.get(id)?.settle({ status: 'ERROR', answers: [] }),
      );
    const resends = RESEND_AT.map((at) => setTimeout(send, timeoutMs * at));
    const finish = (then: () => void) => {
      clearTimeout(timer);
      for (const r of resends) clearTimeout(r);
      signal?.removeEventListener('abort', onAbort);
      pending.delete(id);
      then();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.set(id, { key, question, settle: (reply) => finish(() => resolve(reply)) });
    void send();
  });
  if (!('packet' in raw)) return raw;
  const { truncated, ...reply } = toReply(raw.packet);
  return truncated ? overTcp(server, message, signal, timeoutMs) : reply;
}

const addresses = new Map<string, Promise<string>>();

/** A server named by host name (`localstack` in a compose file) is asked at its address, looked up once. */
function addressOf(host: string): Promise<string> {
  let address = addresses.get(host);
  if (!address) {
    address = lookup(host).then((found) => found.address);
    address.catch(() => addresses.delete(host));
    addresses.set(host, address);
  }
  return address;
}

function freeId(): number {
  for (;;) {
    nextId = (nextId + 1) % 65536;
    if (!pending.has(nextId)) return nextId;
  }
}

/**
 * The server's socket, connected: the kernel then passes on only the server's datagrams, and a
 * closed port's ICMP error arrives as ECONNREFUSED, which answers every query waiting on it at
 * once (`CONNREFUSED`) instead of letting them time out.
 */
function socketFor(server: StubServer, key: string): Promise<Socket> {
  let socket = sockets.get(key);
  if (socket) return socket;
  const udp = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
  udp.on('message', (message) => onReply(key, message));
  udp.on('error', (err: NodeJS.ErrnoException) => {
    sockets.delete(key);
    udp.close();
    const status = err.code === 'ECONNREFUSED' ? 'CONNREFUSED' : 'ERROR';
    for (const waiting of [...pending.values()]) if (waiting.key === key) waiting.settle({ status, answers: [] });
  });
  udp.unref();
  socket = new Promise<Socket>((resolve, reject) => {
    udp.connect(server.port, server.host, () => resolve(udp));
    udp.once('error', reject);
  });
  socket.catch(() => sockets.delete(key));
  sockets.set(key, socket);
  return socket;
}

function onReply(key: string, message: Buffer): void {
  if (message.length < 12) return;
  const waiting = pending.get(message.readUInt16BE(0));
  if (!waiting || waiting.key !== key) return;
  let decoded: Decoded['packet'];
  try {
    decoded = packet.decode(message);
  } catch {
    return; // not a DNS message: keep waiting for the real reply
  }
  const q = decoded.questions?.[0];
  if (q && `${normalizeName(q.name)} ${q.type}` === waiting.question) waiting.settle({ packet: decoded });
}

/** A reply as dns-packet decodes it; it gives the rcode as a name (`NXDOMAIN`), which its types do not declare. */
interface Decoded {
  packet: packet.Packet & { rcode?: string };
}

function toReply(decoded: Decoded['packet']): StubReply & { truncated: boolean } {
  const answers: StubRecord[] = [];
  for (const a of decoded.answers ?? []) {
    const value = recordValue(a);
    if (value !== undefined) answers.push({ name: normalizeName(a.name), type: a.type, ttl: ('ttl' in a ? a.ttl : undefined) ?? 0, value });
  }
  return { status: decoded.rcode ?? 'NOERROR', answers, truncated: ((decoded.flags ?? 0) & packet.TRUNCATED_RESPONSE) !== 0 };
}

function recordValue(a: packet.Answer): string | undefined {
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return a.data;
    case 'CNAME':
      return normalizeName(a.data);
    case 'TXT': {
      const chunks = Array.isArray(a.data) ? a.data : [a.data];
      return chunks.map((c) => (Buffer.isBuffer(c) ? c.toString('utf8') : String(c))).join('');
    }
    default:
      return undefined;
  }
}

/** The same question over TCP (two-byte length prefix each way), for a reply too long for UDP. */
function overTcp(server: StubServer, message: Buffer, signal: AbortSignal | undefined, timeoutMs: number): Promise<StubReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    const chunks: Buffer[] = [];
    const done = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      settle();
    };
    const timer = setTimeout(() => done(() => resolve({ status: 'TIMEOUT', answers: [] })), timeoutMs);
    const onAbort = () => done(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => socket.write(Buffer.concat([lengthPrefix(message.length), message])));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length < 2 || all.length < 2 + all.readUInt16BE(0)) return;
      let reply: StubReply;
      try {
        const { status, answers } = toReply(packet.decode(all.subarray(2, 2 + all.readUInt16BE(0))));
        reply = { status, answers };
      } catch {
        reply = { status: 'ERROR', answers: [] };
      }
      done(() => resolve(reply));
    });
    socket.on('error', () => done(() => resolve({ status: 'ERROR', answers: [] })));
  });
}

function lengthPrefix(length: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(length);
  return b;
}

/** A name as compared: lowercase, without the trailing dot of a fully qualified name. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
