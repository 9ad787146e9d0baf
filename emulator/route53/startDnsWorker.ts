import { Worker } from 'node:worker_threads';
import type { ReplicaLink } from './ReplicaFeed.ts';
import type { DnsWorkerData, DnsWorkerMessage } from './dnsWorker.ts';
import { dnsWorkerScript } from './dnsWorkerScript.ts';
import { ANSWERED, DROPPED } from '../dns/counters.ts';
import type { DnsServerHandle } from '../dns/server.ts';
import type { ThreadPriority } from '../dns/threadPriority.ts';

/**
 * Starts the DNS server in a worker thread of its own (docs/dns.md) and resolves once it
 * listens. A bind failure rejects with an error carrying the socket error's `code`, `syscall`
 * and `port`, as binding in this thread would. `close()` closes the sockets and ends the
 * thread; nothing of it is left running.
 */
export interface DnsWorkerOptions {
  host: string;
  port: number;
  log(line: string): void;
  /** Route 53's replica feed, attached for this worker. */
  link: ReplicaLink;
  /** Ask the OS to schedule the thread at real-time priority (dns/threadPriority.ts). */
  realtime?: boolean;
}

/** The DNS thread's handle, plus how the OS schedules the thread. */
export interface DnsWorkerHandle extends DnsServerHandle {
  /** Resolves once the thread asked for its priority (at once with `normal` when not asked). */
  priority(): Promise<ThreadPriority>;
}

export async function startDnsWorker(options: DnsWorkerOptions): Promise<DnsWorkerHandle> {
  const counters = new SharedArrayBuffer(8);
  const data: DnsWorkerData = { host: options.host, port: options.port, link: options.link, counters, realtime: options.realtime === true };
  const worker = new Worker(await dnsWorkerScript(), {
    eval: true,
    // The script is one self-contained CommonJS bundle: it needs none of the parent's flags, and
    // inheriting them would break it (`--input-type=module` would make it a module; a V8 flag
    // such as `--max-semi-space-size` is refused in a worker and the emulator would not start).
    execArgv: [],
    workerData: data,
    transferList: [options.link.port],
    name: 'dns',
  });
  let closed: (() => void) | undefined;
  let prioritized: (p: ThreadPriority) => void = () => {};
  const priority = options.realtime
    ? new Promise<ThreadPriority>((resolve) => (prioritized = resolve))
    : Promise.resolve<ThreadPriority>({ priority: 'normal', reason: 'not asked' });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => prioritized({ priority: 'normal', reason: 'the thread ended first' }));
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('error', (err) => {
      reject(err);
      options.log(`dns worker failed: ${err.message}`);
    });
    worker.once('exit', (code) => reject(new Error(`the DNS worker exited (code ${code}) before listening`)));
    worker.on('message', (message: DnsWorkerMessage) => {
      if (message.type === 'listening') resolve(message.port);
      else if (message.type === 'failed') reject(Object.assign(new Error(message.error.message), message.error));
      else if (message.type === 'log') options.log(message.line);
      else if (message.type === 'priority') prioritized(message);
      else if (message.type === 'closed') closed?.();
    });
  });
  const view = new Uint32Array(counters);
  return {
    host: options.host,
    port,
    stats: () => ({ answered: Atomics.load(view, ANSWERED), dropped: Atomics.load(view, DROPPED) }),
    priority: () => priority,
    async close() {
      const done = new Promise<void>((resolve) => {
        closed = resolve;
      });
      worker.postMessage({ type: 'close' });
      // The worker closes its sockets, says so and ends; a worker that does not is ended.
      await Promise.race([done, exited]);
      await worker.terminate();
      await exited;
    },
  };
}
