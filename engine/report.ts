import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorRecord } from './errors.ts';
import type { CompensationStatus, RunStatus, StepStatus } from './status.ts';
import { formatTarget, type TargetDescription } from './targetDescription.ts';

/** One step's line in a report. */
export interface StepReport {
  id: string;
  type: string;
  status: StepStatus;
  attempts: number;
  durationMs?: number;
  error?: ErrorRecord;
  compensation?: { status: CompensationStatus; durationMs: number; error?: ErrorRecord };
}

/** The report of a run (`report.json`, `--json`). */
export interface RunReport {
  runId: string;
  workflow: { name: string; file: string; digest: string };
  /** How the run ended; `unfinished` only when folded from a journal without its `run-end`. */
  status: RunStatus | 'unfinished';
  /** The run's exit code (1 for an `unfinished` journal: it did not pass). */
  exitCode: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  target: TargetDescription;
  cleanup: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  steps: StepReport[];
  error?: ErrorRecord;
  runDir: string;
}

/** Writes `report.json` and `report.md` into the run's folder. */
export function writeReports(report: RunReport): void {
  mkdirSync(report.runDir, { recursive: true });
  writeFileSync(join(report.runDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(report.runDir, 'report.md'), renderMarkdown(report));
}

/** The short stdout summary of a run. */
export function renderSummary(report: RunReport): string {
  const lines = [
    `${report.workflow.name}: ${report.status.toUpperCase()} (exit ${report.exitCode}) in ${formatMs(report.durationMs)} of AWS time (${formatMs(wallMs(report))} wall)  run ${report.runId}`,
    `  target ${formatTarget(report.target)}`,
  ];
  const width = Math.max(4, ...report.steps.map((s) => s.id.length));
  for (const step of report.steps) {
    const comp = step.compensation ? `  undo: ${step.compensation.status}` : '';
    const dur = step.durationMs === undefined ? '' : formatMs(step.durationMs);
    const err = step.error ? `  ${step.error.message}` : '';
    lines.push(`  ${step.id.padEnd(width)}  ${step.status.padEnd(9)} ${dur.padStart(8)}${comp}${err}`);
  }
  const outputs = Object.entries(report.outputs);
  if (outputs.length) {
    lines.push('outputs:');
    for (const [k, v] of outputs) lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  lines.push(`report: ${join(report.runDir, 'report.md')}`);
  return lines.join('\n') + '\n';
}

/** The Markdown report. */
export function renderMarkdown(report: RunReport): string {
  const lines = [
    `# ${report.workflow.name}: ${report.status}`,
    '',
    `- run: \`${report.runId}\``,
    `- exit code: ${report.exitCode}`,
    `- started: ${report.startedAt}, ended: ${report.endedAt} (${formatMs(report.durationMs)} of AWS time, ${formatMs(wallMs(report))} wall time)`,
    `- target: ${Object.entries(report.target).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`,
    `- workflow: \`${report.workflow.file}\` (sha256 ${report.workflow.digest.slice(0, 12)}), cleanup: ${report.cleanup}`,
    '',
    '| step | type | status | attempts | duration | compensation |',
    '|---|---|---|---|---|---|',
    ...report.steps.map(
      (s) =>
        `| ${s.id} | ${s.type} | ${s.status}${s.error ? `: ${escape(s.error.message)}` : ''} | ${s.attempts} | ${s.durationMs === undefined ? '' : formatMs(s.durationMs)} | ${s.compensation ? `${s.compensation.status}${s.compensation.error ? `: ${escape(s.compensation.error.message)}` : ''}` : ''} |`,
    ),
  ];
  const outputs = Object.entries(report.outputs);
  if (outputs.length) {
    lines.push('', '## Outputs', '', ...outputs.map(([k, v]) => `- ${k}: \`${JSON.stringify(v)}\``));
  }
  if (report.error) lines.push('', '## Error', '', '```', report.error.message, '```');
  return lines.join('\n') + '\n';
}

/** How long the run took in wall time (the report's durations are AWS time). */
function wallMs(report: RunReport): number {
  return Math.max(0, Date.parse(report.endedAt) - Date.parse(report.startedAt));
}

/** `1234` → `1.23s`, `12` → `12ms`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
