import { ACTIVITY_HEADER, createScaledClock, IdleClock } from '../emulator/clock.ts';
import { Agent as HttpAgent } from 'node:http';
import type { EmulationModel } from '../emulator/model.ts';
import type { RoutingSettings } from '../emulator/route53/routingSettings.ts';
import type * as EmulatorModule from '../emulator/index.ts';
import { ForwardingClock } from './ForwardingClock.ts';
import { RemoteTimeLink } from './RemoteTimeLink.ts';
import type { ClientConstructor, Clock, Target } from './types.ts';
import { TargetError, UsageError } from './errors.ts';

/**
 * Targets: where a workflow's AWS calls go. `embedded` starts this project's emulator
 * in-process (lazily: only when the run has a step that needs it), `endpoint` uses a running
 * LocalStack-compatible endpoint, `aws` the default credential chain.
 */

/**
 * The embedded target runs on the idle-skipping clock unless `--time-scale N` asks for a
 * watchable pace (N× wall time while everything waits). Either way real compute costs no AWS
 * time, so a drill's AWS-time figures do not depend on the machine or the scale (docs/clock.md).
 */
/** Target kinds, as `--target` accepts them. */
export const TargetKind = { EMBEDDED: 'embedded', ENDPOINT: 'endpoint', AWS: 'aws' } as const;
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind];

/** Options from the command line. */
export interface TargetOptions {
  kind?: TargetKind;
  endpoint?: string;
  /** `HOST:PORT` of the DNS server answering for the target's zones. */
  dns?: string;
  timeScale?: number;
  /** Seed of the embedded clock's random phases; default derived from the wall time. */
  seed?: number;
  /** Modelled AWS delays for the embedded emulator (`--emulate key=value`). */
  model?: Partial<EmulationModel>;
  /** Where the embedded emulator's DNS client is, for Route 53 routing (`--emulate clientRegion=...`). */
  route53?: Partial<RoutingSettings>;
  /** The embedded emulator's log: one line per request and event (the drill bench counts them). */
  log?: (line: string) => void;
}

/** A started target plus how to release it. */
export interface TargetSession {
  kind: TargetKind;
  /** The run's clock: the embedded emulator's own, or real time at the endpoint's scale. */
  clock?: Clock;
  /** The target, starting the embedded emulator on first call. */
  acquire(): Promise<Target>;
  /** A target usable without starting anything; `client()` throws (for runs without AWS steps). */
  idle(): Target;
  /** Plain description for the journal and reports. */
  describe(): Record<string, unknown>;
  /** Stops the embedded emulator if it was started. */
  close(): Promise<void>;
  /**
   * Learns an endpoint's clock before the run starts (its scale, or the idle-skipping clock of
   * `engine serve --time-scale idle`, whose AWS time the run then reads from its first record).
   * Acquiring does it too; nothing to do for the other targets.
   */
  prepareClock(): Promise<void>;
}

const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Validates command-line target options and returns a session. */
export function createTargetSession(options: TargetOptions = {}): TargetSession {
  const kind = targetKind(options);
  const dns = options.dns === undefined ? undefined : parseHostPort(options.dns);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new UsageError('--time-scale must be a positive number');
  const seed = options.seed ?? Date.now() % 100_000;
  const clock = sessionClock(kind, options, seed);

  let started: Promise<Target> | undefined;
  let stop: (() => Promise<void>) | undefined;
  let link: RemoteTimeLink | undefined;
  let description: Record<string, unknown> = {
    kind,
    timeScale,
    clock: clock.describe(),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(dns ? { dns } : {}),
  };

  let clockReady: Promise<number> | undefined;
  const prepareClock = (): Promise<number> =>
    (clockReady ??= useEndpointClock(options, clock).then((joined) => {
      link = joined.link;
      description = { ...description, timeScale: joined.scale, clock: clock.describe() };
      return joined.scale;
    }));

  const start = async (): Promise<Target> => {
    if (kind === TargetKind.AWS) return makeTarget(kind, undefined, undefined, 1, false, clock);
    if (kind === TargetKind.ENDPOINT) {
      const scale = await prepareClock();
      return makeTarget(kind, options.endpoint, dns, scale, true, clock);
    }
    const emulator = await startEmbedded(options, clock);
    stop = () => emulator.stop();
    description = {
      kind,
      timeScale: emulator.timeScale,
      clock: clock.describe(),
      seed,
      model: emulator.model,
      endpoint: emulator.endpoint,
      dns: emulator.dns,
    };
    return makeTarget(kind, emulator.endpoint, emulator.dns, emulator.timeScale, true, clock);
  };

  return {
    kind,
    clock,
    acquire: () => (started ??= start()),
    idle: () => ({
      kind,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(dns ? { dns } : {}),
      timeScale,
      clock,
      client() {
        throw new TargetError('this run did not prepare a target: no step declared that it needs AWS (needsTarget)');
      },
      values: { kind, timeScale, ...(options.endpoint ? { endpoint: options.endpoint } : {}) },
    }),
    describe: () => description,
    prepareClock: async () => {
      if (kind === TargetKind.ENDPOINT) await prepareClock();
    },
    close: async () => {
      // An emulator still starting (abortNow during acquire) is stopped once it is up.
      if (started) await started.catch(() => undefined);
      link?.close();
      const s = stop;
      stop = undefined;
      if (s) await s();
    },
  };
}

/** The target kind the options ask for; throws UsageError on a contradiction (`--endpoint` with `--target aws`, ...). */
function targetKind(options: TargetOptions): TargetKind {
  const kind: TargetKind = options.kind ?? (options.endpoint ? TargetKind.ENDPOINT : TargetKind.EMBEDDED);
  if (!Object.values(TargetKind).includes(kind)) throw new UsageError(`--target must be embedded, endpoint or aws, got '${String(kind)}'`);
  if (options.endpoint && kind !== TargetKind.ENDPOINT) throw new UsageError(`--endpoint cannot be combined with --target ${kind}`);
  if (kind === TargetKind.ENDPOINT && !options.endpoint) throw new UsageError('--target endpoint needs --endpoint URL');
  if (options.endpoint && !/^https?:\/\/[^/]+/.test(options.endpoint))
    throw new UsageError(`--endpoint must be an http(s) URL, got '${options.endpoint}'`);
  return kind;
}

/** Loads and starts the embedded emulator on free loopback ports, on the session's clock. */
async function startEmbedded(options: TargetOptions, clock: Clock): Promise<EmulatorModule.Emulator> {
  let mod: typeof EmulatorModule;
  try {
    mod = await import('../emulator/index.ts');
  } catch (error) {
    throw new TargetError('the embedded emulator is not available (emulator/index.ts failed to load); use --endpoint URL or --target aws', {
      cause: error,
    });
  }
  if (typeof mod.startEmulator !== 'function') throw new TargetError('emulator/index.ts does not export startEmulator');
  try {
    return await mod.startEmulator({
      host: '127.0.0.1',
      port: 0,
      dnsPort: 0,
      clock,
      ...(options.model ? { model: options.model } : {}),
      ...(options.route53 ? { route53: options.route53 } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (error) {
    throw new TargetError(`the embedded emulator failed to start: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A target on an endpoint (or AWS, without one): one SDK client per constructor and region, with
 * the SDK's own retries, dummy credentials where asked, and each request named after the clock's
 * current activity. The engine's sessions make theirs with it, and so do the tests' own targets.
 */
export function makeTarget(
  kind: TargetKind,
  endpoint: string | undefined,
  dns: { host: string; port: number } | undefined,
  timeScale: number,
  dummyCredentials: boolean,
  clock: Clock,
): Target {
  const cache = new Map<unknown, Map<string, unknown>>();
  const url = endpoint ? new URL(endpoint) : undefined;
  const agent = url?.protocol === 'http:' ? keepAliveAgent() : undefined;
  return {
    kind,
    ...(endpoint ? { endpoint } : {}),
    ...(dns ? { dns } : {}),
    timeScale,
    clock,
    client<T>(ctor: ClientConstructor<T>, region: string): T {
      let byRegion = cache.get(ctor);
      if (!byRegion) cache.set(ctor, (byRegion = new Map()));
      let client = byRegion.get(region) as T | undefined;
      if (!client) {
        // A copy per client: the SDK marks the credentials object it is given (`$source`).
        client = new ctor({
          region,
          ...(endpoint ? { endpoint } : {}),
          ...(dummyCredentials ? { credentials: { ...DUMMY_CREDENTIALS } } : {}),
          ...(agent ? { requestHandler: { httpAgent: agent } } : {}),
        });
        if (endpoint) nameActivity(client, clock);
        byRegion.set(region, client);
      }
      return client;
    },
    values: {
      kind,
      endpoint,
      host: url?.hostname,
      port: url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : undefined,
      dnsHost: dns?.host,
      dnsPort: dns?.port,
      timeScale,
    },
  };
}

/**
 * The keep-alive agent of a target's clients on a plain-HTTP endpoint (the emulator, `engine
 * serve`, LocalStack). A server closes idle connections after its keep-alive timeout (the
 * emulator's: 5 s) and says so in a `Keep-Alive: timeout=5` header; Node's agent lets a free socket
 * go a second before that, but only when the agent has a timeout of its own, which the SDK's
 * default agent has not. Without it, a request can go out on a socket the server is closing and
 * fail with ECONNRESET (the SDK retries it, after a back-off).
 */
function keepAliveAgent(): HttpAgent {
  return new HttpAgent({ keepAlive: true, maxSockets: 50, timeout: 60_000 });
}

/**
 * The run's clock: the embedded emulator's idle-skipping one (paced by `--time-scale`), else real
 * time until the target says otherwise (an endpoint's scale or shared clock: {@link useEndpointClock}).
 */
function sessionClock(kind: TargetKind, options: TargetOptions, seed: number): Clock {
  if (kind === TargetKind.EMBEDDED) return new IdleClock({ seed, ...(options.timeScale !== undefined ? { pace: options.timeScale } : {}) });
  if (options.timeScale !== undefined && options.timeScale !== 1) throw new UsageError('--time-scale only applies to the embedded target');
  return new ForwardingClock(createScaledClock(1));
}

/**
 * An endpoint's clock in place of the session's forwarding clock: its scale, or the shared
 * idle-skipping clock of `engine serve --time-scale idle`, which this run's clock joins (docs/clock.md).
 */
async function useEndpointClock(options: TargetOptions, clock: Clock): Promise<{ scale: number; link?: RemoteTimeLink }> {
  const { scale, idle } = await endpointClock(options.endpoint!);
  if (!(clock instanceof ForwardingClock)) return { scale };
  if (idle) {
    const link = await RemoteTimeLink.open(options.endpoint!);
    const shared = new IdleClock({ seed: options.seed ?? idle.seed, start: link.openedAt, remote: link });
    link.attach(shared);
    clock.inner = shared;
    return { scale, link };
  }
  if (scale !== 1) clock.inner = createScaledClock(scale);
  return { scale };
}

/**
 * Each request of an SDK client names the activity it is made in (`x-fe-activity`), so the
 * emulator counts it as that activity's child: on `engine serve --time-scale idle` this process's
 * callers are in another process, where the emulator cannot find them by their socket.
 */
function nameActivity(client: unknown, clock: Clock): void {
  type Args = { request: { headers?: Record<string, string> } };
  const stack = (client as { middlewareStack?: { add(m: (next: (a: Args) => unknown) => (a: Args) => unknown, o: object): void } })
    .middlewareStack;
  stack?.add(
    (next) => (args) => {
      const id = clock.activityId();
      if (id && args.request.headers) args.request.headers[ACTIVITY_HEADER] = id;
      return next(args);
    },
    { step: 'build', name: 'failoverEngineActivity' },
  );
}

/**
 * The clock of an endpoint: `engine serve --time-scale N` says its scale in its health document,
 * `--time-scale idle` its idle-skipping clock's seed and time; LocalStack (no such fields) and
 * anything unreachable run at real speed.
 */
async function endpointClock(endpoint: string): Promise<{ scale: number; idle?: { seed: number } }> {
  try {
    const response = await fetch(new URL('/_localstack/health', endpoint), { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { timeScale?: unknown; idleClock?: { seed?: unknown; now?: unknown } };
    const scale = typeof body.timeScale === 'number' && body.timeScale > 0 ? body.timeScale : 1;
    const seed = body.idleClock?.seed;
    return typeof seed === 'number' ? { scale, idle: { seed } } : { scale };
  } catch {
    return { scale: 1 };
  }
}

/**
 * The target options that reach the target a run used, from its journaled description
 * (`run-start.target`, as {@link TargetSession.describe} wrote it), for `engine rollback`
 * without target flags: an endpoint run is rolled back against the same endpoint and DNS,
 * an AWS run against AWS. Undefined for an embedded run (its emulator lived and died in the
 * run's process) or a description this engine does not understand.
 */
export function targetOptionsFromRun(described: unknown): TargetOptions | undefined {
  if (!described || typeof described !== 'object') return undefined;
  const { kind, endpoint, dns } = described as { kind?: unknown; endpoint?: unknown; dns?: { host?: unknown; port?: unknown } };
  if (kind === TargetKind.AWS) return { kind: TargetKind.AWS };
  if (kind !== TargetKind.ENDPOINT || typeof endpoint !== 'string') return undefined;
  const options: TargetOptions = { kind: TargetKind.ENDPOINT, endpoint };
  if (dns && typeof dns.host === 'string' && typeof dns.port === 'number') {
    options.dns = `${dns.host.includes(':') ? `[${dns.host}]` : dns.host}:${dns.port}`;
  }
  return options;
}

/** Parses `HOST:PORT` (IPv6 as `[::1]:53`). */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--dns expects HOST:PORT, got '${value}'`);
  return { host: m[1]!, port };
}
