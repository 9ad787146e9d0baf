import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScaledClock, IdleClock, ManualClock, type Clock } from './clock.ts';
import type { DnsServerHandle } from './dns/server.ts';
import type { DnsWorkerHandle } from './route53/startDnsWorker.ts';
import type { ThreadPriority } from './dns/threadPriority.ts';
import { FaultRegistry } from './faults.ts';
import { Gateway } from './gateway.ts';
import { healthRoute } from './healthRoute.ts';
import type { LoadedServices } from './services.ts';
import { createGatewayServer, requestsSettled } from './server.ts';
import { resolveModel, type EmulationModel } from './model.ts';
import { ACCOUNT_ID, type EmulatedService, type EmulatorRuntime, type ServiceApis } from './types.ts';

/**
 * The embedded AWS: one HTTP port speaking Route 53, FIS, Lambda, API Gateway, DynamoDB and
 * DynamoDB Streams wire protocols, plus a DNS server (UDP and TCP) answering the Route 53 zones.
 * Binds to loopback by default; port 0 picks free ports.
 *
 * @example
 * const emu = await startEmulator({ timeScale: 10 });
 * const r53 = new Route53Client({ endpoint: emu.endpoint, region: 'us-east-1', credentials });
 * // ... dig -p emu.dns.port @127.0.0.1 ...
 * await emu.stop();
 */
export interface EmulatorOptions {
  host?: string;
  /** HTTP port; 0 (default) picks a free one. `engine serve` uses 4566. */
  port?: number;
  /** DNS port (UDP and TCP); 0 (default) picks a free one. `engine serve` uses 53. */
  dnsPort?: number;
  /**
   * AWS seconds per wall second (a scaled real clock); `'idle'` for the idle-skipping clock.
   * Default 1 (real time).
   */
  timeScale?: number | 'idle';
  /** Seed of the idle-skipping clock's random phases (default 1). */
  seed?: number;
  /** A clock to use instead (the engine passes its own; tests pass a ManualClock). */
  clock?: Clock;
  /** Modelled AWS delays, overriding the defaults of emulator/model.ts. */
  model?: Partial<EmulationModel>;
  /** One line per request and event; silent by default. */
  log?: (line: string) => void;
  /**
   * Ask the OS to run the DNS thread at real-time priority, so that HTTP load cannot delay DNS
   * answers (docs/dns.md; Linux, root or CAP_SYS_NICE). `engine serve` does; an embedded
   * emulator serving one drill does not need to.
   */
  dnsRealtime?: boolean;
  /** Route 53 routing: the DNS client's Region and location, the weighted generator's seed. */
  route53?: Partial<import('./route53/routingSettings.ts').RoutingSettings>;
}

export interface Emulator {
  endpoint: string;
  host: string;
  port: number;
  dns: { host: string; port: number };
  /** The DNS server's counters since start: queries answered, packets dropped as malformed. */
  dnsStats(): { answered: number; dropped: number };
  /** How the OS schedules the DNS thread (see `dnsRealtime`). */
  dnsPriority(): Promise<ThreadPriority>;
  /** Resolves once the gateway serves no request (work a client aborted is still carried out). */
  requestsSettled(): Promise<void>;
  timeScale: number;
  clock: Clock;
  /** The modelled AWS delays in force. */
  model: EmulationModel;
  faults: FaultRegistry;
  /** Another service's internal API (tests use it to reach what HTTP does not show). */
  api<K extends keyof ServiceApis>(service: K): ServiceApis[K];
  /** Forget every resource in every service; the servers keep running. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An emulator whose HTTP server listens while its services load and its DNS thread starts, for
 * `engine serve` to answer its first request soonest. Until `ready`, the health document lists
 * the services as `available` and DNS as starting; a request for a service waits until the
 * services run, then gets the answer it would get later.
 */
export interface LaunchedEmulator {
  endpoint: string;
  host: string;
  port: number;
  /** Resolves once every service runs and DNS listens; rejects (both servers closed) if either failed to start. */
  ready: Promise<Emulator>;
}

/** The services' code, loaded once the HTTP server listens (services.ts). */
export type { LoadedServices } from './services.ts';

/** The emulator once everything runs: {@link launchEmulator}, awaited to the end. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return (await launchEmulator(options)).ready;
}

/**
 * Listens for HTTP, then spawns the DNS thread and loads and starts the services (`ready`).
 * `loadServices` imports the services' code; tests pass one they hold back.
 */
export async function launchEmulator(
  options: EmulatorOptions = {},
  loadServices: () => Promise<LoadedServices> = async () => (await import('./services.ts')).loadServices(),
): Promise<LaunchedEmulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = emulatorClock(options);
  const model = emulatorModel(options);
  const log = options.log ?? (() => {});
  const faults = new FaultRegistry(clock, { random: () => clock.random() });
  const gateway = new Gateway(faults, log);
  const apis = new Map<string, unknown>();
  const running = new Set<string>();
  let httpAddress: { host: string; port: number } | undefined;
  let dns: DnsWorkerHandle | undefined;
  const runtime = createRuntime({ clock, model, faults, log, apis, httpAddress: () => httpAddress, dns: () => dns });
  gateway.addRawRoute(
    healthRoute({ clock, state: (name) => (running.has(name) ? 'running' : 'available'), dns: () => dns && runtime.dnsAddress() }),
  );
  const server = createGatewayServer(gateway, clock, model.replicationLag);
  await listen(server, options.port ?? 0, host);
  const address = server.address() as AddressInfo;
  httpAddress = { host, port: address.port };
  // DNS answers from its own thread, from a replica of Route 53 (docs/dns.md). The thread starts
  // once HTTP listens (its code and node:worker_threads load off the path to the first answer)
  // and boots on another core while this one loads the services; Route 53 attaches to its
  // channel once loaded. Its lines wait until both servers are up: a port in use must be the
  // only thing said.
  const dnsLines: string[] = [];
  let dnsLog: (line: string) => void = (line) => void dnsLines.push(line);
  const dnsThread = (async () => {
    const [{ openReplicaChannel }, { startDnsWorker }] = await Promise.all([
      import('./route53/ReplicaFeed.ts'),
      import('./route53/startDnsWorker.ts'),
    ]);
    const replica = openReplicaChannel();
    const listening = startDnsWorker({
      host,
      port: options.dnsPort ?? 0,
      log: (line) => dnsLog(line),
      link: replica.worker,
      realtime: options.dnsRealtime === true,
    });
    listening.catch(() => {}); // handled below, with the services' start
    return { feed: replica.feed, listening };
  })();
  const dnsStarting = dnsThread.then((thread) => thread.listening);
  dnsStarting.catch(() => {});

  const servicesRunning = (async () => {
    const { feed } = await dnsThread; // spawned: it boots while the services load
    const services = createServices(runtime, gateway, apis, await loadServices());
    applySeed(runtime, options);
    runtime.api('route53').replica.attach(feed);
    dns = await dnsStarting;
    dnsLog = log;
    for (const line of dnsLines.splice(0)) log(line);
    for (const [name, service] of services) {
      await service.start?.();
      running.add(name);
    }
    return [...services.values()];
  })();
  gateway.holdUntil(servicesRunning);
  const ready = servicesRunning.then(
    (services) => emulatorHandle({ runtime, server, dns: dns!, clock, model, faults, services }),
    async (err: unknown) => {
      await closeServer(server);
      await (dns ?? (await dnsStarting.catch(() => undefined)))?.close();
      throw err;
    },
  );
  ready.catch(() => {}); // the caller's to handle; an unawaited failure must not end the process
  return { endpoint: runtime.endpoint(), host, port: address.port, ready };
}

/** The emulator's handle once everything runs. */
function emulatorHandle(parts: {
  runtime: EmulatorRuntime;
  server: Server;
  dns: DnsWorkerHandle;
  clock: Clock;
  model: EmulationModel;
  faults: FaultRegistry;
  services: EmulatedService[];
}): Emulator {
  const { runtime, server, dns, clock, model, faults, services } = parts;
  return {
    endpoint: runtime.endpoint(),
    host: runtime.address().host,
    port: runtime.address().port,
    dns: { host: dns.host, port: dns.port },
    dnsStats: dns.stats,
    dnsPriority: dns.priority,
    requestsSettled: () => requestsSettled(server),
    timeScale: clock.timeScale,
    clock,
    model,
    faults,
    api: runtime.api,
    async reset() {
      faults.clear();
      for (const service of services) await service.reset?.();
    },
    async stop() {
      for (const service of services) await service.stop?.();
      faults.clear();
      const { answered, dropped } = dns.stats();
      runtime.log(`dns stopped: ${answered} queries answered, ${dropped} dropped`);
      await dns.close();
      await closeServer(server);
    },
  };
}

/** One seed for every random draw of a run: health-checker phases, fault percentages, alias routing. */
function applySeed(runtime: EmulatorRuntime, options: EmulatorOptions): void {
  if (options.seed !== undefined) runtime.api('lambda').seedAliasRouting(options.seed);
  // Route 53's weighted/multivalue answers draw from their own generator with the same seed.
  const seed = options.seed ?? (runtime.clock as { seed?: number }).seed ?? 1;
  runtime.api('route53').routing.configure({ seed, ...options.route53 });
}

/** The clock the options ask for: the given one, the idle-skipping one or a scaled real clock. */
function emulatorClock(options: EmulatorOptions): Clock {
  return (
    options.clock ?? (options.timeScale === 'idle' ? new IdleClock({ seed: options.seed ?? 1 }) : createScaledClock(options.timeScale ?? 1))
  );
}

/** The modelled delays in force. A test's ManualClock models no delay unless the test asks: its timers are the test's to drive. */
function emulatorModel(options: EmulatorOptions): EmulationModel {
  return resolveModel(
    options.clock instanceof ManualClock
      ? { invokeOverhead: 0, replicationLag: 0, streamPollInterval: 1000, ...options.model }
      : options.model,
  );
}

/** What the services' runtime is made of; the addresses are read when asked (valid once the servers listen). */
interface RuntimeParts {
  clock: Clock;
  model: EmulationModel;
  faults: FaultRegistry;
  log: (line: string) => void;
  apis: Map<string, unknown>;
  httpAddress: () => { host: string; port: number } | undefined;
  dns: () => DnsServerHandle | undefined;
}

/** The runtime every service factory receives. */
function createRuntime({ clock, model, faults, log, apis, httpAddress, dns }: RuntimeParts): EmulatorRuntime {
  const runtime: EmulatorRuntime = {
    clock,
    model,
    faults,
    accountId: ACCOUNT_ID,
    endpoint: () => `http://${formatHost(runtime.address().host)}:${runtime.address().port}`,
    address: () => {
      const address = httpAddress();
      if (!address) throw new Error('the emulator is not listening yet');
      return address;
    },
    dnsAddress: () => {
      const server = dns();
      if (!server) throw new Error('the DNS server is not listening yet');
      return { host: server.host, port: server.port };
    },
    api: <K extends keyof ServiceApis>(name: K): ServiceApis[K] => {
      const api = apis.get(name);
      if (api === undefined) throw new Error(`no internal API registered for service '${name}'`);
      return api as ServiceApis[K];
    },
    log,
  };
  return runtime;
}

/** Every service, made by its factory, its routes on the gateway and its internal API in `apis`. */
function createServices(
  runtime: EmulatorRuntime,
  gateway: Gateway,
  apis: Map<string, unknown>,
  { factories, createProtocol }: LoadedServices,
): Map<string, EmulatedService> {
  const services = new Map<string, EmulatedService>();
  for (const [name, factory] of Object.entries(factories)) {
    const service = factory(runtime);
    services.set(name, service);
    const descriptor = service.descriptor;
    if (descriptor) gateway.addService(descriptor, createProtocol(descriptor.protocol, descriptor));
    if (service.api !== undefined) apis.set(name, service.api);
    for (const route of service.rawRoutes ?? []) gateway.addRawRoute(route);
  }
  return services;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
