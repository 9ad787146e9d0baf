import type { EventStamp, RunEvent } from '../events.ts';
import type { EvidenceSample } from '../evidence.ts';

/**
 * The drill's evidence as the report draws it. Probes journal raw samples (`engine/evidence.ts`:
 * every health-check poll, every DNS answer, every client request, acknowledgements and
 * read-backs apart); a report wants changes and series: the health check's status and the DNS
 * answer only when they change, one point per write with its read-back, verdicts without their
 * printed line. {@link toModelEvents} turns the one into the other, in order.
 */
export type ReportEvidenceBody =
  | { kind: 'fault'; action: 'start' | 'stop'; experimentId: string; region?: string }
  | { kind: 'health-check'; healthCheckId: string; status: 'healthy' | 'unhealthy'; reason?: string }
  | { kind: 'dns-answer'; name: string; answer: string }
  | { kind: 'probe-sample'; probe: string; clientClass?: string; ok: boolean; status?: number; region?: string; latencyMs?: number }
  | { kind: 'write'; probe: string; record: number; acked: boolean; readBack?: boolean }
  | { kind: 'verdict'; name: string; expression: string; actual: Scalar; limit: Scalar; pass: boolean; pointer?: string; error?: string };

type Scalar = number | string | boolean | null;

type DrillKinds = EvidenceSample['kind'] | 'verdict' | 'measures';

/** A run event the report model reads: the engine's own, or a piece of evidence as drawn. */
export type ModelEvent = Exclude<RunEvent, { kind: DrillKinds }> | (ReportEvidenceBody & EventStamp);

/** The run's events with the drill's samples turned into what the report draws. */
export function toModelEvents(events: readonly RunEvent[]): ModelEvent[] {
  const readBack = new Map<string, boolean>();
  for (const e of events) if (e.kind === 'write-readback') readBack.set(`${e.probe}\u0000${e.record}`, e.found);
  const lastHealth = new Map<string, string>();
  const lastAnswer = new Map<string, string>();
  const out: ModelEvent[] = [];
  const stamp = (e: RunEvent): EventStamp => ({ seq: e.seq, wall: e.wall, aws: e.aws });
  for (const e of events) {
    switch (e.kind) {
      case 'fault-start':
      case 'fault-stop':
        out.push({ kind: 'fault', action: e.kind === 'fault-start' ? 'start' : 'stop', experimentId: e.experimentId ?? '', ...stamp(e) });
        break;
      case 'health-check-status': {
        const status = e.healthy ? 'healthy' : 'unhealthy';
        if (lastHealth.get(e.healthCheckId) === status) break;
        lastHealth.set(e.healthCheckId, status);
        out.push({ kind: 'health-check', healthCheckId: e.healthCheckId, status, ...(e.detail ? { reason: e.detail } : {}), ...stamp(e) });
        break;
      }
      case 'dns-answer': {
        const answer = e.values.length ? e.values.join(', ') : e.status;
        if (lastAnswer.get(e.name) === answer) break;
        lastAnswer.set(e.name, answer);
        out.push({ kind: 'dns-answer', name: e.name, answer, ...stamp(e) });
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
