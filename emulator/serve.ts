import { get } from 'node:http';
import { launchEmulator, type Emulator, type EmulatorOptions } from './index.ts';
import type { EmulationModel } from './model.ts';

/**
 * `engine serve`: the emulator alone, as `localstack start` runs it: HTTP on 4566 and DNS
 * (UDP and TCP) on 53 of 127.0.0.1, at real speed unless `timeScale` says otherwise.
 *
 * Writes to stderr: one startup line, machine-readable,
 *   `emulator ready: http://127.0.0.1:4566 dns 127.0.0.1:53 time-scale 1 services fis,lambda,...`
 * then one line per request (`08:30:01.123 fis StartExperiment 200 0.9ms`) and per emulator
 * event, and `emulator stopped` once SIGINT or SIGTERM has closed the servers.
 *
 * Never throws: a port that cannot be bound (EACCES, EADDRINUSE), a bad port or time scale
 * print one line naming the flag to change (`--port`, `--dns-port`, `--host`, `--time-scale`)
 * and set `process.exitCode = 2`; any other startup failure prints one line and sets 1. After a
 * clean stop the exit code is 0. A second signal while stopping exits at once with 130.
 *
 * @example
 * await serve({ port: 4566, dnsPort: 5353 });   // resolves after Ctrl-C
 */
export interface ServeOptions {
  /** HTTP port; default 4566. 0 picks a free one (the printed line shows which). */
  port?: number;
  /** DNS port (UDP and TCP); default 53, which needs root or CAP_NET_BIND_SERVICE. */
  dnsPort?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /**
   * Emulated seconds per wall second for health checks, FIS durations and stream polling; `idle`
   * for the idle-skipping clock, which engines running against this emulator share.
   */
  timeScale?: number | 'idle';
  /** Seed of the idle-skipping clock's random draws (health-checker phases, fault percentages). */
  seed?: number;
  /** Modelled AWS delays (`--emulate key=value`). */
  model?: Partial<EmulationModel>;
  /** Route 53 routing (`--emulate clientRegion=eu-central-1`, `clientCountry=DE` ...): where the DNS client is. */
  route53?: EmulatorOptions['route53'];
}

export const DEFAULT_HTTP_PORT = 4566;
export const DEFAULT_DNS_PORT = 53;

export async function serve(options: ServeOptions = {}): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_HTTP_PORT;
  const dnsPort = options.dnsPort ?? DEFAULT_DNS_PORT;
  const timeScale = options.timeScale ?? 1;
  const problem = checkOptions(port, dnsPort, timeScale);
  if (problem) return fail(problem);

  // Listening from the start, so that a Ctrl-C during startup stops cleanly once it is up.
  let onSignal: (sig: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (sig) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  let emu: Emulator;
  // Health requests until the ready line are not logged: the line's own listing of the services,
  // and a client polling for the start.
  let listing = true;
  const log = (line: string) => {
    if (!(listing && line.startsWith('health '))) writeLine(`${clock()} ${line}`);
  };
  try {
    // The HTTP server answers (health at once, services once loaded) before `ready`: a request
    // need not wait for this process to print its ready line.
    const launched = await launchEmulator({
      host,
      port,
      dnsPort,
      timeScale,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      log,
      dnsRealtime: true,
      ...(options.model ? { model: options.model } : {}),
      ...(options.route53 ? { route53: options.route53 } : {}),
    });
    emu = await launched.ready;
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return fail(bindErrorMessage(err, { host, port, dnsPort }), USER_ERRORS.includes(code) ? 2 : 1);
  }

  const services = await listServices(emu.endpoint);
  listing = false;
  writeLine(
    `emulator ready: ${emu.endpoint} dns ${formatHost(emu.dns.host)}:${emu.dns.port} ` +
      `${timeScale === 'idle' ? `clock ${emu.clock.describe()}` : `time-scale ${emu.timeScale}`} services ${services.join(',')}`,
  );

  // A load test's HTTP traffic must not delay DNS answers: say whether the OS agreed (docs/dns.md).
  void emu
    .dnsPriority()
    .then((p) => log(p.priority === 'realtime' ? 'dns thread: real-time priority' : `dns thread: normal priority (${p.reason})`));

  const signal = await stopRequested;
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  writeLine(`emulator stopping (${signal})`);
  await emu.stop();
  process.off('SIGINT', force);
  process.off('SIGTERM', force);
  writeLine('emulator stopped');
  process.exitCode = 0;
  // A service that leaves a handle open must not keep `engine serve` alive after Ctrl-C.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
}

function checkOptions(port: number, dnsPort: number, timeScale: number | 'idle'): string | undefined {
  const validPort = (p: number) => Number.isInteger(p) && p >= 0 && p <= 65535;
  if (!validPort(port)) return `invalid --port ${port}: use a port number from 0 to 65535 (0 picks a free one)`;
  if (!validPort(dnsPort)) return `invalid --dns-port ${dnsPort}: use a port number from 0 to 65535 (0 picks a free one)`;
  if (port === dnsPort && port !== 0) return `--port and --dns-port are both ${port}: DNS also listens on TCP, so they must differ`;
  if (timeScale !== 'idle' && !(Number.isFinite(timeScale) && timeScale > 0))
    return `invalid --time-scale ${timeScale}: use a number above 0 (1 = real time), or idle`;
  return undefined;
}

/**
 * One line saying which flag to change when a listen fails. The HTTP server listens first,
 * then DNS binds UDP (syscall `bind`) and TCP; the error's port tells them apart, since the
 * two ports must differ.
 */
export function bindErrorMessage(err: unknown, target: { host: string; port: number; dnsPort: number }): string {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  const isDns = e.syscall === 'bind' || (e.port !== undefined && e.port === target.dnsPort && e.port !== target.port);
  const isHttp = !isDns && e.port !== undefined && e.port === target.port;
  const what = isDns ? `DNS port ${e.port ?? target.dnsPort}` : isHttp ? `HTTP port ${e.port}` : undefined;
  const flag = isDns ? '--dns-port' : '--port';
  const example = isDns ? '--dns-port 5353' : '--port 4567';
  switch (e.code) {
    case 'EACCES':
      if (what) {
        return `cannot bind ${what} on ${target.host}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); choose another with ${flag}, e.g. ${example}`;
      }
      break;
    case 'EADDRINUSE':
      if (what) return `cannot bind ${what} on ${target.host}: it is already in use; choose another with ${flag}, e.g. ${example}`;
      break;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${target.host}: no such local address; choose another with --host, e.g. --host 127.0.0.1`;
  }
  const message = e instanceof Error ? e.message : String(err);
  return `the emulator failed to start: ${message.split('\n')[0]}`;
}

/** Listen failures the user fixes with a flag (exit 2, as for any usage error); others exit 1. */
const USER_ERRORS = ['EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'];

function fail(message: string, exitCode = 2): void {
  writeLine(`engine serve: ${message}`);
  process.exitCode = exitCode;
}

/** The services the health endpoint lists. node:http, not fetch: fetch would load undici (~10 MB, tens of ms). */
function listServices(endpoint: string): Promise<string[]> {
  return new Promise((resolve) => {
    const req = get(`${endpoint}/_localstack/health`, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve(Object.keys((JSON.parse(text) as { services?: Record<string, string> }).services ?? {}));
        } catch {
          resolve([]);
        }
      });
    });
    req.on('error', () => resolve([]));
  });
}

function writeLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
