import { join } from 'node:path';
import type { ErrorRecord } from './errors.ts';
import type { CompensationStatus, RunStatus, StepStatus } from './status.ts';
import { formatTarget, type TargetDescription } from './targetDescription.ts';
import type { FaultSource, Verdict } from './reports/model.ts';

/** One step's line in a report. */
export interface StepReport {
  id: string;
  type: string;
  description?: string;
  status: StepStatus;
  attempts: number;
  /** AWS time (ISO) the step started and ended. */
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** The step's outputs (masked), when it succeeded. */
  outputs?: unknown;
  error?: ErrorRecord;
  compensation?: { status: CompensationStatus; durationMs: number; error?: ErrorRecord };
}

/** What the run observed, summed up (each sample and change is in `timeline` and the journal). */
export interface EvidenceSummary {
  faultWindows: Array<{ label: string; source: FaultSource; start: string; end?: string }>;
  healthChecks: Array<{ id: string; changes: Array<{ at: string; status: string }> }>;
  dnsAnswers: Array<{ name: string; changes: Array<{ at: string; answer: string }> }>;
  probes: Array<{ probe: string; clientClass?: string; ok: number; errors: number }>;
  writes: Array<{ probe: string; acked: number; lost: number }>;
}

/** The version of the report's shape (`schemas/report.schema.json`); raised when a field changes meaning or goes. */
export const REPORT_VERSION = 1;

/** The report of a run (`report.json`, `--json`). */
export interface RunReport {
  reportVersion: typeof REPORT_VERSION;
  runId: string;
  /** The engine version that ran (absent in journals of older engines). */
  engineVersion?: string;
  workflow: { name: string; file: string; digest: string; description?: string };
  /** How the run ended; `unfinished` only when folded from a journal without its `run-end`. */
  status: RunStatus | 'unfinished';
  /** The run's exit code (1 for an `unfinished` journal: it did not pass). */
  exitCode: number;
  /** Wall time (ISO) of the first and last event. */
  startedAt: string;
  endedAt: string;
  /** AWS time (ISO) of the first and last event. */
  startedAtAws: string;
  endedAtAws: string;
  durationMs: number;
  target: TargetDescription;
  cleanup: string;
  inputs: Record<string, unknown>;
  /** The declared inputs' descriptions, by name (only those that have one). */
  inputDescriptions?: Record<string, string>;
  outputs: Record<string, unknown>;
  steps: StepReport[];
  /** Each objective's verdict, in the order they were decided. */
  verdicts: Verdict[];
  evidence: EvidenceSummary;
  /** What happened when, in AWS time. */
  timeline: Array<{ at: string; what: string; detail: string }>;
  error?: ErrorRecord;
  runDir: string;
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
  lines.push(`report: ${join(report.runDir, 'report.html')} (also report.md, report.json, junit.xml)`);
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
