import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ACTIVITY_HEADER, ANSWER_SEQ_HEADER, AWS_NOW_HEADER, CLOCK_PATH, type Clock } from './clock.ts';
import { answeredSession, serveClockRoute } from './clock/clockRoutes.ts';
import { IdleClock } from './clock/IdleClock.ts';
import { callerOf } from './clock/outbound.ts';
import type { Gateway } from './gateway.ts';
import { ServiceError } from './protocol/ServiceError.ts';
import type { EmulatorRequest } from './types.ts';

/** Largest request body accepted (Lambda zips arrive base64 in JSON: 50 MB zip ≈ 67 MB). */
export const MAX_BODY_BYTES = 80 * 1024 * 1024;

/**
 * node:http adapter around the gateway. Reads each body fully (bounded), turns a client that
 * goes away into an aborted signal, and never lets one request's failure reach the others. On
 * an idle-skipping clock it also serves the clock itself to other processes (clock/clockRoutes.ts).
 */
export function createGatewayServer(gateway: Gateway, clock?: Clock, replicationLagMs = 0): Server {
  const idle = clock instanceof IdleClock ? clock : undefined;
  const server = createServer((req, res) => {
    if (idle && req.url?.startsWith(CLOCK_PATH)) return serveClockRoute(idle, req, res);
    const done = track(server);
    // For a caller that takes part in the clock (it names its activity), stamped as the answer
    // leaves: a latency fault may have slept in between. An engine's session is woken by it.
    const caller = activityHeader(req);
    const stamp =
      idle && caller
        ? () => {
            res.setHeader(AWS_NOW_HEADER, String(idle.now()));
            const seq = answeredSession(caller);
            if (seq !== undefined) res.setHeader(ANSWER_SEQ_HEADER, String(seq));
          }
        : () => {};
    if (!clock) return void serve(gateway, req, res, stamp).finally(done);
    void clock
      .activity(
        `http ${req.method} ${req.url}`,
        async () => {
          const lag = crossRegion(req) ? replicationLagMs : 0;
          if (lag > 0) await clock.sleep(lag);
          await serve(gateway, req, res, stamp);
        },
        requestParent(req),
      )
      .finally(done);
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

const inFlight = new WeakMap<Server, { count: number; waiters: Array<() => void> }>();

/**
 * Counts a request as in flight until its handler has finished, even when its client went away
 * first (the handler still carries the request out, as AWS does); the returned function ends it.
 */
function track(server: Server): () => void {
  const state = inFlight.get(server) ?? { count: 0, waiters: [] };
  inFlight.set(server, state);
  state.count++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--state.count > 0) return;
    for (const wake of state.waiters.splice(0)) wake();
  };
}

/**
 * Resolves once no request is being served: what a client aborted is still carried out, as on
 * AWS, so a test of a crash mid-call waits for it before it rolls back. Bytes a client already
 * wrote may not have become a request yet: the count must stay at zero across two turns of the
 * event loop (each with a poll phase) before it counts as settled.
 */
export async function requestsSettled(server: Server): Promise<void> {
  for (;;) {
    for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    const state = inFlight.get(server);
    if (!state || state.count === 0) return;
    await new Promise<void>((resolve) => state.waiters.push(resolve));
  }
}

async function serve(gateway: Gateway, req: IncomingMessage, res: ServerResponse, stamp: () => void): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  try {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: body === 'too-large' ? Buffer.alloc(0) : body,
      remoteAddress: req.socket.remoteAddress,
    };
    if (body === 'too-large') {
      const tooLarge = new ServiceError('RequestEntityTooLargeException', `Request body exceeds ${MAX_BODY_BYTES} bytes`, { status: 413 });
      const response = await gateway.reject(request, tooLarge);
      const payload = Buffer.from(response.body);
      stamp();
      res.writeHead(response.status, { ...response.headers, connection: 'close', 'content-length': String(payload.length) });
      res.end(payload);
      req.destroy();
      return;
    }
    const response = await gateway.handle(request, controller.signal);
    if (res.destroyed) return;
    stamp();
    const payload = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    res.writeHead(response.status, { ...response.headers, 'content-length': String(payload.length) });
    res.end(payload);
  } catch (err) {
    if (!res.headersSent && !res.destroyed) {
      stamp();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Internal emulator error: ${(err as Error).message}` }));
    } else res.destroy();
  }
}

/**
 * The activity a request works for: the `x-fe-activity` header (fetch), a Lambda sandbox's
 * session token (`lambda:REGION:NAME`, the function's oldest running invocation), or the
 * in-process caller whose socket this is (node:http). Undefined: a root activity.
 */
function requestParent(req: IncomingMessage): string | undefined {
  const header = activityHeader(req);
  if (header) return header;
  const token = req.headers['x-amz-security-token'];
  if (typeof token === 'string' && token.startsWith('lambda:')) return `name:${token}`;
  return callerOf(req.socket.remotePort);
}

/** The header's first activity: fetch's hook adds the caller's own after one a client set itself (`a, b`). */
function activityHeader(req: IncomingMessage): string | undefined {
  const header = req.headers[ACTIVITY_HEADER];
  return typeof header === 'string' ? header.split(',')[0]!.trim() : undefined;
}

/**
 * A call from a Lambda function (its session token `lambda:REGION:NAME`) signed for another
 * region: the cross-region leg of a replication, delayed by the modelled replication lag.
 */
function crossRegion(req: IncomingMessage): boolean {
  const token = req.headers['x-amz-security-token'];
  if (typeof token !== 'string' || !token.startsWith('lambda:')) return false;
  const from = token.split(':')[1];
  const to = /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
  return to !== undefined && from !== to;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return resolve('too-large');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}
