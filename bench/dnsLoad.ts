import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { percentile } from './latency.ts';

/**
 * Pieces of `npm run bench -- dns`: a DNS client that measures query latency from a thread of
 * its own (so the load below cannot delay the measuring side), and an HTTP load that keeps a
 * fixed number of connections busy against the gateway.
 */

export interface DnsLatency {
  sent: number;
  answered: number;
  p50Ms: number;
  p99Ms: number;
  /** Every answered query's latency, ascending. */
  latencies: number[];
}

/** Percentiles of latency samples in milliseconds (of `sent` queries). */
export function summarize(latencies: number[], sent: number): DnsLatency {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { sent, answered: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), latencies: sorted };
}

/**
 * `rate` UDP queries per second for `seconds`, alternating `names`, from a worker thread; a
 * query without a reply within 2 s counts as unanswered. Plain JavaScript: the thread does not
 * load TypeScript. The thread asks for real-time priority as the DNS thread does (Linux, root),
 * so that what is measured is the server's delay, not the measuring client's wait for a core
 * (`clientPriority` says whether it got it).
 */
export async function measureDnsLatency(
  port: number,
  names: string[],
  rate: number,
  seconds: number,
): Promise<DnsLatency & { clientPriority: string }> {
  const worker = new Worker(LATENCY_CLIENT, { eval: true, workerData: { port, names, rate, seconds } });
  const result = await new Promise<{ sent: number; latencies: number[]; priority: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return { ...summarize(result.latencies, result.sent), clientPriority: result.priority };
}

const LATENCY_CLIENT = `
const { createSocket } = require('node:dgram');
const { parentPort, workerData } = require('node:worker_threads');
const { port, names, rate, seconds } = workerData;
let priority = 'normal';
try {
  const tid = require('node:fs').readlinkSync('/proc/thread-self').split('/').pop();
  require('node:child_process').execFileSync('chrt', ['--fifo', '--pid', '1', tid], { stdio: 'ignore' });
  priority = 'realtime';
} catch {}
const templates = names.map((name) => {
  const labels = name.split('.').filter(Boolean);
  const parts = [Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
});
const socket = createSocket('udp4');
const pending = new Map();
const latencies = [];
let sent = 0;
const total = Math.round(rate * seconds);
socket.on('message', (reply) => {
  const at = pending.get(reply.readUInt16BE(0));
  if (at === undefined) return;
  pending.delete(reply.readUInt16BE(0));
  latencies.push(performance.now() - at);
});
socket.bind(0, '127.0.0.1', () => {
  const started = performance.now();
  const tick = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      const message = Buffer.from(templates[sent % templates.length]);
      const id = sent % 65536;
      message.writeUInt16BE(id, 0);
      pending.set(id, performance.now());
      socket.send(message, port, '127.0.0.1');
    }
    if (sent >= total) {
      clearInterval(tick);
      setTimeout(() => {
        socket.close();
        parentPort.postMessage({ sent, latencies, priority });
      }, 2000);
    }
  }, 1);
});
`;

/**
 * Keeps `connections` keep-alive connections each sending GET `path` back to back until
 * `stop()` (or `maxRequests`). Returns a handle that reports the requests completed.
 */
export function httpLoad(port: number, path: string, connections: number, maxRequests: number): { stop(): Promise<number> } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let running = true;
  let done = 0;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      });
      req.on('error', () => resolve());
      req.end();
    });
  const loop = async () => {
    while (running && done < maxRequests) {
      await one();
      done++;
    }
  };
  const loops = Promise.all(Array.from({ length: connections }, loop));
  return {
    async stop() {
      running = false;
      await loops;
      agent.destroy();
      return done;
    },
  };
}
