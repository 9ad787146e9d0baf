import type { HealthCheckConfig, HealthStatus } from './types.ts';

/**
 * The status Route 53 routes by, from a check's config and what its prober saw. In our words
 * (docs/fidelity/route53-routing.md):
 * - Disabled: no probing, no aggregation, and the status is healthy — then Inverted still
 *   applies, which is AWS's documented way to take a resource out of rotation by hand
 *   (disabled + inverted = always unhealthy);
 * - Inverted: healthy ↔ unhealthy, after everything else;
 * - CALCULATED: healthy when at least HealthThreshold children are healthy (default: all of
 *   them); 0 → always healthy, more than there are children → always unhealthy. A child that
 *   no longer exists counts as healthy, as a deleted check does for routing. Children are
 *   evaluated with their own Disabled/Inverted;
 * - CLOUDWATCH_METRIC (no alarms here): InsufficientDataHealthStatus, healthy unless Unhealthy;
 *   RECOVERY_CONTROL (no routing controls here): healthy;
 * - endpoint checks: the prober's verdict (a new check starts healthy). The prober applies
 *   Inverted to each result itself, so its verdict is already inverted.
 */
export interface HealthInputs {
  config: HealthCheckConfig;
  /** The prober's current verdict (endpoint types), undefined before any or for other types. */
  probedHealthy: boolean | undefined;
  /** Status of another check by id; undefined when it does not exist. */
  child(id: string): HealthStatus | undefined;
}

export const MAX_CALCULATED_DEPTH = 8;

export function healthStatus(inputs: HealthInputs): HealthStatus {
  const c = inputs.config;
  const invert = (healthy: boolean): HealthStatus => ((c.Inverted ? !healthy : healthy) ? 'healthy' : 'unhealthy');
  if (c.Disabled) return invert(true);
  switch (c.Type) {
    case 'CALCULATED': {
      const children = c.ChildHealthChecks ?? [];
      const up = children.filter((id) => (inputs.child(id) ?? 'healthy') === 'healthy').length;
      return invert(up >= (c.HealthThreshold ?? children.length));
    }
    case 'CLOUDWATCH_METRIC':
      return invert(c.InsufficientDataHealthStatus !== 'Unhealthy');
    case 'RECOVERY_CONTROL':
      return invert(true);
    default:
      return inputs.probedHealthy === false ? 'unhealthy' : 'healthy';
  }
}
