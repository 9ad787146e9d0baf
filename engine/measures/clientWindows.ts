import { samplesOf, type ClientRequestSample, type EvidenceSample } from '../evidence.ts';
import { within, type TimeWindow } from './faultWindows.ts';

/** Requests of one client probe, in AWS-time order. */
export function requestsOf(events: readonly EvidenceSample[], probe: string): ClientRequestSample[] {
  return samplesOf(events, 'client-request').filter((r) => r.probe === probe);
}

/**
 * Names of the client probes that sent requests: those in `declared` first, in that order (the
 * workflow's), then any others in order of their first request. Probes ticking at the same AWS
 * instant record in whatever order their responses land, so the declared order is what keeps
 * reports and summaries the same from run to run.
 */
export function clientProbes(events: readonly EvidenceSample[], declared: readonly string[] = []): string[] {
  const seen = new Set(samplesOf(events, 'client-request').map((r) => r.probe));
  return [...new Set([...declared.filter((name) => seen.has(name)), ...seen])];
}

/** One client's outage in a phase: first failed request → first success after the last failure. */
export interface ClientOutage {
  firstError?: number;
  lastError?: number;
  /** First successful request after `lastError`; undefined when the client never recovered. */
  recoveredAt?: number;
  errors: number;
  requests: number;
}

/**
 * The client's failures whose request was sent inside `window`, and when it recovered. The
 * recovery may come after the window ends: a client that caches its answer forever keeps
 * failing until the fault stops, and recovers in the next phase.
 */
export function clientOutage(requests: readonly ClientRequestSample[], window: TimeWindow): ClientOutage {
  const inside = requests.filter((r) => within(window, r.aws));
  const errors = inside.filter((r) => !r.ok);
  const outage: ClientOutage = { errors: errors.length, requests: inside.length };
  if (errors.length === 0) return outage;
  outage.firstError = errors[0]!.aws;
  outage.lastError = errors[errors.length - 1]!.aws;
  const recovered = requests.find((r) => r.ok && r.aws > outage.lastError!);
  if (recovered) outage.recoveredAt = recovered.aws;
  return outage;
}

/**
 * The client-visible error window of a phase, in AWS ms: from the first failed request to the
 * first success after the last failed one (successes in between do not shorten it: a client
 * that fails, succeeds once and fails again was not restored). 0 when no request failed;
 * null when the client never recovered.
 */
export function errorWindow(requests: readonly ClientRequestSample[], window: TimeWindow): number | null {
  const outage = clientOutage(requests, window);
  if (outage.firstError === undefined) return 0;
  if (outage.recoveredAt === undefined) return null;
  return outage.recoveredAt - outage.firstError;
}

/**
 * What an error window can have been, given that the client only sampled (AWS ms): the outage
 * began after the request before the first failure and ended after the last failure, so the
 * true window lies between `min` and `max`. Without a failure, an outage shorter than the
 * longest gap between two requests could have gone unseen: 0 to that gap (`max` null with fewer
 * than two requests). Null when the client
 * never recovered (no window); `max` null when no request came before the first failure.
 */
export function errorWindowRange(requests: readonly ClientRequestSample[], window: TimeWindow): { min: number; max: number | null } | null {
  const outage = clientOutage(requests, window);
  if (outage.firstError === undefined) {
    const inside = requests.filter((r) => within(window, r.aws)).map((r) => r.aws);
    const gaps = inside.slice(1).map((t, i) => t - inside[i]!);
    return { min: 0, max: gaps.length ? Math.max(...gaps) : null };
  }
  if (outage.recoveredAt === undefined) return null;
  const before = requests.filter((r) => r.aws < outage.firstError!).at(-1);
  return { min: outage.lastError! - outage.firstError, max: before ? outage.recoveredAt - before.aws : null };
}

/** Share of successful requests (0..1); null when there were none. */
export function availability(requests: readonly ClientRequestSample[]): number | null {
  if (requests.length === 0) return null;
  return requests.filter((r) => r.ok).length / requests.length;
}
