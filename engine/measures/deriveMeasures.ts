import { CacheClass, samplesOf, type EvidenceSample } from '../evidence.ts';
import { availability, clientProbes, errorWindow, errorWindowRange, requestsOf } from './clientWindows.ts';
import { faultWindows, type TimeWindow } from './faultWindows.ts';
import { rpo, type RpoMeasure } from './rpo.ts';
import { rtoSplit, type Direction, type MarkedPhase, type RtoPhases, type RtoSplit } from './rtoSplit.ts';

/** Measures of one direction, as objectives read them (`measures.failover.rto`). AWS ms or counts; null = not measured. */
export interface DirectionMeasures extends RtoPhases {
  rpo: { lostWrites: number | null; spanMs: number | null; acknowledged: number; checked: number };
  /** Client-visible error window per client probe. */
  errorWindow: Record<string, number | null>;
  /**
   * How exact these figures are, as the samples allow (AWS ms): for each RTO mark, how long
   * before it the change may have happened (the RTO lies between `rto - marks.stable` and `rto`);
   * for each error window, the least and most it can have been.
   */
  resolution: {
    marks: Partial<Record<MarkedPhase, number>>;
    errorWindow: Record<string, { min: number; max: number | null } | null>;
  };
}

/**
 * Everything derived from a drill's evidence. `failover`, `failback`, `errorWindow` (= the
 * failover's, per client probe) and `availability` (per client probe, and `all`) are what
 * objectives and `assert` read as `measures.*`; `details` keeps the marks and lost writes for
 * reports.
 */
export interface Measures {
  faultStart: number | null;
  faultStop: number | null;
  /** The client probe whose requests define onset, recovery and stability of the RTO. */
  referenceClient: string | null;
  failover: DirectionMeasures;
  failback: DirectionMeasures;
  errorWindow: Record<string, number | null>;
  availability: Record<string, number | null>;
  details: { failover?: RtoSplit; failback?: RtoSplit; lostWrites: { failover: RpoMeasure['lost']; failback: RpoMeasure['lost'] } };
}

export interface MeasureOptions {
  /** Default: the first client probe that honours TTLs, else the first client probe. */
  referenceClient?: string;
  healthCheckId?: string;
  dnsName?: string;
  /** The client probes in the workflow's order: the order of error windows and availability. */
  clients?: readonly string[];
}

/** Derives every measure from the evidence (pure; the stream may be in any order). */
export function deriveMeasures(events: readonly EvidenceSample[], options: MeasureOptions = {}): Measures {
  const windows = faultWindows(events);
  const clients = clientProbes(events, options.clients);
  const reference = options.referenceClient ?? referenceClient(events, clients);
  const failoverRpo = rpo(events, 'failover');
  const failbackRpo = rpo(events, 'failback');
  const split = (direction: Direction, window: TimeWindow | undefined) =>
    window && reference ? rtoSplit(events, window, direction, { ...options, client: reference }) : undefined;
  const failoverSplit = split('failover', windows.failover);
  const failbackSplit = split('failback', windows.failback);
  const direction = (s: RtoSplit | undefined, window: TimeWindow | undefined, r: RpoMeasure): DirectionMeasures => ({
    onset: s?.onset ?? null,
    detection: s?.detection ?? null,
    dns: s?.dns ?? null,
    recovery: s?.recovery ?? null,
    stable: s?.stable ?? null,
    rto: s?.rto ?? null,
    rpo: { lostWrites: r.lostWrites, spanMs: r.spanMs, acknowledged: r.acknowledged, checked: r.checked },
    errorWindow: Object.fromEntries(clients.map((c) => [c, window ? errorWindow(requestsOf(events, c), window) : null])),
    resolution: {
      marks: s?.resolution ?? {},
      errorWindow: Object.fromEntries(clients.map((c) => [c, window ? errorWindowRange(requestsOf(events, c), window) : null])),
    },
  });
  const failover = direction(failoverSplit, windows.failover, failoverRpo);
  const all = samplesOf(events, 'client-request');
  return {
    faultStart: windows.failover?.start ?? null,
    faultStop: windows.failback?.start ?? null,
    referenceClient: reference ?? null,
    failover,
    failback: direction(failbackSplit, windows.failback, failbackRpo),
    errorWindow: failover.errorWindow,
    availability: { all: availability(all), ...Object.fromEntries(clients.map((c) => [c, availability(requestsOf(events, c))])) },
    details: {
      ...(failoverSplit ? { failover: failoverSplit } : {}),
      ...(failbackSplit ? { failback: failbackSplit } : {}),
      lostWrites: { failover: failoverRpo.lost, failback: failbackRpo.lost },
    },
  };
}

function referenceClient(events: readonly EvidenceSample[], clients: string[]): string | undefined {
  const requests = samplesOf(events, 'client-request');
  return clients.find((c) => requests.some((r) => r.probe === c && r.cache === CacheClass.TTL)) ?? clients[0];
}
