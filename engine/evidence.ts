/**
 * Evidence: what probes and markers observed during a drill, as one typed event stream. Each
 * event has the shape of the runner's run events, `{ seq, wall, aws, kind, ... }`: `seq` orders
 * the stream, `wall` is wall-clock epoch ms (only "how long you waited"), `aws` is AWS epoch ms
 * (the clock of the target; every measure is computed from it). Probes emit
 * {@link EvidenceSample}s (no `seq`/`wall`); whoever records them (the runner) stamps those two.
 */

/** Client cache classes: how long a client keeps a DNS answer. */
export const CacheClass = {
  /** Honours the record's TTL. */
  TTL: 'ttl',
  /** Behind a resolver that raises every TTL to a minimum (`minTtl`). */
  MIN_TTL: 'minTtl',
  /** Never expires an answer once resolved (some JVMs' default). */
  FOREVER: 'forever',
} as const;
export type CacheClass = (typeof CacheClass)[keyof typeof CacheClass];

/** An FIS fault began (the experiment reached `running`). */
export interface FaultStartMarker {
  kind: 'fault-start';
  aws: number;
  experimentId?: string;
}

/** An FIS fault ended (the experiment was stopped or completed). */
export interface FaultStopMarker {
  kind: 'fault-stop';
  aws: number;
  experimentId?: string;
}

/** A health check's status as GetHealthCheckStatus reports it (unhealthy when most checkers fail). */
export interface HealthCheckStatusSample {
  kind: 'health-check-status';
  aws: number;
  healthCheckId: string;
  healthy: boolean;
  /** The checkers' reports, e.g. `Failure: HTTP Status Code 502`. */
  detail?: string;
}

/** What the target's DNS answers for a name, uncached (the authoritative view). */
export interface DnsAnswerSample {
  kind: 'dns-answer';
  aws: number;
  name: string;
  /** Record values (lowercase, no trailing dot), or empty with `status`. */
  values: string[];
  status: string;
  ttl?: number;
}

/** One request of a client probe. */
export interface ClientRequestSample {
  kind: 'client-request';
  /** AWS time the request was sent. */
  aws: number;
  /** The probe's name (one per client class in the drill: `ttl`, `minTtl`, `forever`). */
  probe: string;
  cache: CacheClass;
  /** The answer the client used (from its cache or fresh): the host it connected to. */
  answer: string;
  /** Whether that answer came from the client's cache. */
  cached: boolean;
  /** HTTP status; 0 when no response came (DNS failure, connection refused, timeout). */
  status: number;
  ok: boolean;
  /** Region that served (get-product's `x-served-region`), when a response said. */
  region?: string;
  /** AWS time from send to response. */
  latencyMs: number;
  error?: string;
}

/** One write of the writer probe (lost-write ledger), acknowledged or not. */
export interface WriteAckSample {
  kind: 'write-ack';
  /** AWS time the API answered (or the write failed). */
  aws: number;
  probe: string;
  /** The record's sequence number in the ledger (1, 2, 3, ...). */
  record: number;
  /** Region the write went to. */
  region: string;
  /** Acknowledged (2xx) by the API. */
  acknowledged: boolean;
  /** HTTP status; 0 when no response came. */
  status: number;
  error?: string;
}

/** One ledger record read back from a region after the failover (or failback). */
export interface WriteReadbackSample {
  kind: 'write-readback';
  aws: number;
  probe: string;
  record: number;
  /** Region read from. */
  region: string;
  found: boolean;
}

export type EvidenceSample =
  | FaultStartMarker
  | FaultStopMarker
  | HealthCheckStatusSample
  | DnsAnswerSample
  | ClientRequestSample
  | WriteAckSample
  | WriteReadbackSample;

export type EvidenceKind = EvidenceSample['kind'];

/** A sample as recorded in the run's event stream. */
export type EvidenceEvent = EvidenceSample & { seq: number; wall: number };

/** Where probes send what they observe. */
export type EmitEvidence = (sample: EvidenceSample) => void;

/** Samples of one kind, in AWS-time order (stable for equal times). */
export function samplesOf<K extends EvidenceKind>(events: readonly EvidenceSample[], kind: K): Array<Extract<EvidenceSample, { kind: K }>> {
  return events
    .filter((e): e is Extract<EvidenceSample, { kind: K }> => e.kind === kind)
    .map((e, i) => [e, i] as const)
    .sort((a, b) => a[0].aws - b[0].aws || a[1] - b[1])
    .map(([e]) => e);
}
