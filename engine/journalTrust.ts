import type { JournalContents, JournalRecord } from './journal.ts';
import { ExitCode, RunStatus } from './status.ts';

/**
 * Whether `engine rollback` may act on a journal. It compensates from the records alone, so a
 * journal that has lost its start (where the target and the workflow are named), holds
 * unreadable records other than a torn last line, or ends with a `run-end` its own records
 * contradict, is refused with the reason: acting on it could compensate against the wrong
 * target or report "nothing to do" while resources remain.
 */

const EXIT_OF: Record<RunStatus, number> = {
  [RunStatus.PASSED]: ExitCode.PASSED,
  [RunStatus.FAILED]: ExitCode.STEP_FAILED,
  [RunStatus.INTERRUPTED]: ExitCode.INTERRUPTED,
  [RunStatus.COMPENSATION_INCOMPLETE]: ExitCode.COMPENSATION_INCOMPLETE,
  [RunStatus.DIRTY]: ExitCode.INTERRUPTED,
  [RunStatus.BREACHED]: ExitCode.OBJECTIVE_BREACHED,
};

/** Why the journal cannot be trusted, or undefined when it can. */
export function untrustedReason(journal: JournalContents): string | undefined {
  const { records, problems, tornLastLine } = journal;
  if (records.length === 0) return problems.length ? `no readable record (${problems.length} unreadable line(s))` : 'the journal is empty';
  if (records[0]!.kind !== 'run-start') return `it does not start with its run-start record (first record: ${records[0]!.kind})`;
  const bad = problems.filter((_, i) => !(tornLastLine && i === problems.length - 1));
  if (bad.length) return `unreadable record(s): ${bad.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`;
  const endIndex = records.findIndex((r) => r.kind === 'run-end');
  return endIndex < 0 ? undefined : contradiction(records, endIndex);
}

/** How a journal's `run-end` contradicts the records before or after it, if it does. */
function contradiction(records: JournalRecord[], endIndex: number): string | undefined {
  const end = records[endIndex]!;
  if (end.kind !== 'run-end') return undefined;
  const expected = EXIT_OF[end.status];
  if (expected === undefined) return `run-end has an unknown status '${end.status}'`;
  if (expected !== end.exitCode) return `run-end says ${end.status} with exit code ${end.exitCode}`;
  const late = records.slice(endIndex + 1).find((r) => r.kind.startsWith('step-') || r.kind === 'run-start' || r.kind === 'run-end');
  if (late) return `a ${late.kind} record follows run-end`;
  if (end.status !== RunStatus.PASSED) return undefined;
  const before = records.slice(0, endIndex);
  const failed = before.find((r) => r.kind === 'step-result' && r.status !== 'succeeded');
  if (failed && failed.kind === 'step-result') return `run-end says passed, but step ${failed.stepId} ${failed.status}`;
  if (before.some((r) => r.kind === 'run-dirty')) return 'run-end says passed, but the run was marked dirty';
  const ended = new Set(
    before.flatMap((r) => ((r.kind === 'step-result' && r.status === 'succeeded') || r.kind === 'step-skipped' ? [r.stepId] : [])),
  );
  const start = records[0]!;
  const steps =
    start.kind === 'run-start' && start.steps
      ? start.steps.map((s) => s.id)
      : before.flatMap((r) => (r.kind === 'step-intent' ? [r.stepId] : []));
  const unfinished = steps.filter((id) => !ended.has(id));
  return unfinished.length ? `run-end says passed, but step(s) ${unfinished.join(', ')} never finished` : undefined;
}
