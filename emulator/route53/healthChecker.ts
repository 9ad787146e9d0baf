import { lookup } from 'node:dns/promises';
import type { TimerHandle } from '../clock.ts';
import type { AddressLookup } from './resolve.ts';
import type { EmulatorRuntime } from '../types.ts';
import { failure, probe, CONNECT_TIMEOUT_MS, type ProbeResult, type ProbeTarget } from './probe.ts';
import { healthStatus, MAX_CALCULATED_DEPTH } from './healthStatus.ts';
import type { Route53Store } from './store.ts';
import type { HealthCheck, HealthCheckObservation, HealthStatus } from './types.ts';

/**
 * Real health checks: one prober per check, ticking every RequestInterval on the emulator clock (so
 * a time scale or a test's ManualClock drives it). A new check starts healthy and flips after
 * FailureThreshold consecutive opposite results, in either direction
 * (docs/fidelity/route53-routing.md, "Health checks"). Inverted flips each result; Disabled reads
 * healthy and stops probing. One checker stands in for Route 53's fleet, so the status is that
 * checker's.
 *
 * Probes run concurrently (a slow endpoint does not delay the next tick) but their results
 * are applied in tick order. The target is the IPAddress when given, else the FQDN resolved
 * through the emulator's own zones first (`*.localhost.localstack.cloud` → 127.0.0.1), then
 * the system resolver; the FQDN goes out as the Host header, so an execute-api host name
 * reaches the emulator's own gateway. Config changes (UpdateHealthCheck) apply at the next
 * probe. Nothing a probe does can throw into the emulator.
 */

const MAX_IN_FLIGHT_PER_CHECK = 10;
const KEPT_OBSERVATIONS = 20;
const PROBED_TYPES = new Set(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP']);

interface ProberState {
  timer: TimerHandle;
  controller: AbortController;
  healthy: boolean;
  successes: number;
  failures: number;
  inFlight: number;
  /** Results are applied in tick order through this chain. */
  chain: Promise<void>;
  observations: HealthCheckObservation[];
  probes: number;
}

/** A health check's state as the checker sees it (for tests and drill reports). */
export interface HealthCheckState {
  status: HealthStatus;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
  probes: number;
  observations: readonly HealthCheckObservation[];
}

export class HealthChecker {
  private readonly states = new Map<string, ProberState>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly runtime: EmulatorRuntime,
    private readonly store: Route53Store,
    private readonly resolveAddress: (name: string) => AddressLookup,
    /** Called when a check flips (its routing status changed without an API call). */
    private readonly statusChanged: () => void = () => {},
  ) {}

  /** Starts probing a (new) check. */
  start(check: HealthCheck): void {
    this.remove(check.id);
    const interval = (check.config.RequestInterval ?? 30) * 1000;
    const clock = this.runtime.clock;
    // Route 53's checkers start at a random phase (seeded on the idle-skipping clock): the first
    // probe comes within one interval, then one every interval.
    const first = interval - Math.floor(clock.random() * interval);
    const state: ProberState = {
      timer: clock.setTimeout(() => {
        state.timer = clock.setInterval(() => this.tick(check.id, state), interval);
        this.tick(check.id, state);
      }, first),
      controller: new AbortController(),
      healthy: true,
      successes: 0,
      failures: 0,
      inFlight: 0,
      chain: Promise.resolve(),
      observations: [],
      probes: 0,
    };
    this.states.set(check.id, state);
  }

  /** Stops probing a check (deleted) and abandons its in-flight probes. */
  remove(id: string): void {
    const state = this.states.get(id);
    if (!state) return;
    this.runtime.clock.clear(state.timer);
    state.controller.abort();
    this.states.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.states.keys()]) this.remove(id);
  }

  /** Resolves when every probe started so far has finished and its result is applied. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The routing status of a check (healthStatus.ts); throws for an unknown id. */
  status(id: string, depth = 0): HealthStatus {
    const check = this.store.healthChecks.get(id);
    if (!check) throw new Error(`no health check ${id}`);
    const child = (c: string) => (depth >= MAX_CALCULATED_DEPTH || !this.store.healthChecks.has(c) ? undefined : this.status(c, depth + 1));
    return healthStatus({ config: check.config, probedHealthy: this.states.get(id)?.healthy, child });
  }

  /** For routing: a check that does not exist (any more) counts as healthy. */
  isHealthy(id: string): boolean {
    return !this.store.healthChecks.has(id) || this.status(id) === 'healthy';
  }

  describe(id: string): HealthCheckState {
    const state = this.states.get(id);
    return {
      status: this.status(id),
      consecutiveSuccesses: state?.successes ?? 0,
      consecutiveFailures: state?.failures ?? 0,
      probes: state?.probes ?? 0,
      observations: state?.observations ?? [],
    };
  }

  observations(id: string): readonly HealthCheckObservation[] {
    return this.states.get(id)?.observations ?? [];
  }

  private tick(id: string, state: ProberState): void {
    const check = this.store.healthChecks.get(id);
    if (!check || this.states.get(id) !== state) return;
    if (check.config.Disabled || !PROBED_TYPES.has(check.config.Type)) return;
    if (state.inFlight >= MAX_IN_FLIGHT_PER_CHECK) return;
    state.inFlight++;
    state.probes++;
    const checkedAt = this.runtime.clock.now();
    const config = { ...check.config };
    const outcome = this.runtime.clock
      .activity(`probe ${id}`, () => this.run(check, state.controller.signal))
      .catch((err: unknown) => ({
        result: failure(`Internal health checker error: ${(err as Error)?.message ?? err}`),
        ipAddress: undefined,
      }));
    const applied = (state.chain = state.chain
      .then(() => outcome)
      .then(({ result, ipAddress }) => {
        state.inFlight--;
        if (this.states.get(id) !== state) return;
        this.apply(id, state, config.Inverted === true, config.FailureThreshold ?? 3, {
          region: config.Regions?.[0] ?? 'us-east-1',
          ipAddress,
          status: result.status,
          checkedAt,
          passed: result.passed,
        });
      })
      .catch((err: unknown) => this.runtime.log(`route53 health check ${id}: ${(err as Error)?.stack ?? err}`)));
    this.pending.add(applied);
    void applied.finally(() => this.pending.delete(applied));
  }

  private async run(check: HealthCheck, signal: AbortSignal): Promise<{ result: ProbeResult; ipAddress?: string }> {
    const target = await this.target(check);
    if ('error' in target) return { result: failure(target.error) };
    return { result: await probe(check.config, target, signal, this.runtime.clock), ipAddress: target.address };
  }

  private async target(check: HealthCheck): Promise<ProbeTarget | { error: string }> {
    const { IPAddress, FullyQualifiedDomainName: fqdn } = check.config;
    const hostName = fqdn?.replace(/\.$/, '');
    if (IPAddress) return { address: IPAddress, hostName };
    if (!hostName) return { error: 'The health check has neither an IP address nor a domain name.' };
    const found = this.resolveAddress(hostName);
    if (found.status === 'found') return { address: found.address, hostName };
    if (found.status === 'not-found') return { error: `DNS resolution failed: ${found.reason}` };
    let timer: NodeJS.Timeout | undefined;
    try {
      const address = await new Promise<string>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CONNECT_TIMEOUT_MS);
        lookup(found.name.replace(/\.$/, '')).then((r) => resolve(r.address), reject);
      });
      return { address, hostName };
    } catch (err) {
      return { error: `DNS resolution failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  private apply(id: string, state: ProberState, inverted: boolean, threshold: number, observation: HealthCheckObservation): void {
    state.observations.unshift(observation);
    state.observations.length = Math.min(state.observations.length, KEPT_OBSERVATIONS);
    const passed = inverted ? !observation.passed : observation.passed;
    if (passed) {
      state.successes++;
      state.failures = 0;
      if (!state.healthy && state.successes >= threshold) this.flip(id, state, true, observation);
    } else {
      state.failures++;
      state.successes = 0;
      if (state.healthy && state.failures >= threshold) this.flip(id, state, false, observation);
    }
  }

  private flip(id: string, state: ProberState, healthy: boolean, observation: HealthCheckObservation): void {
    state.healthy = healthy;
    this.statusChanged();
    this.runtime.log(`route53 health check ${id} is now ${healthy ? 'healthy' : 'unhealthy'} (${observation.status})`);
  }
}
