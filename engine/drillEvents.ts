import type { EvidenceSample } from './evidence.ts';
import type { Measures } from './measures/deriveMeasures.ts';
import type { Verdict } from './objectives.ts';

/**
 * The run events a drill adds to the stream: every evidence sample under its own kind
 * (`fault-start`, `fault-stop`, `health-check-status`, `dns-answer`, `client-request`,
 * `write-ack`, `write-readback`, stamped with the AWS time it observed), the measures derived
 * when the steps ended (`measures`), and one `verdict` per objective. A report is folded from
 * them like any other event, so it can be rebuilt from the journal.
 */

/** The measures of a drill, emitted once when its steps ended (before compensation). */
export interface MeasuresEvent {
  kind: 'measures';
  measures: Measures;
}

/** One objective's verdict (`failover RTO 31.2 s ≤ 60 s  PASS`). */
export type VerdictEvent = { kind: 'verdict' } & Verdict;

export type DrillEventBody = EvidenceSample | MeasuresEvent | VerdictEvent;

/** What a report says of a drill: its measures and verdicts (absent when the workflow has neither probes nor objectives). */
export interface DrillSummary {
  measures?: Measures;
  verdicts: Verdict[];
  /** Acknowledged writes the standby (failover) or the primary (failback) did not have. */
  lostWrites: Measures['details']['lostWrites'];
}

/** Folds a drill's events (any order) into its summary; undefined when there were none. */
export function foldDrill(events: ReadonlyArray<{ kind: string }>): DrillSummary | undefined {
  let measures: Measures | undefined;
  const verdicts: Verdict[] = [];
  for (const e of events) {
    if (e.kind === 'measures') measures = (e as MeasuresEvent).measures;
    else if (e.kind === 'verdict') {
      const { name, expression, actual, limit, pass, line, pointer, error } = e as VerdictEvent;
      verdicts.push({ name, expression, actual, limit, pass, line, pointer, ...(error === undefined ? {} : { error }) });
    }
  }
  if (!measures && verdicts.length === 0) return undefined;
  return { ...(measures ? { measures } : {}), verdicts, lostWrites: measures?.details.lostWrites ?? { failover: [], failback: [] } };
}

/** The drill's lines of the stdout summary: RTO split, error windows, RPO, verdicts. */
export function renderDrill(drill: DrillSummary): string[] {
  const lines: string[] = [];
  const m = drill.measures;
  if (m) {
    for (const direction of ['failover', 'failback'] as const) {
      const d = m[direction];
      if (nothingMeasured(d)) continue; // a drill without client probes: no RTO lines to print
      const phases = (['onset', 'detection', 'dns', 'recovery', 'stable'] as const).map((p) => `${p} ${seconds(d[p])}`).join(', ');
      lines.push(`${direction}: RTO ${seconds(d.rto)} (${phases})`);
      const marks = resolutionLine(d);
      if (marks) lines.push(marks);
      const windows = Object.entries(d.errorWindow);
      if (windows.length)
        lines.push(`  error window: ${windows.map(([c, w]) => `${c} ${seconds(w)}${range(d.resolution?.errorWindow[c])}`).join(', ')}`);
      if (d.rpo.checked > 0 || d.rpo.acknowledged > 0) {
        const lost = drill.lostWrites[direction];
        const which = lost.length
          ? ` (${lost
              .slice(0, 10)
              .map((l) => `${l.probe}#${l.record} acked ${new Date(l.aws).toISOString()}`)
              .join(', ')}${lost.length > 10 ? ', …' : ''})`
          : '';
        lines.push(
          `  RPO: ${d.rpo.lostWrites ?? 'not measured'} lost of ${d.rpo.checked} read back (${d.rpo.acknowledged} acknowledged), span ${seconds(d.rpo.spanMs)}${which}`,
        );
      }
    }
  }
  if (drill.verdicts.length) {
    lines.push('objectives:');
    for (const v of drill.verdicts) lines.push(`  ${v.line}`);
  }
  return lines;
}

function nothingMeasured(d: Measures['failover']): boolean {
  const phases = [d.rto, d.onset, d.detection, d.dns, d.recovery, d.stable];
  return phases.every((p) => p === null) && Object.keys(d.errorWindow).length === 0 && d.rpo.checked === 0 && d.rpo.acknowledged === 0;
}

/**
 * How exact the RTO is: each mark is the first sample that showed its change, which happened
 * at most the gap to the sample before earlier; the RTO ends at the `stable` mark.
 */
function resolutionLine(d: Measures['failover']): string | undefined {
  const marks = d.resolution?.marks ?? {};
  const known = (['onset', 'detection', 'dns', 'recovery', 'stable'] as const).filter((p) => marks[p] !== undefined && d[p] !== null);
  if (known.length === 0) return undefined;
  const rto =
    d.rto !== null && marks.stable !== undefined ? `; the RTO was between ${seconds(d.rto - marks.stable)} and ${seconds(d.rto)}` : '';
  return `  resolution: each mark is the first sample that showed its change, at most ${known.map((p) => `${p} ${seconds(marks[p]!)}`).join(', ')} after it${rto}`;
}

/** ` (72.0–76.0 s)`: what an error window can have been, given the client's samples. */
function range(r: { min: number; max: number | null } | null | undefined): string {
  if (!r) return '';
  return ` (${(r.min / 1000).toFixed(1)}–${r.max === null ? '?' : (r.max / 1000).toFixed(1)} s)`;
}

function seconds(ms: number | null): string {
  return ms === null ? 'not measured' : `${(ms / 1000).toFixed(1)} s`;
}
