import type { Clock } from './clock.ts';
import { IdleClock } from './clock/IdleClock.ts';
import { SERVICE_NAMES, type ServiceName } from './serviceNames.ts';
import type { RawRoute } from './types.ts';

/**
 * A service's state in the health document, in LocalStack's words: `available` while its code
 * is not loaded or it has not started (a request for it waits until it has), `running` once it
 * has started.
 */
export type ServiceState = 'available' | 'running';

/** What the health document is made of, read at each request. */
export interface HealthSource {
  clock: Clock;
  state(service: ServiceName): ServiceState;
  /** The DNS server's address once it listens; undefined while its thread starts. */
  dns(): { host: string; port: number } | undefined;
}

/**
 * LocalStack's health document on `/_localstack/health` (and `/_engine/health`): every service
 * with its state, plus the clock speed (so a client can convert times) and the DNS server,
 * `{ host, port }` once it listens and `{ state: 'starting' }` before; the engine takes the
 * DNS address from here when `--dns` is not given, and asks again while it is starting. It
 * answers at once, also while the services load and the DNS thread starts, and never names a
 * DNS port before something listens on it.
 */
export function healthRoute(source: HealthSource): RawRoute {
  return {
    name: 'health',
    matches: (req) => req.method === 'GET' && (req.path === '/_localstack/health' || req.path === '/_engine/health'),
    handle: async () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        services: Object.fromEntries(SERVICE_NAMES.map((name) => [name, source.state(name)])),
        edition: 'failover-engine',
        timeScale: source.clock.timeScale,
        clock: source.clock.describe(),
        // An idle-skipping clock is shared with engines (emulator/clock/clockRoutes.ts): they need its seed and time.
        ...(source.clock instanceof IdleClock ? { idleClock: { seed: source.clock.seed, now: source.clock.now() } } : {}),
        dns: source.dns() ?? { state: 'starting' },
      }),
    }),
  };
}
