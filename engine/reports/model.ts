import type { RunEvent } from '../events.ts';
import { toModelEvents, type ModelEvent } from './evidenceView.ts';
import { actualText, limitText, clockTime } from './format.ts';

/**
 * The report model: what every rendering (HTML timeline, Markdown, JSON, JUnit) shows, derived
 * by one pure function from the run's events. Times are epoch ms of AWS time (the run's clock);
 * `wall` is kept beside them only for "how long you waited". Kinds it does not know are ignored.
 */

/** A span of AWS time; `end` absent while it was still open when the events stop. */
export interface Interval {
  start: number;
  end?: number;
}

/** One step's lane: when it acted, when it was retried, when it was compensated. */
export interface Lane {
  id: string;
  type: string;
  description?: string;
  status: string;
  run?: Interval;
  retries: number[];
  compensation?: Interval & { status?: string };
}

/** A value that held from `start` until `end` (the next change, or the model's end). */
export interface Segment<T> {
  start: number;
  end: number;
  value: T;
}

/** Where the fault window comes from: `fault` events, or the experiment steps' start and stop. */
export type FaultSource = 'fault-events' | 'experiment-steps';

/** A fault window. */
export interface FaultWindow extends Interval {
  label: string;
  source: FaultSource;
}

/** Client request samples of one probe (and client class). */
export interface ProbeSeries {
  probe: string;
  clientClass?: string;
  ok: number;
  errors: number;
  samples: Array<{ at: number; ok: boolean; status?: number; region?: string; latencyMs?: number }>;
}

/** The writer's writes of one probe: acknowledged, and lost (acknowledged but not read back). */
export interface WriteSeries {
  probe: string;
  acked: number;
  lost: number;
  points: Array<{ at: number; seq: number; acked: boolean; readBack?: boolean }>;
}

/** An objective's verdict. */
export interface Verdict {
  name: string;
  expression: string;
  actual: number | string | boolean | null;
  limit: number | string | boolean | null;
  pass: boolean;
  /** Where the objective is declared (a JSON pointer into the workflow, `/objectives/rto`). */
  pointer?: string;
  /** Why it could not be evaluated (`not measured: measures.failover.rto has no value`). */
  error?: string;
  at: string;
}

/** One row of the timeline table: an absolute AWS time and what happened. */
export interface TimelineRow {
  at: number;
  wall: number;
  what: string;
  detail: string;
}

/** Everything a rendering draws. */
export interface ReportModel {
  /** AWS time of the first and the last event. */
  start: number;
  end: number;
  lanes: Lane[];
  faults: FaultWindow[];
  healthChecks: Array<{ id: string; segments: Array<Segment<string>> }>;
  dns: Array<{ name: string; source: 'dns-answer-events' | 'await-steps'; segments: Array<Segment<string>> }>;
  probes: ProbeSeries[];
  writes: WriteSeries[];
  verdicts: Verdict[];
  rows: TimelineRow[];
}

/** Builds the model from a run's events (in `seq` order). */
export function reportModel(runEvents: readonly RunEvent[]): ReportModel {
  const events = toModelEvents(runEvents);
  const start = events[0]?.aws ?? 0;
  const end = Math.max(start, ...events.map((e) => e.aws));
  const lanes = laneMap(events);
  const model: ReportModel = {
    start,
    end,
    lanes: [...lanes.values()],
    faults: faultWindows(events),
    healthChecks: segmentsBy(events, end, (e) => (e.kind === 'health-check' ? [e.healthCheckId, e.status] : undefined)).map(
      ([id, segments]) => ({ id, segments }),
    ),
    dns: dnsAnswers(events, end),
    probes: probeSeries(events),
    writes: writeSeries(events),
    verdicts: events.flatMap((e) =>
      e.kind === 'verdict'
        ? [
            {
              name: e.name,
              expression: e.expression,
              actual: e.actual,
              limit: e.limit,
              pass: e.pass,
              ...(e.pointer ? { pointer: e.pointer } : {}),
              ...(e.error ? { error: e.error } : {}),
              at: new Date(e.aws).toISOString(),
            },
          ]
        : [],
    ),
    rows: events.flatMap((e) => {
      const row = timelineRow(e);
      return row ? [{ at: e.aws, wall: e.wall, ...row }] : [];
    }),
  };
  return model;
}

/** The lanes, one per step, in the order of `run-start` (then first appearance). */
function laneMap(events: readonly ModelEvent[]): Map<string, Lane> {
  const lanes = new Map<string, Lane>();
  const lane = (id: string, type = '?'): Lane => {
    let l = lanes.get(id);
    if (!l) lanes.set(id, (l = { id, type, status: 'not-run', retries: [] }));
    return l;
  };
  for (const e of events) {
    if (e.kind === 'run-start')
      for (const s of e.steps ?? []) Object.assign(lane(s.id, s.type), s.description ? { description: s.description } : {});
    else if (e.kind === 'step-intent') Object.assign(lane(e.stepId, e.type), { status: 'running', run: { start: e.aws } });
    else if (e.kind === 'step-skipped') lane(e.stepId, e.type).status = 'skipped';
    else if (e.kind === 'step-retry') lane(e.stepId).retries.push(e.aws);
    else if (e.kind === 'step-result') {
      const l = lane(e.stepId);
      l.status = e.status;
      l.run = { start: l.run?.start ?? e.aws - e.durationMs, end: e.aws };
    } else if (e.kind === 'compensation-start') lane(e.stepId, e.type).compensation = { start: e.aws };
    else if (e.kind === 'compensation-result') {
      const l = lane(e.stepId);
      l.compensation = { start: l.compensation?.start ?? e.aws - e.durationMs, end: e.aws, status: e.status };
    }
  }
  return lanes;
}

/**
 * Fault windows from `fault` events; without any, from the experiment steps: a fault starts
 * when a `startExperiment` step succeeded and stops when a `stopExperiment` step succeeded or
 * the start step was compensated.
 */
function faultWindows(events: readonly ModelEvent[]): FaultWindow[] {
  const windows: FaultWindow[] = [];
  const open = new Map<string, FaultWindow>();
  const close = (key: string, at: number) => {
    const w = open.get(key) ?? (open.size === 1 ? [...open.values()][0] : undefined);
    if (!w) return;
    w.end = at;
    for (const [k, v] of open) if (v === w) open.delete(k);
  };
  if (events.some((e) => e.kind === 'fault')) {
    for (const e of events) {
      if (e.kind !== 'fault') continue;
      if (e.action === 'stop') close(e.experimentId, e.aws);
      else {
        const w: FaultWindow = { start: e.aws, label: `${e.experimentId}${e.region ? ` (${e.region})` : ''}`, source: 'fault-events' };
        windows.push(w);
        open.set(e.experimentId, w);
      }
    }
    return windows;
  }
  const types = new Map<string, string>();
  for (const e of events) {
    if (e.kind === 'step-intent') types.set(e.stepId, e.type);
    if (e.kind === 'step-result' && e.status === 'succeeded' && types.get(e.stepId) === 'startExperiment') {
      const id = experimentIdOf(e.outputs) ?? e.stepId;
      const w: FaultWindow = { start: e.aws, label: `fault: ${e.stepId}`, source: 'experiment-steps' };
      windows.push(w);
      open.set(id, w);
    } else if (e.kind === 'step-result' && e.status === 'succeeded' && types.get(e.stepId) === 'stopExperiment') {
      close(experimentIdOf(e.outputs) ?? '', e.aws);
    } else if (e.kind === 'compensation-result' && types.get(e.stepId) === 'startExperiment') close(e.stepId, e.aws);
  }
  return windows;
}

function experimentIdOf(outputs: unknown): string | undefined {
  const id = (outputs as { experimentId?: unknown } | undefined)?.experimentId;
  return typeof id === 'string' ? id : undefined;
}

/** Groups value changes by key into segments that last until the next change (or `end`). */
function segmentsBy(
  events: readonly ModelEvent[],
  end: number,
  pick: (e: ModelEvent) => [string, string] | undefined,
): Array<[string, Array<Segment<string>>]> {
  const byKey = new Map<string, Array<Segment<string>>>();
  for (const e of events) {
    const picked = pick(e);
    if (!picked) continue;
    const [key, value] = picked;
    const list = byKey.get(key) ?? [];
    byKey.set(key, list);
    const last = list.at(-1);
    if (last?.value === value) continue;
    if (last) last.end = e.aws;
    list.push({ start: e.aws, end, value });
  }
  return [...byKey];
}

/**
 * DNS answers from `dns-answer` events; without any, the answer each successful
 * `awaitDnsTarget` step saw when it ended (its `answer` output for its `name` param).
 */
function dnsAnswers(events: readonly ModelEvent[], end: number): ReportModel['dns'] {
  if (events.some((e) => e.kind === 'dns-answer')) {
    return segmentsBy(events, end, (e) => (e.kind === 'dns-answer' ? [e.name, e.answer] : undefined)).map(([name, segments]) => ({
      name,
      source: 'dns-answer-events',
      segments,
    }));
  }
  const names = new Map<string, string>();
  const awaits = events.filter((e) => e.kind === 'step-intent' && e.type === 'awaitDnsTarget');
  for (const e of awaits)
    if (e.kind === 'step-intent') names.set(e.stepId, String((e.params as { name?: unknown } | undefined)?.name ?? '?'));
  return segmentsBy(events, end, (e) => {
    if (e.kind !== 'step-result' || e.status !== 'succeeded' || !names.has(e.stepId)) return undefined;
    const answer = (e.outputs as { answer?: unknown } | undefined)?.answer;
    return typeof answer === 'string' ? [names.get(e.stepId)!, answer] : undefined;
  }).map(([name, segments]) => ({ name, source: 'await-steps', segments }));
}

function probeSeries(events: readonly ModelEvent[]): ProbeSeries[] {
  const series = new Map<string, ProbeSeries>();
  for (const e of events) {
    if (e.kind !== 'probe-sample') continue;
    const key = `${e.probe}\u0000${e.clientClass ?? ''}`;
    let s = series.get(key);
    if (!s)
      series.set(key, (s = { probe: e.probe, ...(e.clientClass ? { clientClass: e.clientClass } : {}), ok: 0, errors: 0, samples: [] }));
    if (e.ok) s.ok++;
    else s.errors++;
    s.samples.push({
      at: e.aws,
      ok: e.ok,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.region ? { region: e.region } : {}),
      ...(e.latencyMs !== undefined ? { latencyMs: e.latencyMs } : {}),
    });
  }
  return [...series.values()];
}

function writeSeries(events: readonly ModelEvent[]): WriteSeries[] {
  const series = new Map<string, WriteSeries>();
  for (const e of events) {
    if (e.kind !== 'write') continue;
    let s = series.get(e.probe);
    if (!s) series.set(e.probe, (s = { probe: e.probe, acked: 0, lost: 0, points: [] }));
    if (e.acked) s.acked++;
    if (e.acked && e.readBack === false) s.lost++;
    s.points.push({ at: e.aws, seq: e.record, acked: e.acked, ...(e.readBack !== undefined ? { readBack: e.readBack } : {}) });
  }
  return [...series.values()];
}

/** What a timeline table row says of an event; undefined for events not worth a row. */
function timelineRow(e: ModelEvent): { what: string; detail: string } | undefined {
  switch (e.kind) {
    case 'run-start':
      return { what: 'run started', detail: e.workflow.name };
    case 'step-intent':
      return { what: `${e.stepId} started`, detail: e.type };
    case 'step-skipped':
      return { what: `${e.stepId} skipped`, detail: 'its condition was false' };
    case 'step-retry':
      return { what: `${e.stepId} retried`, detail: `attempt ${e.attempt} failed: ${e.error.message}` };
    case 'step-result':
      return { what: `${e.stepId} ${e.status}`, detail: e.error ? e.error.message : `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}` };
    case 'compensation-start':
      return { what: `${e.stepId} compensating`, detail: e.type };
    case 'compensation-result':
      return { what: `${e.stepId} compensation ${e.status}`, detail: e.error?.message ?? '' };
    case 'fault':
      return { what: `fault ${e.action}`, detail: `${e.experimentId}${e.region ? ` in ${e.region}` : ''}` };
    case 'health-check':
      return { what: `health check ${e.status}`, detail: `${e.healthCheckId}${e.reason ? `: ${e.reason}` : ''}${changedAfter(e.after)}` };
    case 'dns-answer':
      return { what: 'DNS answer', detail: `${e.name} → ${e.answer}${changedAfter(e.after)}` };
    case 'verdict':
      return {
        what: `objective ${e.pass ? 'met' : 'BREACHED'}`,
        detail: `${e.name}: ${e.expression} (actual ${actualText(e)}, limit ${limitText(e)})`,
      };
    case 'run-dirty':
      return { what: 'run stopped at once', detail: e.reason };
    case 'run-end':
      return { what: `run ${e.status}`, detail: `exit ${e.exitCode}` };
    default:
      return undefined;
  }
}

/** ` (changed after 00:01:06.970, the read before)`: a watch sees a change only at its next read. */
function changedAfter(after: number | undefined): string {
  return after === undefined ? '' : ` (changed after ${clockTime(after)}, the read before)`;
}
