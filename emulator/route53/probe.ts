import { STATUS_CODES, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP } from 'node:net';
import type { Clock } from '../clock.ts';
import { boundWork, HANG_AFTER_WALL_MS } from '../clock/boundWork.ts';
import type { HealthCheckConfig } from './types.ts';

/**
 * One Route 53 health-check request, with AWS's pass rules (docs/fidelity/route53-routing.md,
 * "Health checks"):
 * - HTTP(S): TCP connect within 4 s, then a status 200 ≤ code < 400 within 2 s; redirects
 *   are not followed; certificates are not validated (Route 53 does not);
 * - *_STR_MATCH: as HTTP(S), and SearchString must appear in the first 5,120 bytes of the
 *   body, received within 2 s of the status;
 * - TCP: connect within 10 s.
 * Timeouts are AWS time on the emulator clock; a hung endpoint (which keeps the idle-skipping
 * clock still) is cut off after 30 s of wall time, not sooner, so a slow machine is never a
 * failed probe (see boundWork). A probe never throws: every failure is a
 * `Failure: ...` result.
 */

export interface ProbeTarget {
  /** The address to connect to (IPAddress, or the FQDN resolved). */
  address: string;
  /** Sent as the Host header and as TLS SNI (when EnableSNI). */
  hostName?: string;
}

export interface ProbeResult {
  passed: boolean;
  /** `Success: HTTP Status Code 200, OK`, `Failure: HTTP Status Code 500, Internal Server Error`, ... */
  status: string;
}

export const CONNECT_TIMEOUT_MS = 4_000;
export const RESPONSE_TIMEOUT_MS = 2_000;
export const TCP_CONNECT_TIMEOUT_MS = 10_000;
export const SEARCH_WINDOW_BYTES = 5_120;
const USER_AGENT = 'Amazon-Route53-Health-Check-Service (ref failover-engine; report http://amzn.to/1vsZADi)';
const FIREWALL_HINT =
  'The endpoint or the internet connection is down, or requests are being blocked by your firewall. See https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-router-firewall-rules.html';

export function probe(config: HealthCheckConfig, target: ProbeTarget, signal: AbortSignal, clock: Clock): Promise<ProbeResult> {
  if (config.Type === 'TCP') return probeTcp(config, target, signal, clock);
  return probeHttp(config, target, signal, clock);
}

export function failure(reason: string): ProbeResult {
  return { passed: false, status: `Failure: ${reason}` };
}

function probeTcp(config: HealthCheckConfig, target: ProbeTarget, signal: AbortSignal, clock: Clock): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.address, port: config.Port ?? 80 });
    const done = (result: ProbeResult) => {
      disarm();
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const disarm = boundWork(
      clock,
      TCP_CONNECT_TIMEOUT_MS,
      () => done(failure(`Connection timed out. ${FIREWALL_HINT}`)),
      HANG_AFTER_WALL_MS,
    );
    const onAbort = () => done(failure('The health checker stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ passed: true, status: 'Success: TCP connection established' }));
    socket.once('error', (err) => done(connectError(err)));
  });
}

function probeHttp(config: HealthCheckConfig, target: ProbeTarget, signal: AbortSignal, clock: Clock): Promise<ProbeResult> {
  const secure = config.Type === 'HTTPS' || config.Type === 'HTTPS_STR_MATCH';
  const matchString = config.Type === 'HTTP_STR_MATCH' || config.Type === 'HTTPS_STR_MATCH' ? (config.SearchString ?? '') : undefined;
  const port = config.Port ?? (secure ? 443 : 80);
  const hostName = target.hostName ?? target.address;
  const defaultPort = secure ? 443 : 80;
  const hostHeader = (isIP(hostName) === 6 ? `[${hostName}]` : hostName) + (port === defaultPort ? '' : `:${port}`);

  return new Promise((resolve) => {
    let settled = false;
    let disarm = () => {};
    let req: ClientRequest | undefined;
    let res: IncomingMessage | undefined;
    const arm = (ms: number, reason: string) => {
      disarm();
      disarm = boundWork(clock, ms, () => done(failure(reason)), HANG_AFTER_WALL_MS);
    };
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      disarm();
      signal.removeEventListener('abort', onAbort);
      res?.destroy();
      req?.destroy();
      resolve(result);
    };
    const onAbort = () => done(failure('The health checker stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    arm(CONNECT_TIMEOUT_MS, `Connection timed out. ${FIREWALL_HINT}`);
    try {
      req = (secure ? httpsRequest : httpRequest)({
        host: target.address,
        port,
        path: config.ResourcePath || '/',
        method: 'GET',
        headers: { host: hostHeader, 'user-agent': USER_AGENT, accept: '*/*', connection: 'close' },
        agent: false,
        ...(secure ? { rejectUnauthorized: false, servername: config.EnableSNI !== false && !isIP(hostName) ? hostName : undefined } : {}),
      });
    } catch (err) {
      done(failure(`Invalid request: ${(err as Error).message}`));
      return;
    }
    req.once('socket', (socket) => {
      const onConnect = () =>
        arm(RESPONSE_TIMEOUT_MS, 'The endpoint did not return an HTTP status code within 2 seconds after connecting.');
      if (socket.connecting) socket.once(secure ? 'secureConnect' : 'connect', onConnect);
      else onConnect();
    });
    req.once('error', (err) => done(connectError(err)));
    req.once('response', (response) => {
      res = response;
      const code = response.statusCode ?? 0;
      const statusLine = `HTTP Status Code ${code}, ${STATUS_CODES[code] ?? response.statusMessage ?? ''}`.trimEnd();
      const passed = code >= 200 && code < 400;
      if (!passed || matchString === undefined) {
        done({ passed, status: `${passed ? 'Success' : 'Failure'}: ${statusLine}` });
        return;
      }
      arm(RESPONSE_TIMEOUT_MS, `${statusLine}. The response body was not received within 2 seconds.`);
      let body: Buffer = Buffer.alloc(0);
      const check = (final: boolean) => {
        const window = body.subarray(0, SEARCH_WINDOW_BYTES);
        if (window.includes(matchString))
          done({ passed: true, status: `Success: ${statusLine}. Search string found in the response body.` });
        else if (final || body.length >= SEARCH_WINDOW_BYTES) {
          done(failure(`${statusLine}. The search string was not found in the first ${SEARCH_WINDOW_BYTES} bytes of the response body.`));
        }
      };
      response.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]);
        check(false);
      });
      response.once('end', () => check(true));
      response.once('error', () => check(true));
    });
    req.end();
  });
}

function connectError(err: unknown): ProbeResult {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNREFUSED') return failure(`Connection refused. ${FIREWALL_HINT}`);
  if (code === 'ETIMEDOUT') return failure(`Connection timed out. ${FIREWALL_HINT}`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return failure('The connection was closed by the endpoint.');
  return failure(`${(err as Error)?.message ?? String(err)}`);
}
