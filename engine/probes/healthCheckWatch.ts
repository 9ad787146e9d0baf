import { GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { runAtFixedRate, type ProbeRuntime, type RunningProbe } from './fixedRate.ts';

export interface HealthCheckWatchConfig {
  name: string;
  healthCheckId: string;
  /** One GetHealthCheckStatus every this many AWS ms. */
  intervalMs: number;
}

/**
 * Share of checkers above which Route 53 considers an endpoint healthy: it is unhealthy when
 * 18% or fewer of the checkers report it healthy.
 */
const HEALTHY_SHARE = 0.18;

/**
 * Reads a health check's status through GetHealthCheckStatus at a fixed AWS-time rate and
 * emits a `health-check-status` sample per read: healthy when more than 18% of the checkers'
 * latest reports are `Success: …`. A read with no observation yet (a check that has not run)
 * or a failed call emits nothing: it says nothing about the endpoint.
 */
export function startHealthCheckWatch(runtime: ProbeRuntime, config: HealthCheckWatchConfig): RunningProbe {
  const { target, clock, emit } = runtime;
  const route53 = target.client(Route53Client, 'us-east-1');
  return runAtFixedRate(config.name, clock, config.intervalMs, async (_n, signal) => {
    const at = clock.now();
    const out = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: config.healthCheckId }), { abortSignal: signal });
    const reports = (out.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? '');
    if (reports.length === 0) return;
    const passing = reports.filter((s) => s.startsWith('Success')).length;
    emit({ kind: 'health-check-status', aws: at, healthCheckId: config.healthCheckId, healthy: passing / reports.length > HEALTHY_SHARE, detail: reports.join('; ') });
  });
}
