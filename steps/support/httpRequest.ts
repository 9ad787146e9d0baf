import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ACTIVITY_HEADER, type Target } from '../../engine/types.ts';
import { resolveName, type ResolveVia, type ResolvedName } from './targetDns.ts';

/**
 * HTTP requests whose host name is resolved through the target's DNS ({@link resolveName}),
 * the way the tutorial's dns-resolver.py + `requests` reach whichever region Route 53 points
 * at. The connection goes to the resolved address while the URL's host name stays the Host
 * header (and the TLS server name for https), so API Gateway routes by
 * `<apiId>.execute-api.…` exactly as it does for a real client.
 */
export interface HttpRequestOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  via?: ResolveVia;
  signal?: AbortSignal;
  /** The URL host already resolved (skips the DNS queries). */
  resolved?: ResolvedName;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** How the URL's host name resolved (CNAME chain, address). */
  resolved: ResolvedName;
}

/** Largest response body kept; the drill's responses are a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function sendHttpRequest(target: Target, options: HttpRequestOptions): Promise<HttpResponse> {
  const url = new URL(options.url);
  const resolved = options.resolved ?? (await resolveName(target, url.hostname.replace(/^\[|\]$/g, ''), options.signal, options.via));
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: resolved.address, family: resolved.family }]);
    else callback(null, resolved.address, resolved.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  // The activity this request is made in, for the emulator (API Gateway's port), whose clock
  // this run may share (engine/RemoteIdleClock.ts); no other host gets the header.
  const activity = url.port !== '' && Number(url.port) === target.values.port ? target.clock?.activityId() : undefined;
  if (activity) headers[ACTIVITY_HEADER] = activity;
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = transport.request(
      url,
      { method: options.method ?? 'GET', headers, lookup, signal: options.signal, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [key, value] of Object.entries(response.headers)) {
            if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: response.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8'), resolved });
        });
      },
    );
    request.on('error', (error) => reject(options.signal?.aborted ? options.signal.reason : error));
    request.end(options.body);
  });
}
