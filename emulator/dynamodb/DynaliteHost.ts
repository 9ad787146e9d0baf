import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ServiceError } from '../protocol/ServiceError.ts';
import { ACCOUNT_ID } from '../types.ts';

/** dynalite's own request cap (`index.js` MAX_REQUEST_BYTES); beyond it dynalite answers an empty 413. */
export const DYNALITE_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Distinct regions that may each get a dynalite: more than AWS has, few enough to bound threads. */
export const MAX_REGIONS = 40;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A reply from dynalite, relayed as is unless an interceptor rewrites it. */
export interface DynaliteReply {
  status: number;
  /** dynalite's `x-amz-crc32`, valid for `body` exactly as received. */
  crc32?: string;
  body: Buffer;
}

export interface DynaliteHostOptions {
  /** Wall-clock bound on one call to dynalite; a hung dynalite must not hang the caller forever. */
  timeoutMs?: number;
  /** Heap bound of each worker: running out kills that region's worker, not the emulator. */
  maxHeapMb?: number;
  /** Called when a region's worker dies and its tables are lost (so stream state can follow). */
  onRegionLost?: (region: string) => void;
  log?: (line: string) => void;
}

interface RegionWorker {
  worker: Worker;
  port: Promise<number>;
  stopping: boolean;
}

const INTERNAL = () => new ServiceError('InternalServerError', 'Internal server error', { status: 500, senderFault: false });

/**
 * One dynalite per region, each in its own worker thread, reached over loopback HTTP with
 * complete bodies only.
 *
 * Why a worker (docs/fidelity/dynamodb.md, "How dynalite runs"): dynalite rethrows request-stream
 * errors and storage errors from event handlers, which in-process would end the emulator; it
 * recurses per nesting level; and a large Scan runs on its thread. Measured on this machine, a
 * worker costs ~65 ms to start and nothing in throughput (PutItem 4.4k vs 4.8k ops/s, GetItem 9.5k
 * vs 8.4k ops/s over loopback HTTP, 16 concurrent), so isolation is free where it matters.
 */
export class DynaliteHost {
  private readonly workers = new Map<string, RegionWorker>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;

  constructor(private readonly options: DynaliteHostOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxHeapMb = options.maxHeapMb ?? 1024;
  }

  /**
   * Whether `region` is a region name whose dynalite has not started: it has no tables, and
   * asking it to list them need not start a thread.
   */
  unstarted(region: string): boolean {
    return REGION_PATTERN.test(region) && !this.workers.has(region);
  }

  /** Regions whose dynalite is running. */
  regions(): string[] {
    return [...this.workers.keys()];
  }

  /** The loopback port of a region's dynalite, starting it on first use. */
  async port(region: string): Promise<number> {
    return this.ensure(region).port;
  }

  /**
   * POSTs one DynamoDB operation to the region's dynalite. `body` goes out whole, never
   * streamed and never aborted mid-way (a half-sent body is what crashes dynalite).
   */
  async call(region: string, operation: string, body: Buffer | Record<string, unknown>): Promise<DynaliteReply> {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    if (payload.length > DYNALITE_MAX_REQUEST_BYTES) {
      throw new ServiceError('RequestEntityTooLargeException', `Request body exceeds ${DYNALITE_MAX_REQUEST_BYTES} bytes`, {
        status: 413,
      });
    }
    const entry = this.ensure(region);
    let port: number;
    try {
      port = await entry.port;
    } catch {
      throw INTERNAL();
    }
    return new Promise<DynaliteReply>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': payload.length,
            'x-amz-target': `DynamoDB_20120810.${operation}`,
            // dynalite insists on a SigV4-shaped header but, like the gateway, never checks it.
            authorization: `AWS4-HMAC-SHA256 Credential=emulator/20120810/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
            'x-amz-date': '20120810T000000Z',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            const crc = res.headers['x-amz-crc32'];
            resolve({ status: res.statusCode ?? 500, crc32: typeof crc === 'string' ? crc : undefined, body: Buffer.concat(chunks) });
          });
          res.on('error', () => {
            clearTimeout(timer);
            reject(INTERNAL());
          });
        },
      );
      const timer = setTimeout(() => {
        this.options.log?.(`dynamodb ${region} ${operation}: dynalite did not answer within ${this.timeoutMs} ms`);
        req.destroy(new Error('dynalite timeout'));
      }, this.timeoutMs);
      timer.unref();
      req.on('error', () => {
        clearTimeout(timer);
        reject(INTERNAL());
      });
      req.end(payload);
    });
  }

  /** Stops every worker; their tables are gone. The next call starts fresh ones. */
  async reset(): Promise<void> {
    const entries = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(entries.map((e) => this.terminate(e)));
  }

  async stop(): Promise<void> {
    await this.reset();
    this.agent.destroy();
  }

  private ensure(region: string): RegionWorker {
    const existing = this.workers.get(region);
    if (existing) return existing;
    // Every signed region would otherwise cost a thread: accept region-shaped names, boundedly.
    if (!REGION_PATTERN.test(region) || this.workers.size >= MAX_REGIONS) {
      throw new ServiceError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `, {
        status: 400,
        extra: { __type: 'com.amazon.coral.service#InvalidSignatureException' },
      });
    }
    const worker = new Worker(new URL('./dynaliteWorker.cjs', import.meta.url), {
      workerData: { dynalitePath: this.dynalitePath },
      // dynalite reads its ARNs' region and account from the environment (`db/index.js`).
      env: { ...process.env, AWS_REGION: region, AWS_ACCOUNT_ID: ACCOUNT_ID },
      // The worker is plain CommonJS: no TypeScript loader, no inherited `--import tsx`.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    });
    worker.unref();
    const entry: RegionWorker = { worker, stopping: false, port: Promise.resolve(0) };
    entry.port = new Promise<number>((resolve, reject) => {
      worker.on('message', (message: { type: string; port?: number; message?: string }) => {
        if (message.type === 'listening' && message.port) resolve(message.port);
        else if (message.type === 'fault')
          this.options.log?.(`dynamodb ${region}: dynalite fault contained in its worker: ${message.message}`);
      });
      worker.on('error', (err) => {
        this.options.log?.(`dynamodb ${region}: dynalite worker failed: ${err.stack ?? err}`);
        reject(err);
      });
      worker.on('exit', (code) => {
        reject(new Error(`dynalite worker exited with code ${code}`));
        if (this.workers.get(region) === entry) this.workers.delete(region);
        if (!entry.stopping) {
          this.options.log?.(`dynamodb ${region}: dynalite worker exited (code ${code}); the region's tables are lost`);
          this.options.onRegionLost?.(region);
        }
      });
    });
    // A start failure surfaces through call(); keep it from being an unhandled rejection meanwhile.
    entry.port.catch(() => {});
    this.workers.set(region, entry);
    return entry;
  }

  private async terminate(entry: RegionWorker): Promise<void> {
    entry.stopping = true;
    await entry.worker.terminate();
  }
}
