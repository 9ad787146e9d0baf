import { EngineError, type ErrorRecord } from './errors.ts';
import type { RunEvent, RunEventOf } from './events.ts';
import type { RunReport, StepReport } from './report.ts';
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
  for (const s of start.steps ?? []) steps.set(s.id, { id: s.id, type: s.type, status: StepStatus.NOT_RUN, attempts: 0 });
  const step = (id: string, type = '?'): StepReport => {
    let report = steps.get(id);
    if (!report) steps.set(id, (report = { id, type, status: StepStatus.NOT_RUN, attempts: 0 }));
    return report;
  };
  let target = start.target;
  let end: RunEventOf<'run-end'> | undefined;
  let firstError: ErrorRecord | undefined;
  for (const e of events) {
    if (e.kind === 'target-acquired') target = e.target;
    else if (e.kind === 'step-intent') step(e.stepId, e.type).status = StepStatus.RUNNING;
    else if (e.kind === 'step-skipped') step(e.stepId, e.type).status = StepStatus.SKIPPED;
    else if (e.kind === 'step-result') {
      const s = step(e.stepId);
      Object.assign(s, { status: e.status, attempts: e.attempts, durationMs: e.durationMs }, e.error ? { error: e.error } : {});
      if (e.error) firstError ??= e.error;
    } else if (e.kind === 'compensation-result') {
      step(e.stepId).compensation = { status: e.status, durationMs: e.durationMs, ...(e.error ? { error: e.error } : {}) };
    } else if (e.kind === 'run-end') end = e;
  }
  const error = end?.error ?? firstError;
  const drill = foldDrill(events);
  return {
    runId: start.runId,
    workflow: { name: start.workflow.name, file: start.workflow.file, digest: start.workflow.digest },
    status: end?.status ?? 'unfinished',
    exitCode: end?.exitCode ?? 1,
    startedAt: new Date(start.wall).toISOString(),
    endedAt: new Date((end ?? events.at(-1) ?? start).wall).toISOString(),
    durationMs: end?.durationMs ?? Math.max(0, (end ?? events.at(-1) ?? start).aws - start.aws),
    target,
    cleanup: start.cleanup,
    inputs: start.inputs,
    outputs: end?.outputs ?? {},
    steps: [...steps.values()],
    ...(error ? { error } : {}),
    ...(drill ? { drill } : {}),
    runDir: options.runDir,
  };
}

/** A handler keeping the events a report is folded from (logs are left out). */
export function reportCollector(): { handler: (event: RunEvent) => void; events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, handler: (event) => void (event.kind === 'log' || events.push(event)) };
}
