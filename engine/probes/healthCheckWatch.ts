import { GetHealthCheckCommand, GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { runAtFixedRate, type ProbeRuntime, type RunningProbe } from './fixedRate.ts';

export interface HealthCheckWatchConfig {
  name: string;
  healthCheckId: string;
  /** One GetHealthCheckStatus every this many AWS ms; at most the check's RequestInterval, or observations are missed. */
  intervalMs: number;
}

/**
 * Share of checkers above which Route 53 considers an endpoint healthy: it is unhealthy when
 * 18% or fewer of the checkers report it healthy.
 */
const HEALTHY_SHARE = 0.18;
const DEFAULT_FAILURE_THRESHOLD = 3;

/**
 * Follows a health check through GetHealthCheckStatus at a fixed AWS-time rate and emits a
 * `health-check-status` sample per read, with Route 53's verdict rather than the last probe's:
 * GetHealthCheckStatus shows each checker's latest observation, and Route 53 flips a check only
 * after FailureThreshold consecutive observations the other way (read once with GetHealthCheck).
 * A round of observations counts as passing when more than 18% of the checkers report
 * `Success: …`; rounds are told apart by their CheckedTime. Reads with no new observation emit
 * the current verdict again; reads before the first observation, or failed calls, emit nothing.
 */
export function startHealthCheckWatch(runtime: ProbeRuntime, config: HealthCheckWatchConfig): RunningProbe {
  const { target, clock, emit } = runtime;
  const route53 = target.client(Route53Client, 'us-east-1');
  let threshold: number | undefined;
  let healthy = true; // a new check starts healthy
  let streak = 0;
  let lastRound: number | undefined;
  return runAtFixedRate(config.name, clock, config.intervalMs, async (_n, signal) => {
    const at = clock.now();
    if (threshold === undefined) {
      const described = await route53.send(new GetHealthCheckCommand({ HealthCheckId: config.healthCheckId }), { abortSignal: signal });
      threshold = described.HealthCheck?.HealthCheckConfig?.FailureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    }
    const out = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: config.healthCheckId }), { abortSignal: signal });
    const observations = out.HealthCheckObservations ?? [];
    if (observations.length === 0) return;
    const round = Math.max(...observations.map((o) => o.StatusReport?.CheckedTime?.getTime() ?? 0));
    const reports = observations.map((o) => o.StatusReport?.Status ?? '');
    if (round !== lastRound) {
      lastRound = round;
      const passing = reports.filter((s) => s.startsWith('Success')).length / reports.length > HEALTHY_SHARE;
      streak = passing === healthy ? 0 : streak + 1;
      if (streak >= threshold) {
        healthy = passing;
        streak = 0;
      }
    }
    emit({ kind: 'health-check-status', aws: at, healthCheckId: config.healthCheckId, healthy, detail: reports.join('; ') });
  });
}
