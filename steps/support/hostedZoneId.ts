/**
 * Route 53 returns zone ids as `/hostedzone/Z…`; the tutorial's `jq -r .HostedZone.Id` kept the
 * prefix, its sample script stripped it. Steps output the bare id and accept both.
 */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

/** Same for health checks' and changes' prefixed ids. */
export function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, '');
}
