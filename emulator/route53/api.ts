import type { AddressLookup, QueryType, Resolution } from './resolve.ts';
import type { HealthCheckState } from './healthChecker.ts';
import type { ReplicaFeedEnd } from './ReplicaFeed.ts';
import type { RoutingSettings } from './routingSettings.ts';
import type { HealthStatus } from './types.ts';

/**
 * Route 53's internal API, `runtime.api('route53')` (and `emu.api('route53')` in
 * tests). The DNS server answers every query through `resolve`; steps and tests can ask the
 * same questions without sockets.
 *
 * @example
 * const r53 = emu.api('route53');
 * await (emu.clock as ManualClock).advance(30_000);
 * await r53.healthChecks.settled();            // probes started by that advance have finished
 * r53.healthChecks.status(id);                 // 'healthy' | 'unhealthy'
 * r53.resolve('test.hello-localstack.com', 'CNAME').answers;
 */
export interface Route53Api {
  /**
   * What the emulator's DNS server answers for (name, type), health and failover applied. The
   * DNS server itself answers from a replica in its worker thread, with the same resolver and
   * the same state; weighted and multivalue draws here (TestDNSAnswer) come from a generator
   * of their own, seeded alike, so they do not shift the sequence DNS queries see.
   */
  resolve(name: string, type: QueryType): Resolution;
  /** The first IPv4 address a name leads to through our zones (what health checks connect to). */
  lookupAddress(name: string): AddressLookup;
  healthChecks: {
    /** Resolves when every probe started so far has finished and its result is applied. */
    settled(): Promise<void>;
    /** Routing status of a check (Disabled → healthy, Inverted applied); throws for an unknown id. */
    status(id: string): HealthStatus;
    /** Status plus counters and the latest observations (newest first). */
    describe(id: string): HealthCheckState;
  };
  /** Where the one DNS client is (latency, geolocation) and the weighted generator's seed. */
  routing: {
    /** Changes some settings; a new seed (or any change) restarts the generator's sequence. */
    configure(settings: Partial<RoutingSettings>): void;
    settings(): RoutingSettings;
  };
  /**
   * The DNS worker's replica of what answers depend on (docs/dns.md): `attach` posts the whole
   * state on a channel opened by `openReplicaChannel`, then every change; `detach` stops posting.
   */
  replica: {
    attach(end: ReplicaFeedEnd): void;
    detach(): void;
  };
}
