import type { EventStamp, RunEvent } from '../events.ts';
import type { DnsAnswerSample, EvidenceSample, HealthCheckStatusSample } from '../evidence.ts';

/**
 * The drill's evidence as the report draws it. Probes journal raw samples (`engine/evidence.ts`:
 * every health-check poll, every DNS answer, every client request, acknowledgements and
 * read-backs apart); a report wants changes and series: the health check's status and the DNS
 * answer only when they change (with `after`, the AWS time of the read before, which still showed
 * the old value: the change happened in between), one point per write with its read-back,
 * verdicts without their printed line. {@link toModelEvents} turns the one into the other, in order.
 */
export type ReportEvidenceBody =
  | { kind: 'fault'; action: 'start' | 'stop'; experimentId: string; region?: string }
  | { kind: 'health-check'; healthCheckId: string; status: 'healthy' | 'unhealthy'; reason?: string; after?: number }
  | { kind: 'dns-answer'; name: string; answer: string; after?: number }
  | { kind: 'probe-sample'; probe: string; clientClass?: string; ok: boolean; status?: number; region?: string; latencyMs?: number }
  | { kind: 'write'; probe: string; record: number; acked: boolean; readBack?: boolean }
  | { kind: 'verdict'; name: string; expression: string; actual: Scalar; limit: Scalar; pass: boolean; pointer?: string; error?: string };

type Scalar = number | string | boolean | null;

type DrillKinds = EvidenceSample['kind'] | 'verdict' | 'measures';

/** A run event the report model reads: the engine's own, or a piece of evidence as drawn. */
export type ModelEvent = Exclude<RunEvent, { kind: DrillKinds }> | (ReportEvidenceBody & EventStamp);

/** The last read of each watched thing (a health check, a DNS name): its value and AWS time. */
type LastReads = Map<string, { value: string; aws: number }>;

/**
 * A watch's read as the report draws it: nothing when it shows what the read before showed, else
 * the change, with `after`, the AWS time of the read before (none for the first read).
 */
function watchChange(e: HealthCheckStatusSample | DnsAnswerSample, reads: LastReads): ReportEvidenceBody | undefined {
  const key = e.kind === 'dns-answer' ? `dns\u0000${e.name}` : `health\u0000${e.healthCheckId}`;
  const value = e.kind === 'dns-answer' ? (e.values.length ? e.values.join(', ') : e.status) : e.healthy ? 'healthy' : 'unhealthy';
  const before = reads.get(key);
  reads.set(key, { value, aws: e.aws });
  if (before?.value === value) return undefined;
  const after = before ? { after: before.aws } : {};
  if (e.kind === 'dns-answer') return { kind: 'dns-answer', name: e.name, answer: value, ...after };
  return {
    kind: 'health-check',
    healthCheckId: e.healthCheckId,
    status: e.healthy ? 'healthy' : 'unhealthy',
    ...(e.detail ? { reason: e.detail } : {}),
    ...after,
  };
}

/** The run's events with the drill's samples turned into what the report draws. */
export function toModelEvents(events: readonly RunEvent[]): ModelEvent[] {
  const readBack = new Map<string, boolean>();
  for (const e of events) if (e.kind === 'write-readback') readBack.set(`${e.probe}\u0000${e.record}`, e.found);
  const reads: LastReads = new Map();
  const out: ModelEvent[] = [];
  const stamp = (e: RunEvent): EventStamp => ({ seq: e.seq, wall: e.wall, aws: e.aws });
  for (const e of events) {
    switch (e.kind) {
      case 'fault-start':
      case 'fault-stop':
        out.push({ kind: 'fault', action: e.kind === 'fault-start' ? 'start' : 'stop', experimentId: e.experimentId ?? '', ...stamp(e) });
        break;
      case 'health-check-status':
      case 'dns-answer': {
        const change = watchChange(e, reads);
        if (change) out.push({ ...change, ...stamp(e) });
        break;
      }
      case 'client-request':
        out.push({
          kind: 'probe-sample',
          probe: e.probe,
          clientClass: e.cache,
          ok: e.ok,
          status: e.status,
          ...(e.region ? { region: e.region } : {}),
          latencyMs: e.latencyMs,
          ...stamp(e),
        });
        break;
      case 'write-ack': {
        const found = readBack.get(`${e.probe}\u0000${e.record}`);
        out.push({
          kind: 'write',
          probe: e.probe,
          record: e.record,
          acked: e.acknowledged,
          ...(found === undefined ? {} : { readBack: found }),
          ...stamp(e),
        });
        break;
      }
      case 'write-readback':
      case 'measures':
        break;
      case 'verdict':
        out.push({
          kind: 'verdict',
          name: e.name,
          expression: e.expression,
          actual: scalar(e.actual),
          limit: scalar(e.limit),
          pass: e.pass,
          ...(e.pointer ? { pointer: e.pointer } : {}),
          ...(e.error ? { error: e.error } : {}),
          ...stamp(e),
        });
        break;
      default:
        out.push(e);
    }
  }
  return out;
}

/** A verdict's operand as a report prints it: a measure, a limit, or null when not measured. */
function scalar(value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : JSON.stringify(value);
}
