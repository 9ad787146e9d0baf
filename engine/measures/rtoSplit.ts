import {
  samplesOf,
  type ClientRequestSample,
  type DnsAnswerSample,
  type EvidenceSample,
  type HealthCheckStatusSample,
} from '../evidence.ts';
import { clientOutage } from './clientWindows.ts';
import type { TimeWindow } from './faultWindows.ts';

/** Which way the traffic moves: away from the primary (fault start) or back to it (fault stop). */
export type Direction = 'failover' | 'failback';

/** The instants that end each phase of an RTO, in AWS epoch ms. */
export interface RtoMarks {
  /** Fault start (failover) or fault stop (failback). */
  start: number;
  /** First failed client request (the start when no request failed). */
  onset?: number;
  /** Health check reported unhealthy (failover) or healthy again (failback). */
  detection?: number;
  /** DNS answer changed from what it was at `start`. */
  dns?: number;
  /** First success from the standby (failover) or from the primary again (failback). */
  recovery?: number;
  /** First success after the last failure: no more errors. */
  stable?: number;
}

/** The RTO's consecutive phases (AWS ms) and their sum; a phase not reached is null, and so is every later one. */
export interface RtoPhases {
  onset: number | null;
  detection: number | null;
  dns: number | null;
  recovery: number | null;
  stable: number | null;
  /** Start → stable, the sum of the phases; null unless the traffic really moved and settled. */
  rto: number | null;
}

/** The phases' marks, which are samples: the change they mark happened after the sample before. */
export type MarkedPhase = 'onset' | 'detection' | 'dns' | 'recovery' | 'stable';

/** The RTO of one direction split into its phases, with the marks that end them. */
export interface RtoSplit extends RtoPhases {
  direction: Direction;
  marks: RtoMarks;
  /**
   * How long before each mark the change may have happened (AWS ms): the gap between the sample
   * that showed it and the sample of the same stream before (a client's requests, the health
   * check watch, the DNS watch). Absent when no sample came before. The fault start is exact.
   */
  resolution: Partial<Record<MarkedPhase, number>>;
  /** Whether any client request failed in the phase (onset 0 otherwise). */
  clientErrors: boolean;
}

export interface RtoOptions {
  /** Client probe whose requests define onset, recovery and stability. */
  client: string;
  /** Health check to read (default: any). */
  healthCheckId?: string;
  /** Name whose DNS answers count (default: any). */
  dnsName?: string;
}

/**
 * The RTO of one direction, from the evidence. Marks are taken in order and never go back in
 * time (a health check that turned unhealthy before the client's first error makes detection
 * 0, not negative): each phase is the time from the previous mark to its own.
 *
 * Failover needs the health check to go unhealthy, the DNS answer to change and a success
 * from another region than the one that served before the fault; a drill where any of these
 * never happens has no RTO (null), whatever the clients saw. Failback mirrors it: healthy
 * again, answer changed back, success from the original region.
 */
export function rtoSplit(events: readonly EvidenceSample[], window: TimeWindow, direction: Direction, options: RtoOptions): RtoSplit {
  const requests = samplesOf(events, 'client-request').filter((r) => r.probe === options.client);
  const outage = clientOutage(requests, window);
  const primary = primaryRegion(requests, window, direction);
  const health = samplesOf(events, 'health-check-status').filter(
    (h) => options.healthCheckId === undefined || h.healthCheckId === options.healthCheckId,
  );
  const answers = samplesOf(events, 'dns-answer').filter((a) => options.dnsName === undefined || a.name === options.dnsName);
  const raw = {
    onset: outage.firstError ?? window.start,
    detection: healthMark(health, window.start, direction === 'failback'),
    dns: dnsMark(answers, window.start),
    recovery: requests.find(
      (r) =>
        r.ok && r.aws >= window.start && r.region !== undefined && (direction === 'failover' ? r.region !== primary : r.region === primary),
    )?.aws,
  };
  const times = { onset: requests, detection: health, dns: answers, recovery: requests };
  const marks: RtoMarks = { start: window.start };
  const phases: Omit<RtoPhases, 'rto'> = {
    onset: null,
    detection: null,
    dns: null,
    recovery: null,
    stable: null,
  };
  const resolution: RtoSplit['resolution'] = {};
  let previous = window.start;
  let previousResolution: number | undefined = 0;
  let reached = true;
  for (const phase of ['onset', 'detection', 'dns', 'recovery'] as const) {
    const at = raw[phase];
    if (!reached || at === undefined) {
      reached = false;
      continue;
    }
    marks[phase] = Math.max(previous, at);
    phases[phase] = marks[phase]! - previous;
    previous = marks[phase]!;
    // No client error: onset is the fault start itself, exact.
    previousResolution = phase === 'onset' && outage.firstError === undefined ? 0 : gapBefore(times[phase], at);
    if (previousResolution !== undefined) resolution[phase] = previousResolution;
  }
  if (reached) {
    const stable = outage.firstError === undefined ? previous : outage.recoveredAt;
    if (stable !== undefined) {
      marks.stable = Math.max(previous, stable);
      phases.stable = marks.stable - previous;
      // After the last failed request, the first success; without errors, the last mark's own.
      const stableResolution = outage.firstError === undefined ? previousResolution : stable - outage.lastError!;
      if (stableResolution !== undefined) resolution.stable = stableResolution;
    }
  }
  const rto = marks.stable === undefined ? null : marks.stable - window.start;
  return { direction, marks, resolution, ...phases, rto, clientErrors: outage.firstError !== undefined };
}

/** How long before `at` the sample stream's previous sample came; undefined when none did. */
function gapBefore(samples: ReadonlyArray<{ aws: number }>, at: number): number | undefined {
  let before: number | undefined;
  for (const sample of samples) if (sample.aws < at && (before === undefined || sample.aws > before)) before = sample.aws;
  return before === undefined ? undefined : at - before;
}

/**
 * The primary: the region that served the client's last success before the fault started
 * (for a failback, before the failover's start, i.e. the earliest window), else its first.
 */
function primaryRegion(requests: readonly ClientRequestSample[], window: TimeWindow, direction: Direction): string | undefined {
  const served = requests.filter((r) => r.ok && r.region !== undefined);
  if (direction === 'failover') return (served.filter((r) => r.aws < window.start).pop() ?? served[0])?.region;
  return served[0]?.region;
}

function healthMark(health: readonly HealthCheckStatusSample[], from: number, healthy: boolean): number | undefined {
  return health.find((s) => s.aws >= from && s.healthy === healthy)?.aws;
}

function dnsMark(answers: readonly DnsAnswerSample[], from: number): number | undefined {
  const key = (values: string[]) => [...values].sort().join(',');
  const before = answers.filter((a) => a.aws < from).pop() ?? answers.find((a) => a.aws >= from);
  if (!before) return undefined;
  return answers.find((a) => a.aws >= from && key(a.values) !== key(before.values))?.aws;
}
