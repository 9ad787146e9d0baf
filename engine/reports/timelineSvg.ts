import type { Interval, ReportModel, Segment } from './model.ts';
import { clockTime, esc, offset } from './format.ts';

/**
 * The timeline picture, hand-written SVG: one lane per step (its run, retries and
 * compensation), the fault window shaded across every lane, then the health check's status,
 * the DNS answer, each client probe's successes and errors and the writer's writes. The
 * x axis is AWS time. Lanes carry `data-lane`, the fault window `data-fault`, for readers and
 * tests.
 */

const WIDTH = 1040;
const LABEL = 200;
const RIGHT = 16;
const ROW = 22;
const AXIS = 34;
const STATUS_COLOR: Record<string, string> = {
  succeeded: '#2f855a',
  failed: '#c53030',
  aborted: '#dd6b20',
  running: '#3182ce',
  skipped: '#a0aec0',
  'not-run': '#cbd5e0',
};
const SVG_STYLE = [
  'text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:11px;fill:#2d3748}',
  '.group{font-weight:600;font-size:11.5px;fill:#1a202c}',
  '.tick{font-size:10px;fill:#4a5568}.tick.abs{fill:#718096}',
  '.axis{stroke:#a0aec0}.grid{stroke:#edf2f7}.sep{stroke:#e2e8f0}',
  '.fault{fill:#fed7d7;fill-opacity:.55;stroke:#fc8181;stroke-dasharray:4 3}.fault-label{font-size:10px;font-weight:600;fill:#c53030}',
  '.run.open{fill-opacity:.55}.retry{stroke:#dd6b20;stroke-width:2}',
  '.undo{fill:#805ad5}.undo.failed{fill:#c53030}.end{stroke:#4a5568;stroke-dasharray:2 2}',
  '.seg{fill:#fff;font-size:10px}.note{fill:#a0aec0;font-style:italic}',
  '.ok{stroke:#38a169;stroke-width:1.5}.err{stroke:#e53e3e;stroke-width:2}.unacked{stroke:#a0aec0}',
].join('');
const ANSWER_COLORS = ['#4c6ef5', '#f08c00', '#12b886', '#ae3ec9', '#1098ad'];

/** Renders the model's timeline as an `<svg>` element. */
export function renderTimelineSvg(model: ReportModel): string {
  const span = Math.max(1, model.end - model.start);
  const x = (t: number) => LABEL + ((Math.min(Math.max(t, model.start), model.end) - model.start) / span) * (WIDTH - LABEL - RIGHT);
  const rows: string[] = [];
  let y = AXIS;
  const heading = (text: string) => {
    rows.push(`<text class="group" x="8" y="${y + 15}">${esc(text)}</text>`);
    y += ROW;
  };
  heading('Steps');
  const lanesTop = y;
  for (const lane of model.lanes) {
    rows.push(laneRow(lane, y, x, model.end));
    y += ROW;
  }
  const lanesBottom = y;
  const evidence = evidenceRows(
    model,
    x,
    () => y,
    (dy) => (y += dy),
    heading,
  );
  const height = y + 8;
  const faults = model.faults
    .map((f) => {
      const x0 = x(f.start);
      const x1 = x(f.end ?? model.end);
      return `<g data-fault="${esc(f.label)}"><rect class="fault" x="${x0}" y="${lanesTop - 4}" width="${Math.max(2, x1 - x0)}" height="${height - lanesTop - 4}"><title>${esc(f.label)}: ${clockTime(f.start)} – ${f.end === undefined ? 'still on' : clockTime(f.end)}</title></rect><text class="fault-label" x="${x0 + 4}" y="${lanesTop + 9}">${esc(f.label)}</text></g>`;
    })
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of the run in AWS time">`,
    `<style>${SVG_STYLE}</style>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    faults,
    axis(model, x, height),
    `<line class="sep" x1="${LABEL}" x2="${WIDTH - RIGHT}" y1="${lanesBottom + 2}" y2="${lanesBottom + 2}"/>`,
    ...rows,
    ...evidence,
    '</svg>',
  ].join('\n');
}

/** One step's lane: label, run bar (status colour), retry ticks, compensation bar beneath. */
function laneRow(lane: ReportModel['lanes'][number], y: number, x: (t: number) => number, end: number): string {
  const parts = [
    `<g class="lane" data-lane="${esc(lane.id)}" data-status="${esc(lane.status)}">`,
    `<text class="label" x="16" y="${y + 15}">${esc(truncate(lane.id, 26))}<title>${esc(`${lane.id} (${lane.type})${lane.description ? `: ${lane.description}` : ''}`)}</title></text>`,
  ];
  if (lane.run) {
    const x0 = x(lane.run.start);
    const w = Math.max(3, x(lane.run.end ?? end) - x0);
    const open = lane.run.end === undefined ? ' open' : '';
    parts.push(
      `<rect class="run${open}" x="${x0}" y="${y + 4}" width="${w}" height="11" rx="2" fill="${STATUS_COLOR[lane.status] ?? '#718096'}"><title>${esc(`${lane.id}: ${lane.status}, ${interval(lane.run)}`)}</title></rect>`,
    );
  } else if (lane.status === 'skipped') {
    parts.push(`<text class="note" x="${LABEL + 4}" y="${y + 14}">skipped</text>`);
  }
  for (const at of lane.retries)
    parts.push(
      `<line class="retry" x1="${x(at)}" x2="${x(at)}" y1="${y + 2}" y2="${y + 17}"><title>retry at ${clockTime(at)}</title></line>`,
    );
  if (lane.compensation) {
    const x0 = x(lane.compensation.start);
    const w = Math.max(4, x(lane.compensation.end ?? end) - x0);
    const failed = lane.compensation.status === 'failed' ? ' failed' : '';
    parts.push(
      `<rect class="undo${failed}" x="${x0}" y="${y + 15}" width="${w}" height="5" rx="1"><title>${esc(`compensation ${lane.compensation.status ?? 'running'}, ${interval(lane.compensation)}`)}</title></rect>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

/** The rows below the steps: health checks, DNS answers, probes, writes (only those present). */
function evidenceRows(
  model: ReportModel,
  x: (t: number) => number,
  y: () => number,
  advance: (dy: number) => void,
  heading: (t: string) => void,
): string[] {
  const out: string[] = [];
  const label = (text: string, title: string) =>
    `<text class="label" x="16" y="${y() + 15}">${esc(truncate(text, 26))}<title>${esc(title)}</title></text>`;
  if (model.healthChecks.length) {
    heading('Health check');
    for (const h of model.healthChecks) {
      out.push(
        `<g class="health" data-health-check="${esc(h.id)}">${label(h.id, `health check ${h.id}`)}${segments(h.segments, x, y(), (v) => (v === 'healthy' ? '#38a169' : '#e53e3e'), false)}</g>`,
      );
      advance(ROW);
    }
  }
  if (model.dns.length) {
    heading(model.dns[0]!.source === 'await-steps' ? 'DNS answer (seen by the await steps)' : 'DNS answer');
    for (const d of model.dns) {
      const answers = [...new Set(d.segments.map((s) => s.value))];
      out.push(
        `<g class="dns" data-dns="${esc(d.name)}">${label(d.name, `DNS answer for ${d.name}`)}${segments(d.segments, x, y(), (v) => ANSWER_COLORS[answers.indexOf(v) % ANSWER_COLORS.length]!, true)}</g>`,
      );
      advance(ROW);
    }
  }
  if (model.probes.length) {
    heading('Clients (ok / error)');
    for (const p of model.probes) {
      const name = p.clientClass ? `${p.probe} · ${p.clientClass}` : p.probe;
      const ticks = p.samples
        .map(
          (s) =>
            `<line class="${s.ok ? 'ok' : 'err'}" x1="${x(s.at)}" x2="${x(s.at)}" y1="${y() + (s.ok ? 3 : 10)}" y2="${y() + (s.ok ? 10 : 18)}"/>`,
        )
        .join('');
      out.push(`<g class="probe" data-probe="${esc(p.probe)}">${label(name, `${name}: ${p.ok} ok, ${p.errors} errors`)}${ticks}</g>`);
      advance(ROW);
    }
  }
  if (model.writes.length) {
    heading('Writes (acknowledged / lost)');
    for (const w of model.writes) {
      const ticks = w.points
        .map(
          (p) =>
            `<line class="${p.acked && p.readBack === false ? 'err' : p.acked ? 'ok' : 'unacked'}" x1="${x(p.at)}" x2="${x(p.at)}" y1="${y() + 4}" y2="${y() + 17}"/>`,
        )
        .join('');
      out.push(
        `<g class="writes" data-writes="${esc(w.probe)}">${label(w.probe, `${w.probe}: ${w.acked} acknowledged, ${w.lost} lost`)}${ticks}</g>`,
      );
      advance(ROW);
    }
  }
  return out;
}

/** Value segments as bars, labelled inside when `labelled` and there is room. */
function segments(
  list: Array<Segment<string>>,
  x: (t: number) => number,
  y: number,
  color: (v: string) => string,
  labelled: boolean,
): string {
  return list
    .map((s) => {
      const x0 = x(s.start);
      const w = Math.max(2, x(s.end) - x0);
      const room = Math.floor((w - 6) / 6.2);
      const text = labelled && room >= 4 ? `<text class="seg" x="${x0 + 4}" y="${y + 14}">${esc(truncate(s.value, room))}</text>` : '';
      return `<rect x="${x0}" y="${y + 3}" width="${w}" height="15" fill="${color(s.value)}" opacity="0.85"><title>${esc(`${s.value} from ${clockTime(s.start)}`)}</title></rect>${text}`;
    })
    .join('');
}

/** The time axis: about eight ticks at round offsets, relative and absolute. */
function axis(model: ReportModel, x: (t: number) => number, height: number): string {
  const span = Math.max(1, model.end - model.start);
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
  const step = steps.find((s) => span / s <= 8) ?? 7_200_000;
  const parts = [`<line class="axis" x1="${LABEL}" x2="${WIDTH - RIGHT}" y1="${AXIS - 6}" y2="${AXIS - 6}"/>`];
  for (let t = 0; t <= span; t += step) {
    const at = x(model.start + t);
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${AXIS - 6}" y2="${height - 4}"/>`);
    // A tick near the right edge is anchored at its end so that its label stays inside.
    const anchor = at > WIDTH - RIGHT - 30 ? 'end' : 'middle';
    parts.push(`<text class="tick" x="${at}" y="${AXIS - 20}" text-anchor="${anchor}">${offset(t).replace(/\.0$/, '')}</text>`);
    parts.push(
      `<text class="tick abs" x="${at}" y="${AXIS - 10}" text-anchor="${anchor}">${clockTime(model.start + t).slice(0, 8)}</text>`,
    );
  }
  parts.push(
    `<text class="tick" x="8" y="${AXIS - 20}">since start</text><text class="tick abs" x="8" y="${AXIS - 10}">AWS time (UTC)</text>`,
  );
  return parts.join('');
}

function interval(i: Interval): string {
  return `${clockTime(i.start)} – ${i.end === undefined ? 'unfinished' : `${clockTime(i.end)} (${((i.end - i.start) / 1000).toFixed(2)}s)`}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
