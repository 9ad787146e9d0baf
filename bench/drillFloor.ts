import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/**
 * A floor under the drill's wall time: the traffic of one idle-skipping run, counted from its
 * emulator log, replayed in bare Node with the same process layout and nothing else (no AWS SDK,
 * no API Gateway, no DynamoDB, no engine), one hop at a time, as the clock fires one timer at a
 * time: every HTTP request the gateway served (from a client in the same process; a DynamoDB one
 * also crosses to a worker thread and back), every invocation as a round trip to a child process
 * over a pipe, every cold start as a new Node process, every DNS query over UDP to a thread.
 * It is a lower bound: a handler's call to DynamoDB is replayed from the main process, not from
 * the sandbox. What the drill takes above it is the work of the emulator, the SDKs and the
 * engine; what it takes is what any emulator with real sockets, a process per Lambda sandbox
 * and threads for DNS and DynamoDB pays on this machine for this traffic.
 */
export interface DrillTraffic {
  /** HTTP requests the gateway served (every request line of the log). */
  requests: number;
  /** Of those, DynamoDB and DynamoDB Streams calls: each crosses to the region's thread. */
  databaseRequests: number;
  /** Lambda invocations (START lines): a round trip to a sandbox process each. */
  invocations: number;
  /** Cold starts (REPORT lines with an Init Duration): a new sandbox process each. */
  coldStarts: number;
  /** DNS queries answered (the emulator's last line). */
  dnsQueries: number;
}

const REQUEST_LINE = /^([a-z0-9]+) ([A-Za-z-]+) \d{3} /;

/** Counts the traffic of one run from its emulator log lines. */
export function countTraffic(lines: string[]): DrillTraffic {
  const t: DrillTraffic = { requests: 0, databaseRequests: 0, invocations: 0, coldStarts: 0, dnsQueries: 0 };
  for (const line of lines) {
    const request = REQUEST_LINE.exec(line);
    if (request) {
      t.requests++;
      if (request[1] === 'dynamodb' || request[1] === 'dynamodbstreams') t.databaseRequests++;
    } else if (/^lambda \S+ START RequestId/.test(line)) t.invocations++;
    else if (/^lambda \S+ REPORT .*Init Duration/.test(line)) t.coldStarts++;
    const dns = /^dns stopped: (\d+) queries answered/.exec(line);
    if (dns) t.dnsQueries = Number(dns[1]);
  }
  return t;
}

/** Wall time of each part of the replay, ms. */
export interface FloorResult {
  coldStartsMs: number;
  /** The same cold starts, each process also loading the handlers' SDK client. */
  coldStartsWithSdkMs: number;
  invocationsMs: number;
  requestsMs: number;
  dnsMs: number;
}

/** A worker thread that echoes messages (the hop to a region's DynamoDB) and UDP packets (DNS). */
const WORKER = `
const { parentPort } = require('node:worker_threads');
const socket = require('node:dgram').createSocket('udp4');
socket.on('message', (m, from) => socket.send(m, from.port, from.address));
socket.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: socket.address().port }));
parentPort.on('message', (m) => parentPort.postMessage(m));
`;

/** A sandbox: newline-delimited JSON on fd 3, each message answered at once. */
const SANDBOX = `
const channel = new (require('node:net').Socket)({ fd: 3 });
let buffered = '';
channel.on('data', (chunk) => {
  buffered += chunk;
  for (let i = buffered.indexOf('\\n'); i >= 0; i = buffered.indexOf('\\n')) {
    const m = JSON.parse(buffered.slice(0, i));
    buffered = buffered.slice(i + 1);
    channel.write(JSON.stringify({ id: m.id, body: '{"statusCode":200}' }) + '\\n');
  }
});
`;

class Floor {
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly waiting = new Map<number, (body: string) => void>();
  private nextId = 1;
  private port = 0;
  private dnsPort = 0;

  constructor(
    private readonly worker: Worker,
    private readonly server: http.Server,
    private readonly sandbox: ChildProcess,
    private readonly dnsSocket: dgram.Socket,
  ) {}

  static async start(): Promise<Floor> {
    const worker = new Worker(WORKER, { eval: true });
    const [{ port: dnsPort }] = (await once(worker, 'message')) as [{ port: number }];
    const dnsSocket = dgram.createSocket('udp4');
    dnsSocket.bind(0, '127.0.0.1');
    await once(dnsSocket, 'listening');
    const sandbox = spawn(process.execPath, ['-e', SANDBOX], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
    let floor: Floor | undefined;
    const server = http.createServer((req, res) => void floor!.serve(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    floor = new Floor(worker, server, sandbox, dnsSocket);
    floor.port = (server.address() as AddressInfo).port;
    floor.dnsPort = dnsPort;
    floor.readSandbox();
    return floor;
  }

  private readSandbox(): void {
    let buffered = '';
    const channel = this.sandbox.stdio[3] as NodeJS.ReadableStream;
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        const m = JSON.parse(buffered.slice(0, i)) as { id: number; body: string };
        buffered = buffered.slice(i + 1);
        this.waiting.get(m.id)?.(m.body);
        this.waiting.delete(m.id);
      }
    });
  }

  /** The gateway's part: read the body; `/db` crosses to the worker; `/invoke` asks the sandbox. */
  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/db') await this.hop(body);
    if (req.url === '/invoke') body = await this.invoke();
    res.setHeader('content-type', 'application/json');
    res.end(body || '{}');
  }

  private hop(message: string): Promise<unknown> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage(message);
    });
  }

  /** One round trip to the sandbox process. */
  invoke(): Promise<string> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.waiting.set(id, resolve);
      (this.sandbox.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify({ id })}\n`);
    });
  }

  request(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, path, method: 'POST', agent: this.agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end('{}');
    });
  }

  dns(): Promise<unknown> {
    return new Promise((resolve) => {
      this.dnsSocket.once('message', resolve);
      this.dnsSocket.send(Buffer.alloc(40), this.dnsPort, '127.0.0.1');
    });
  }

  async stop(): Promise<void> {
    this.sandbox.kill();
    this.agent.destroy();
    this.dnsSocket.close();
    this.server.close();
    await this.worker.terminate();
  }
}

/** Wall time of `count` runs of `fn`, one after the other, each followed by a turn of the event loop. */
async function timed(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await fn(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - t0;
}

/** A new Node process that runs `code` and exits. */
async function runNode(code: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  await once(child, 'exit');
}

/** Replays `traffic` in bare Node (see the top of this file). */
export async function measureFloor(traffic: DrillTraffic): Promise<FloorResult> {
  const floor = await Floor.start();
  try {
    await floor.request('/invoke'); // the sandbox is warm, as after its cold start
    await floor.dns();
    const plain = traffic.requests - traffic.databaseRequests;
    return {
      coldStartsMs: await timed(traffic.coldStarts, () => runNode('0')),
      coldStartsWithSdkMs: await timed(traffic.coldStarts, () => runNode("require('@aws-sdk/client-dynamodb')")),
      invocationsMs: await timed(traffic.invocations, () => floor.invoke()),
      requestsMs: (await timed(traffic.databaseRequests, () => floor.request('/db'))) + (await timed(plain, () => floor.request('/plain'))),
      dnsMs: await timed(traffic.dnsQueries, () => floor.dns()),
    };
  } finally {
    await floor.stop();
  }
}
