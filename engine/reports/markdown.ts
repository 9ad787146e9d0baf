import { renderDrill } from '../drillEvents.ts';
import type { RunReport } from '../report.ts';
import { formatMs } from '../report.ts';
import { actualText, limitText, clockTime, dateTime, offset, plainValue, targetLine } from './format.ts';

/**
 * The Markdown report, to paste into a change ticket or a post-mortem: the verdicts first,
 * then the timeline with absolute AWS timestamps, the steps with their descriptions, the
 * inputs and outputs as they are (not JSON-escaped), and what identifies the run.
 */
export function renderMarkdown(report: RunReport): string {
  const start = Date.parse(report.startedAtAws);
  const lines = [`# ${report.workflow.name}: ${report.status.toUpperCase()}`, ''];
  if (report.workflow.description) lines.push(`> ${report.workflow.description}`, '');
  lines.push(`**${verdictLine(report)}**`, '', ...verdictTable(report), '');
  // The drill's measures: RTO split, error window per client class, RPO and the writes lost.
  if (report.drill) lines.push('## Drill measures', '', fence(renderDrill(report.drill).join('\n')), '');
  lines.push(
    `## Timeline (AWS time, ${dateTime(start).slice(0, 10)} UTC)`,
    '',
    '| time | since start | event | detail |',
    '|---|---|---|---|',
  );
  for (const row of report.timeline) {
    const at = Date.parse(row.at);
    lines.push(`| ${clockTime(at)} | ${offset(at - start)} | ${cell(row.what)} | ${cell(row.detail)} |`);
  }
  lines.push(
    '',
    '## Steps',
    '',
    '| step | type | status | started | duration | compensation | description |',
    '|---|---|---|---|---|---|---|',
  );
  for (const s of report.steps) {
    const status = `${s.status}${s.error ? `: ${s.error.message}` : ''}`;
    const comp = s.compensation ? `${s.compensation.status}${s.compensation.error ? `: ${s.compensation.error.message}` : ''}` : '';
    const started = s.startedAt ? clockTime(Date.parse(s.startedAt)) : '';
    lines.push(
      `| ${s.id} | ${s.type} | ${cell(status)} | ${started} | ${s.durationMs === undefined ? '' : formatMs(s.durationMs)} | ${cell(comp)} | ${cell(s.description ?? '')} |`,
    );
  }
  lines.push(...valueList('Inputs', report.inputs, report.inputDescriptions), ...valueList('Outputs', report.outputs));
  if (report.error) lines.push('', '## Error', '', fence(report.error.message));
  lines.push('', '## Run', '', ...runFacts(report).map(([k, v]) => `- ${k}: ${v}`));
  return lines.join('\n') + '\n';
}

/** `Passed: exit 0, 2 of 2 objectives met`. */
export function verdictLine(report: RunReport): string {
  const met = report.verdicts.filter((v) => v.pass).length;
  const objectives = report.verdicts.length ? `, ${met} of ${report.verdicts.length} objectives met` : ', no objectives declared';
  return `${report.status[0]!.toUpperCase()}${report.status.slice(1)}: exit ${report.exitCode}${objectives}`;
}

function verdictTable(report: RunReport): string[] {
  if (!report.verdicts.length) return [];
  return [
    '| objective | verdict | actual | limit | expression |',
    '|---|---|---|---|---|',
    ...report.verdicts.map(
      (v) =>
        `| ${cell(v.name)} | ${v.pass ? 'met' : '**BREACHED**'} | ${cell(actualText(v))} | ${cell(limitText(v))} | \`${cell(v.expression)}\`${v.pointer ? ` (${v.pointer})` : ''} |`,
    ),
  ];
}

/** The facts that identify a run, shared by the renderings. */
export function runFacts(report: RunReport): Array<[string, string]> {
  const start = Date.parse(report.startedAtAws);
  const wallMs = Date.parse(report.endedAt) - Date.parse(report.startedAt);
  return [
    ['run', report.runId],
    ['started', `${dateTime(start)} (AWS time); ${formatMs(report.durationMs)} AWS time, ${formatMs(Math.max(0, wallMs))} waited`],
    ['target', targetLine(report.target)],
    ['workflow', `${report.workflow.file} (sha256 ${report.workflow.digest})`],
    ['cleanup', report.cleanup],
    ['engine', report.engineVersion ?? 'unknown'],
    ['run folder', report.runDir],
  ];
}

function valueList(title: string, values: Record<string, unknown>, descriptions: Record<string, string> = {}): string[] {
  const entries = Object.entries(values);
  if (!entries.length) return [];
  const lines = ['', `## ${title}`, ''];
  for (const [k, v] of entries) {
    const text = plainValue(v);
    const about = descriptions[k] ? ` (${descriptions[k]})` : '';
    lines.push(text.includes('\n') ? `- ${k}${about}:\n\n${fence(text).replace(/^/gm, '  ')}\n` : `- ${k}: ${inlineCode(text)}${about}`);
  }
  return lines;
}

/** Inline code that survives backticks in the value. */
function inlineCode(text: string): string {
  if (!text) return '""';
  const ticks = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((t) => t.length)) + 1);
  return ticks.length > 1 ? `${ticks} ${text} ${ticks}` : `\`${text}\``;
}

function fence(text: string): string {
  return '```\n' + text + '\n```';
}

/** A table cell: pipes escaped (Markdown tables need it), newlines as spaces. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
