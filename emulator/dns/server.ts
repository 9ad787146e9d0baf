import { createSocket, type RemoteInfo, type SocketOptions, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { createServer, isIP, isIPv6, type Server, type Socket } from 'node:net';
import type { Answerer } from './answer.ts';
import { respond, type Reply } from './respond.ts';
import { ANSWERED, DROPPED } from './counters.ts';

/**
 * The emulator's DNS server: authoritative answers from an answer function (Route 53's
 * resolver, wired in by the emulator), over UDP and TCP on the same port of the emulator's
 * host (loopback by default). Port 0 picks a port free for both. The emulator runs it in a
 * worker thread of its own (route53/dnsWorker.ts, docs/dns.md), so HTTP work never delays an answer.
 *
 * It runs its own dgram socket and net server and uses dns2 only to decode and encode messages,
 * after queryShape.ts has checked them: dns2's own servers decode first, and its decoder can spend
 * seconds on a malformed packet (docs/dns.md, "Malformed queries"). A peer (address and port) that
 * keeps sending garbage is ignored for the rest of a one-second window, and a TCP connection yields
 * to the event loop every few frames, so one bad client cannot starve the others.
 */
export interface DnsServerHandle {
  host: string;
  port: number;
  close(): Promise<void>;
  /** Counters since start: queries answered, packets dropped as malformed. */
  stats(): { answered: number; dropped: number };
}

export interface DnsServerOptions {
  host: string;
  port: number;
  log(line: string): void;
  /** Answers queries (the emulator passes Route 53's resolver). */
  answer: Answerer;
  /** Turns one message into its reply; default `respond` with `answer` (the worker adds a cache). */
  respond?: Responder;
  /** Where the counters live (shared with the main thread); [answered, dropped]. */
  counters?: Uint32Array;
}

export type Responder = (message: Buffer, transport: 'udp' | 'tcp') => Reply;

export { ANSWERED, DROPPED };

const BIND_ATTEMPTS = 20;
const UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
const TCP_IDLE_MS = 10_000;
const TCP_MAX_CONNECTIONS = 512;
const TCP_FRAMES_PER_TURN = 16;
const PENALTY_WINDOW_MS = 1_000;
const PENALTY_THRESHOLD = 50;

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServerHandle> {
  const answer = options.answer;
  const reply = options.respond ?? ((message: Buffer, transport: 'udp' | 'tcp') => respond(message, transport, answer));
  const counters = options.counters ?? new Uint32Array(2);
  const penalties = new PenaltyBox();
  const log = options.log;

  const onUdp = (udp: UdpSocket) => (message: Buffer, rinfo: RemoteInfo) => {
    if (penalties.blocked(rinfo)) return;
    const out = safeRespond(message, 'udp', reply);
    if ('drop' in out) {
      Atomics.add(counters, DROPPED, 1);
      penalties.strike(rinfo);
      return;
    }
    Atomics.add(counters, ANSWERED, 1);
    udp.send(out.response, rinfo.port, rinfo.address);
  };

  const sockets = new Set<Socket>();
  const onTcp = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveTcp(socket, reply, counters);
  };

  // A host name (`localhost`) is resolved once, so UDP and TCP bind the same address.
  const address = isIP(options.host) ? options.host : (await lookup(options.host)).address;
  const { udp, tcp, port } = await bindBoth(address, options.port, onUdp, onTcp);
  log(`dns listening on ${options.host}:${port} (udp, tcp)`);
  return {
    host: options.host,
    port,
    stats: () => ({ answered: Atomics.load(counters, ANSWERED), dropped: Atomics.load(counters, DROPPED) }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        let open = 2;
        const done = () => --open === 0 && resolve();
        udp.close(done);
        tcp.close(done);
      }),
  };
}

function safeRespond(message: Buffer, transport: 'udp' | 'tcp', reply: Responder): Reply {
  try {
    return reply(message, transport);
  } catch (err) {
    return { drop: `internal error: ${(err as Error)?.message ?? err}` };
  }
}

/** RFC 1035 §4.2.2 framing, RFC 7766 pipelining, answers in order, a bounded share of each turn. */
function serveTcp(socket: Socket, reply: Responder, counters: Uint32Array): void {
  let buffered: Buffer = Buffer.alloc(0);
  let busy = false;
  let peerEnded = false;
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('end', () => {
    peerEnded = true;
    if (!busy) finish();
  });
  const finish = () => {
    if (buffered.length > 0) socket.destroy();
    else socket.end();
  };
  const drain = () => {
    busy = false;
    for (let frames = 0; frames < TCP_FRAMES_PER_TURN; frames++) {
      if (buffered.length < 2) break;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const message = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      const out = safeRespond(message, 'tcp', reply);
      if ('drop' in out) {
        Atomics.add(counters, DROPPED, 1);
        socket.destroy();
        return;
      }
      Atomics.add(counters, ANSWERED, 1);
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(out.response.length);
      socket.write(Buffer.concat([prefix, out.response]));
    }
    if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      busy = true;
      socket.pause();
      setImmediate(() => {
        socket.resume();
        drain();
      });
    } else if (peerEnded) finish();
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length > 2 + 65535 + 65535) {
      socket.destroy();
      return;
    }
    if (!busy) drain();
  });
}

async function bindBoth(
  host: string,
  port: number,
  onUdp: (udp: UdpSocket) => (message: Buffer, rinfo: RemoteInfo) => void,
  onTcp: (socket: Socket) => void,
): Promise<{ udp: UdpSocket; tcp: Server; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (port === 0 ? BIND_ATTEMPTS : 1); attempt++) {
    // Replies go to the sender's address as the kernel gave it: an IP literal, never a name.
    // An identity lookup spares each send Node's default, which checks the literal and defers
    // the send by a tick.
    const family = isIPv6(host) ? 6 : 4;
    const lookup = (address: string, _family: unknown, done: (err: Error | null, address: string, family: number) => void) =>
      done(null, address, family);
    const udp = createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: lookup as unknown as SocketOptions['lookup'] });
    udp.on('message', onUdp(udp));
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    udp.on('error', () => {});
    try {
      // Room for a burst: a full receive buffer drops good queries along with the junk.
      udp.setRecvBufferSize(UDP_RECEIVE_BUFFER);
    } catch {
      // The OS may refuse the size; the default buffer still works.
    }
    const chosen = udp.address().port;
    const tcp = createServer({ allowHalfOpen: true }, onTcp);
    tcp.maxConnections = TCP_MAX_CONNECTIONS;
    try {
      // `host` must be passed explicitly: dns2's own listen() binds `::` with port 0.
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host, port: chosen }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      tcp.on('error', () => {});
      return { udp, tcp, port: chosen };
    } catch (err) {
      lastError = err;
      udp.close();
      if (port !== 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw lastError;
}

/** Peers that sent more than PENALTY_THRESHOLD malformed packets in a window are ignored until it ends. */
class PenaltyBox {
  private window = 0;
  private strikes = new Map<string, number>();

  blocked(peer: RemoteInfo): boolean {
    // No strikes at all (the common case): nothing to look up, no window to roll.
    if (this.strikes.size === 0) return false;
    this.roll();
    return (this.strikes.get(`${peer.address}:${peer.port}`) ?? 0) > PENALTY_THRESHOLD;
  }

  strike(peer: RemoteInfo): void {
    this.roll();
    const key = `${peer.address}:${peer.port}`;
    this.strikes.set(key, (this.strikes.get(key) ?? 0) + 1);
  }

  private roll(): void {
    const now = Math.floor(performance.now() / PENALTY_WINDOW_MS);
    if (now !== this.window) {
      this.window = now;
      this.strikes.clear();
    }
  }
}
