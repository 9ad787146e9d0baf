import { renderDrill } from '../drillEvents.ts';
import type { RunReport } from '../report.ts';
import { formatMs } from '../report.ts';
import type { ReportModel } from './model.ts';
import { actualText, limitText, clockTime, dateTime, esc, offset, plainValue } from './format.ts';
import { runFacts, verdictLine } from './markdown.ts';
import { renderTimelineSvg } from './timelineSvg.ts';

/**
 * `report.html`: one self-contained page (no script, no network, no fonts to fetch) for a
 * post-mortem: the verdicts, the timeline picture, the steps with their descriptions, what the
 * clients and the writer saw, inputs and outputs, the event table in AWS time, and what
 * identifies the run. Prints on A4/Letter (`@media print`).
 */
export function renderHtml(report: RunReport, model: ReportModel): string {
  const title = `${report.workflow.name}: ${report.status}`;
  const passed = report.status === 'passed' && report.verdicts.every((v) => v.pass);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<div class="title"><h1>${esc(report.workflow.name)}</h1><span class="badge ${passed ? 'pass' : 'fail'}" data-status="${esc(report.status)}">${esc(report.status.toUpperCase())}</span></div>
${report.workflow.description ? `<p class="description">${esc(report.workflow.description)}</p>` : ''}
<p class="meta">run <code>${esc(report.runId)}</code> · started ${esc(dateTime(Date.parse(report.startedAtAws)))} (AWS time) · ${esc(formatMs(report.durationMs))} · exit ${report.exitCode}</p>
</header>
<section><h2>Verdicts</h2>
<p class="verdict-line">${esc(verdictLine(report))}</p>
${verdictTable(report)}
${report.error ? `<pre class="error">${esc(report.error.message)}</pre>` : ''}
</section>
${measuresSection(report)}
<section class="timeline-section"><h2>Timeline</h2>
${legend(model)}
<div class="figure">${renderTimelineSvg(model)}</div>
</section>
<section><h2>Steps</h2>${stepTable(report)}</section>
${evidenceSection(model)}
${valuesSection('Inputs', report.inputs, report.inputDescriptions)}
${valuesSection('Outputs', report.outputs)}
<section class="events"><h2>Events (AWS time)</h2>${eventTable(report)}</section>
<section><h2>Run</h2><dl class="facts">${runFacts(report)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('')}${clockFacts(report)}</dl></section>
<footer>failover-engine ${esc(report.engineVersion ?? '')} · report version ${report.reportVersion}</footer>
</body>
</html>
`;
}

function verdictTable(report: RunReport): string {
  const rows = report.verdicts.map(
    (v) =>
      `<tr data-objective="${esc(v.name)}" data-pass="${v.pass}"><td>${esc(v.name)}</td><td><span class="pill ${v.pass ? 'pass' : 'fail'}">${v.pass ? 'met' : 'breached'}</span></td><td class="num">${esc(actualText(v))}</td><td class="num">${esc(limitText(v))}</td><td><code>${esc(v.expression)}</code>${v.pointer ? ` <span class="dim">${esc(v.pointer)}</span>` : ''}</td></tr>`,
  );
  const body = rows.length ? rows.join('\n') : '<tr class="none"><td colspan="5">No objectives declared in this workflow.</td></tr>';
  return `<table id="verdicts"><thead><tr><th>objective</th><th>verdict</th><th>actual</th><th>limit</th><th>expression</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function stepTable(report: RunReport): string {
  const rows = report.steps.map((s) => {
    const comp = s.compensation ? `${s.compensation.status}${s.compensation.error ? `: ${s.compensation.error.message}` : ''}` : '';
    return `<tr data-step="${esc(s.id)}"><td><strong>${esc(s.id)}</strong>${s.description ? `<div class="dim">${esc(s.description)}</div>` : ''}</td><td>${esc(s.type)}</td><td><span class="pill s-${esc(s.status)}">${esc(s.status)}</span>${s.error ? `<div class="err-text">${esc(s.error.message)}</div>` : ''}</td><td class="num">${s.startedAt ? esc(clockTime(Date.parse(s.startedAt))) : ''}</td><td class="num">${s.durationMs === undefined ? '' : esc(formatMs(s.durationMs))}</td><td class="num">${s.attempts || ''}</td><td>${esc(comp)}</td></tr>`;
  });
  return `<table id="steps"><thead><tr><th>step</th><th>type</th><th>status</th><th>started</th><th>duration</th><th>attempts</th><th>compensation</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The drill's measures with their resolution, as the summary and report.md print them. */
function measuresSection(report: RunReport): string {
  const lines = report.drill?.measures ? renderDrill({ ...report.drill, verdicts: [] }) : [];
  if (!lines.length) return '';
  return `<section><h2>Drill measures</h2><pre id="measures">${esc(lines.join('\n'))}</pre></section>`;
}

function evidenceSection(model: ReportModel): string {
  const rows: string[] = [];
  for (const p of model.probes) {
    const total = p.ok + p.errors;
    rows.push(
      `<tr><td>client ${esc(p.probe)}${p.clientClass ? ` · ${esc(p.clientClass)}` : ''}</td><td class="num">${p.ok} ok</td><td class="num">${p.errors} errors</td><td class="num">${total ? ((100 * p.errors) / total).toFixed(1) : '0.0'}% error rate</td></tr>`,
    );
  }
  for (const w of model.writes)
    rows.push(
      `<tr><td>writer ${esc(w.probe)}</td><td class="num">${w.acked} acknowledged</td><td class="num">${w.lost} lost</td><td></td></tr>`,
    );
  for (const h of model.healthChecks)
    rows.push(
      `<tr><td>health check ${esc(h.id)}</td><td colspan="3">${h.segments.map((s) => `${esc(s.value)} at ${esc(clockTime(s.start))}`).join(' → ')}</td></tr>`,
    );
  for (const d of model.dns)
    rows.push(
      `<tr><td>DNS ${esc(d.name)}</td><td colspan="3">${d.segments.map((s) => `${esc(s.value)} at ${esc(clockTime(s.start))}`).join(' → ')}</td></tr>`,
    );
  for (const f of model.faults)
    rows.push(
      `<tr><td>fault window</td><td colspan="3">${esc(f.label)}: ${esc(clockTime(f.start))} – ${f.end === undefined ? 'still on when the run ended' : `${esc(clockTime(f.end))} (${esc(formatMs(f.end - f.start))})`}</td></tr>`,
    );
  if (!rows.length) return '';
  return `<section><h2>What the run observed</h2><table id="evidence"><tbody>\n${rows.join('\n')}\n</tbody></table></section>`;
}

function valuesSection(title: string, values: Record<string, unknown>, descriptions: Record<string, string> = {}): string {
  const entries = Object.entries(values);
  if (!entries.length) return '';
  return `<section><h2>${esc(title)}</h2><dl class="values">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd><pre>${esc(plainValue(v))}</pre>${descriptions[k] ? `<div class="dim">${esc(descriptions[k])}</div>` : ''}</dd>`).join('')}</dl></section>`;
}

function eventTable(report: RunReport): string {
  const start = Date.parse(report.startedAtAws);
  const rows = report.timeline.map((r) => {
    const at = Date.parse(r.at);
    return `<tr><td class="num">${esc(clockTime(at))}</td><td class="num dim">${esc(offset(at - start))}</td><td>${esc(r.what)}</td><td>${esc(r.detail)}</td></tr>`;
  });
  return `<table id="events"><thead><tr><th>AWS time</th><th>since start</th><th>event</th><th>detail</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function legend(model: ReportModel): string {
  const items = [
    ['#2f855a', 'succeeded'],
    ['#c53030', 'failed'],
    ['#3182ce', 'running'],
    ['#805ad5', 'compensation'],
  ];
  const swatches = items.map(([color, text]) => `<span class="key"><i style="background:${color}"></i>${text}</span>`);
  if (model.faults.length)
    swatches.push(
      `<span class="key"><i class="fault-key"></i>fault window${model.faults[0]!.source === 'experiment-steps' ? ' (from the experiment steps)' : ''}</span>`,
    );
  return `<p class="legend">${swatches.join('')}<span class="dim">x axis: AWS time</span></p>`;
}

/**
 * The run's clock and seed as the target description records them (a `clock` field, a `seed`
 * field or a clock object with a seed); without them, the time scale.
 */
function clockFacts(report: RunReport): string {
  const target = report.target as unknown as Record<string, unknown>;
  const clock = target.clock;
  const seed = target.seed ?? (clock && typeof clock === 'object' ? (clock as Record<string, unknown>).seed : undefined);
  const kind = clock === undefined ? `${report.target.timeScale}× wall time` : plainValue(clock);
  return `<dt>clock</dt><dd>${esc(kind)}</dd>${seed === undefined ? '' : `<dt>seed</dt><dd>${esc(plainValue(seed))}</dd>`}`;
}

const STYLE = `
:root{--fg:#1a202c;--dim:#718096;--line:#e2e8f0;--pass:#2f855a;--fail:#c53030}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0 auto;padding:28px 32px;max-width:1120px;background:#fff}
h1{font-size:24px;margin:0}h2{font-size:16px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.title{display:flex;align-items:center;gap:14px}
.badge{font-weight:700;font-size:12px;letter-spacing:.06em;padding:3px 10px;border-radius:4px;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
.description{margin:6px 0 0;color:#2d3748}.meta,.dim{color:var(--dim)}.meta{margin:6px 0 0;font-size:13px}
.verdict-line{font-weight:600;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:#4a5568;background:#f7fafc}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
pre{margin:0;white-space:pre-wrap;word-break:break-all}
pre.error{background:#fff5f5;border:1px solid #feb2b2;padding:8px;margin-top:10px}
.pill{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;background:#edf2f7}
.pill.pass,.pill.s-succeeded{background:#c6f6d5;color:#22543d}.pill.fail,.pill.s-failed,.pill.s-aborted{background:#fed7d7;color:#822727}
.pill.s-running{background:#bee3f8;color:#2a4365}
.err-text{color:var(--fail);font-size:12px}
tr.none td{color:var(--dim);font-style:italic}
.figure{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:6px}
.figure svg{display:block;max-width:100%;height:auto}
.legend{font-size:12px;display:flex;flex-wrap:wrap;gap:14px;margin:0 0 8px}
.key i{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:-1px;border-radius:2px}
.key i.fault-key{background:#fed7d7;border:1px dashed #fc8181}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0;font-size:13px}
dt{color:#4a5568;font-weight:600}dd{margin:0;word-break:break-all}
footer{margin-top:28px;color:var(--dim);font-size:12px}
@media print{
  @page{size:A4 landscape;margin:12mm}
  body{padding:0;max-width:none;font-size:11px}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .figure{overflow:visible;border:none;padding:0}
  section{break-inside:auto}h2{break-after:avoid}tr,.figure{break-inside:avoid}
}
`;
