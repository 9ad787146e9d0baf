import { EngineError, type ErrorRecord } from './errors.ts';
import type { RunEvent, RunEventOf } from './events.ts';
import { REPORT_VERSION, type EvidenceSummary, type RunReport, type StepReport } from './report.ts';
import { reportModel, type ReportModel } from './reports/model.ts';
import { StepStatus } from './status.ts';
import { foldDrill } from './drillEvents.ts';

/**
 * The report builder: folds a run's events into its {@link RunReport}. Pure, and the same
 * whether the events come live from the bus ({@link reportCollector}) or from a journal
 * (`readJournal`), so any report can be rebuilt from the journal alone.
 */

/** Folds events (in `seq` order) into a report. Throws when there is no `run-start`. */
export function foldEvents(events: readonly RunEvent[], options: { runDir: string }): RunReport {
  const start = events.find((e): e is RunEventOf<'run-start'> => e.kind === 'run-start');
  if (!start) throw new EngineError('the events hold no run-start record');
  const steps = new Map<string, StepReport>();
  const step = (id: string, type = '?'): StepReport => {
    let report = steps.get(id);
    if (!report) steps.set(id, (report = { id, type, status: StepStatus.NOT_RUN, attempts: 0 }));
    return report;
  };
  for (const s of start.steps ?? []) Object.assign(step(s.id, s.type), s.description ? { description: s.description } : {});
  let target = start.target;
  let end: RunEventOf<'run-end'> | undefined;
  let firstError: ErrorRecord | undefined;
  for (const e of events) {
    if (e.kind === 'target-acquired') target = e.target;
    else if (e.kind === 'step-intent') Object.assign(step(e.stepId, e.type), { status: StepStatus.RUNNING, startedAt: iso(e.aws) });
    else if (e.kind === 'step-skipped') step(e.stepId, e.type).status = StepStatus.SKIPPED;
    else if (e.kind === 'step-result') {
      const s = step(e.stepId);
      Object.assign(
        s,
        { status: e.status, attempts: e.attempts, durationMs: e.durationMs, endedAt: iso(e.aws) },
        e.outputs !== undefined ? { outputs: e.outputs } : {},
        e.error ? { error: e.error } : {},
      );
      if (e.error) firstError ??= e.error;
    } else if (e.kind === 'compensation-result') {
      step(e.stepId).compensation = { status: e.status, durationMs: e.durationMs, ...(e.error ? { error: e.error } : {}) };
    } else if (e.kind === 'run-end') end = e;
  }
  const error = end?.error ?? firstError;
  const last = end ?? events.at(-1) ?? start;
  const model = reportModel(events);
  const drill = foldDrill(events);
  return {
    reportVersion: REPORT_VERSION,
    runId: start.runId,
    ...(start.engineVersion ? { engineVersion: start.engineVersion } : {}),
    workflow: {
      name: start.workflow.name,
      file: start.workflow.file,
      digest: start.workflow.digest,
      ...(start.workflow.description ? { description: start.workflow.description } : {}),
    },
    status: end?.status ?? 'unfinished',
    exitCode: end?.exitCode ?? 1,
    startedAt: new Date(start.wall).toISOString(),
    endedAt: new Date(last.wall).toISOString(),
    startedAtAws: iso(start.aws),
    endedAtAws: iso(last.aws),
    durationMs: end?.durationMs ?? Math.max(0, last.aws - start.aws),
    target,
    cleanup: start.cleanup,
    inputs: start.inputs,
    ...(start.inputDescriptions ? { inputDescriptions: start.inputDescriptions } : {}),
    outputs: end?.outputs ?? {},
    steps: [...steps.values()],
    verdicts: model.verdicts,
    evidence: evidenceSummary(model),
    timeline: model.rows.map((r) => ({ at: iso(r.at), what: r.what, detail: r.detail })),
    ...(error ? { error } : {}),
    ...(drill ? { drill } : {}),
    runDir: options.runDir,
  };
}

/** The model's evidence with ISO times and without the individual samples. */
function evidenceSummary(model: ReportModel): EvidenceSummary {
  return {
    faultWindows: model.faults.map((f) => ({
      label: f.label,
      source: f.source,
      start: iso(f.start),
      ...(f.end !== undefined ? { end: iso(f.end) } : {}),
    })),
    healthChecks: model.healthChecks.map((h) => ({ id: h.id, changes: h.segments.map((s) => ({ at: iso(s.start), status: s.value })) })),
    dnsAnswers: model.dns.map((d) => ({ name: d.name, changes: d.segments.map((s) => ({ at: iso(s.start), answer: s.value })) })),
    probes: model.probes.map((p) => ({
      probe: p.probe,
      ...(p.clientClass ? { clientClass: p.clientClass } : {}),
      ok: p.ok,
      errors: p.errors,
    })),
    writes: model.writes.map((w) => ({ probe: w.probe, acked: w.acked, lost: w.lost })),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A handler keeping the events a report is folded from (logs are left out). */
export function reportCollector(): { handler: (event: RunEvent) => void; events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, handler: (event) => void (event.kind === 'log' || events.push(event)) };
}
