import { randomUUID } from 'node:crypto';
import { ServiceError } from '../protocol/ServiceError.ts';
import { ACCOUNT_ID, type EmulatorRequest, type EmulatorResponse, type RawRoute } from '../types.ts';
import type { LambdaApi } from './api.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import type { FunctionRecord, UrlConfigRecord } from './LambdaStore.ts';

/** `<url-id>.lambda-url.<region>.<anything>`, port and trailing dot tolerated. */
const HOST_RE = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.[^:]*?\.?(:\d+)?$/;

/**
 * Function URLs' data plane as a raw route: a request to a function URL's host becomes a
 * payload format 2.0 event and is invoked through LambdaApi (the same path as Invoke, faults
 * included). `AWS_IAM` URLs refuse unsigned requests with 403 (signatures are not verified, as
 * elsewhere in the emulator). CORS settings are stored, not applied.
 */
export function functionUrlRoute(backend: LambdaBackend, lambda: () => LambdaApi): RawRoute {
  const find = (req: EmulatorRequest): { fn: FunctionRecord; config: UrlConfigRecord; host: string } | undefined => {
    const host = (req.headers['host'] ?? '').toLowerCase();
    const m = HOST_RE.exec(host);
    if (!m) return undefined;
    for (const fn of backend.store.region(m[2]!).functions.values()) {
      for (const config of fn.urlConfigs.values()) if (config.urlId === m[1]) return { fn, config, host: host.replace(/(:\d+)$/, '') };
    }
    return undefined;
  };
  return {
    name: 'lambda function url',
    matches: (req) => HOST_RE.test((req.headers['host'] ?? '').toLowerCase()),
    async handle(req, signal) {
      const target = find(req);
      if (!target) return json(404, { Message: null });
      if (target.config.authType === 'AWS_IAM' && !req.headers['authorization']) return json(403, { Message: 'Forbidden' });
      const requestId = randomUUID();
      const event = urlEvent(req, target.config, target.host, requestId, backend.runtime.clock.now());
      try {
        const result = await lambda().invoke({
          region: target.fn.region,
          functionName: target.fn.name,
          qualifier: target.config.qualifier,
          payload: JSON.stringify(event),
          signal,
        });
        if (result.functionError) return json(502, { Message: 'Internal Server Error' }, requestId);
        return urlResponse(result.payload, requestId);
      } catch (err) {
        if (err instanceof ServiceError && err.status === 429) return json(429, { Message: 'Rate Exceeded.' }, requestId);
        if (err instanceof ServiceError) return json(502, { Message: 'Internal Server Error' }, requestId);
        throw err;
      }
    },
  };
}

/** The request as a function URL hands it to the function (payload format 2.0). */
function urlEvent(req: EmulatorRequest, config: UrlConfigRecord, host: string, requestId: string, now: number): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k !== 'cookie') headers[k] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of req.query) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const text = req.body.toString('utf8');
  const binary = req.body.length > 0 && Buffer.compare(Buffer.from(text, 'utf8'), req.body) !== 0;
  const cookies = req.headers['cookie']?.split(/;\s*/).filter(Boolean);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.path,
    rawQueryString: req.query.toString(),
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: config.authType === 'AWS_IAM' ? ACCOUNT_ID : 'anonymous',
      apiId: config.urlId,
      domainName: host,
      domainPrefix: config.urlId,
      http: {
        method: req.method,
        path: req.path,
        protocol: 'HTTP/1.1',
        sourceIp: req.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now,
    },
    ...(req.body.length > 0 ? { body: binary ? req.body.toString('base64') : text } : {}),
    isBase64Encoded: binary,
  };
}

/**
 * The function's answer as HTTP: `{statusCode, headers, body, isBase64Encoded, cookies}` when it
 * has a statusCode; otherwise 200 with the returned JSON as the body (a returned string as is).
 */
function urlResponse(payload: Buffer, requestId: string): EmulatorResponse {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8') || 'null');
  } catch {
    return { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body: payload };
  }
  if (typeof value === 'object' && value !== null && 'statusCode' in value) {
    const r = value as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      body?: unknown;
      isBase64Encoded?: boolean;
      cookies?: unknown[];
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    // One Set-Cookie header only: the emulator's responses carry a single value per header name.
    if (Array.isArray(r.cookies) && r.cookies.length > 0) headers['set-cookie'] = r.cookies.map(String).join(', ');
    const body = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
    return { status: Number(r.statusCode) || 200, headers, body: r.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body) };
  }
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  return { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body: Buffer.from(body) };
}

function json(status: number, body: unknown, requestId = randomUUID()): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** `06/Dec/2026:12:00:00 +0000`, the request time format of function URL events. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
