/**
 * The run and step status vocabularies, declared once. The journal, the progress printer, the
 * report, `engine runs` and `engine rollback` all use these objects and their union types.
 */

/** How a run ended (the `run-end` record, the report). */
export const RunStatus = {
  PASSED: 'passed',
  FAILED: 'failed',
  INTERRUPTED: 'interrupted',
  COMPENSATION_INCOMPLETE: 'compensation-incomplete',
  DIRTY: 'dirty',
  /** Every step succeeded, but an objective (or an `assert` step) was breached; compensated. */
  BREACHED: 'breached',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** How `engine rollback` ended (the `rollback-end` record). */
export const RollbackStatus = { ROLLED_BACK: 'rolled-back', INCOMPLETE: 'rollback-incomplete' } as const;
export type RollbackStatus = (typeof RollbackStatus)[keyof typeof RollbackStatus];

/** What `engine runs` says of a run: how it ended, how its rollback ended, or that it has not ended. */
export const SummaryStatus = {
  ...RunStatus,
  ...RollbackStatus,
  RUNNING: 'running',
  UNFINISHED: 'unfinished',
  UNREADABLE: 'unreadable',
} as const;
export type SummaryStatus = (typeof SummaryStatus)[keyof typeof SummaryStatus];

/** How a step ended (the `step-result` record). */
export const StepResultStatus = { SUCCEEDED: 'succeeded', FAILED: 'failed', ABORTED: 'aborted' } as const;
export type StepResultStatus = (typeof StepResultStatus)[keyof typeof StepResultStatus];

/** Status of one step in a report. */
export const StepStatus = { ...StepResultStatus, NOT_RUN: 'not-run', RUNNING: 'running', SKIPPED: 'skipped' } as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

/** How a compensation ended (the `compensation-result` record). */
export const CompensationStatus = { SUCCEEDED: 'succeeded', FAILED: 'failed' } as const;
export type CompensationStatus = (typeof CompensationStatus)[keyof typeof CompensationStatus];

/** Process exit codes of the CLI. */
export const ExitCode = {
  PASSED: 0,
  STEP_FAILED: 1,
  USAGE: 2,
  COMPENSATION_INCOMPLETE: 3,
  OBJECTIVE_BREACHED: 4,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
