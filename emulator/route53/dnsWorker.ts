import { parentPort, workerData } from 'node:worker_threads';
import { Route53Replica } from './Route53Replica.ts';
import type { ReplicaLink } from './ReplicaFeed.ts';
import { cachedResponder } from '../dns/cachedResponder.ts';
import { respond } from '../dns/respond.ts';
import { startDnsServer } from '../dns/server.ts';
import { raiseThreadPriority, type ThreadPriority } from '../dns/threadPriority.ts';

/**
 * The DNS worker thread's entry (docs/dns.md): it owns the UDP and TCP sockets and answers
 * from a replica of Route 53 that the main thread keeps current, so a gateway saturated with
 * HTTP work cannot delay a DNS answer. Messages to the main thread: `listening` (with the
 * port), `failed` (a bind error, with its code), `log`, `priority` (after listening, when
 * asked to run at real-time priority), `closed`.
 */
export interface DnsWorkerData {
  host: string;
  port: number;
  link: ReplicaLink;
  /** Two Uint32 counters: answered, dropped. */
  counters: SharedArrayBuffer;
  /** Ask the OS to run this thread at real-time priority (threadPriority.ts). */
  realtime: boolean;
}

export type DnsWorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'failed'; error: { message: string; code?: string; syscall?: string; port?: number; address?: string } }
  | { type: 'log'; line: string }
  | ({ type: 'priority' } & ThreadPriority)
  | { type: 'closed' };

const parent = parentPort!;
const data = workerData as DnsWorkerData;
const send = (message: DnsWorkerMessage) => parent.postMessage(message);
const replica = new Route53Replica(data.link);
const answer = replica.answer.bind(replica);

async function main(): Promise<void> {
  const server = await startDnsServer({
    host: data.host,
    port: data.port,
    log: (line) => send({ type: 'log', line }),
    answer,
    respond: cachedResponder((message, transport) => respond(message, transport, answer), replica),
    counters: new Uint32Array(data.counters),
  });
  parent.on('message', async (message: { type: 'close' }) => {
    if (message.type !== 'close') return;
    await server.close();
    replica.close();
    send({ type: 'closed' });
    parent.close();
  });
  send({ type: 'listening', port: server.port });
  // After listening, not before: `chrt` takes a few ms to spawn and nothing waits for it.
  if (data.realtime) send({ type: 'priority', ...(await raiseThreadPriority()) });
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  send({ type: 'failed', error: { message: e.message, code: e.code, syscall: e.syscall, port: e.port, address: e.address } });
  replica.close();
  parent.close();
});
