import { regionDistance } from './regionLocations.ts';
import type { ClientLocation } from './routingSettings.ts';
import type { RecordSet } from './types.ts';

/**
 * Which members of a routed group (same name and type, each with a SetIdentifier) Route 53
 * answers with, by the group's policy. `healthy(set)` is the member's own health (its health
 * check, and its alias target's when EvaluateTargetHealth). The rules, in our words in
 * docs/fidelity/route53-routing.md:
 * - failover: PRIMARY when healthy, else SECONDARY when healthy, else PRIMARY;
 * - weighted: one member, with probability weight / sum of weights, among the healthy ones;
 *   weight 0 members only when every non-zero member is unhealthy (then evenly); all zero →
 *   evenly; when every member is unhealthy, all count as healthy;
 * - multivalue: every healthy member, at most 8 (a random 8 when more); none healthy → up to 8;
 * - latency: the healthy member whose Region is nearest the client Region;
 * - geolocation: the most specific healthy match (subdivision, country, continent, default
 *   `*`); none matching → no answer (NODATA).
 */
export interface RoutingClient {
  random: () => number;
  region: string;
  location: ClientLocation;
}

export const MAX_MULTIVALUE = 8;

export function selectMembers(group: readonly RecordSet[], healthy: (set: RecordSet) => boolean, client: RoutingClient): RecordSet[] {
  if (group.length === 0) return [];
  if (group[0]!.SetIdentifier === undefined) return group.slice(0, 1);
  const primary = group.find((s) => s.Failover === 'PRIMARY');
  const secondary = group.find((s) => s.Failover === 'SECONDARY');
  if (primary || secondary) {
    if (primary && healthy(primary)) return [primary];
    if (secondary && healthy(secondary)) return [secondary];
    return [(primary ?? secondary)!];
  }
  if (group.some((s) => s.GeoLocation)) return geolocation(group, healthy, client.location);
  const alive = group.filter(healthy);
  const pool = alive.length > 0 ? alive : [...group];
  if (group.some((s) => s.MultiValueAnswer)) return pool.length <= MAX_MULTIVALUE ? pool : sample(pool, MAX_MULTIVALUE, client.random);
  if (group.some((s) => s.Region !== undefined)) return [nearest(pool, client.region)];
  if (group.some((s) => s.Weight !== undefined)) return [weighted(pool, client.random)];
  return [pool[0]!];
}

function weighted(pool: readonly RecordSet[], random: () => number): RecordSet {
  const positive = pool.filter((s) => (s.Weight ?? 0) > 0);
  const total = positive.reduce((n, s) => n + (s.Weight ?? 0), 0);
  if (total === 0) return pool[Math.floor(random() * pool.length)]!;
  let roll = random() * total;
  for (const s of positive) if ((roll -= s.Weight ?? 0) < 0) return s;
  return positive[positive.length - 1]!;
}

/** `count` distinct members in random order (a partial Fisher–Yates shuffle). */
function sample(pool: readonly RecordSet[], count: number, random: () => number): RecordSet[] {
  const copy = [...pool];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

function nearest(pool: readonly RecordSet[], clientRegion: string): RecordSet {
  let best = pool[0]!;
  let bestDistance = regionDistance(clientRegion, best.Region ?? '');
  for (const s of pool.slice(1)) {
    const d = regionDistance(clientRegion, s.Region ?? '');
    if (d < bestDistance) [best, bestDistance] = [s, d];
  }
  return best;
}

/** Candidates from most to least specific; the first healthy one answers. */
function geolocation(group: readonly RecordSet[], healthy: (set: RecordSet) => boolean, where: ClientLocation): RecordSet[] {
  const find = (test: (g: NonNullable<RecordSet['GeoLocation']>) => boolean) => group.find((s) => s.GeoLocation && test(s.GeoLocation));
  const candidates = [
    where.country && where.subdivision
      ? find((g) => g.CountryCode === where.country && g.SubdivisionCode === where.subdivision)
      : undefined,
    where.country ? find((g) => g.CountryCode === where.country && !g.SubdivisionCode) : undefined,
    where.continent ? find((g) => g.ContinentCode === where.continent) : undefined,
    find((g) => g.CountryCode === '*'),
  ].filter((s): s is RecordSet => s !== undefined);
  if (candidates.length === 0) return [];
  return [candidates.find(healthy) ?? candidates[0]!];
}
