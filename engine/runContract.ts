import type { Clock } from './types.ts';
import type { ProgressSink } from './progress.ts';
import type { StepRegistry } from './registry.ts';
import type { RunReport } from './report.ts';
import type { TargetSession } from './target.ts';
import type { Workflow } from './workflow.ts';
import type { CompiledWorkflow } from './compile.ts';
import type { SecretMasker } from './mask.ts';

/** The runner's contract (engine/run.ts implements it). */

/** What a run needs. Inputs must already be resolved (see `resolveInputs`). */
export interface RunOptions {
  workflow: Workflow;
  /** The workflow's machine (`compileWorkflow(workflow)`): compiling is the command's stage, before the run starts. */
  compiled: CompiledWorkflow;
  registry: StepRegistry;
  target: TargetSession;
  stateDir: string;
  inputs?: Record<string, unknown>;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  progress?: ProgressSink;
  runId?: string;
  /** fsync durable journal records (default true). */
  fsync?: boolean;
  /** Write report.md/report.json (default true). */
  writeReport?: boolean;
  /** Lock records taken before the run (engine/runLocks.ts): recorded in `run-start`. */
  locks?: { zoneId: string; records: Array<{ name: string; value: string }> };
  /** The run's secret values (default: `runMasker` of the workflow, inputs and env); every event passes through it. */
  masker?: SecretMasker;
}

/** A run in progress. */
export interface RunHandle {
  runId: string;
  runDir: string;
  journalPath: string;
  /** Resolves with the report when the run ends (normally or through `abortNow`). */
  done: Promise<RunReport>;
  /**
   * First interrupt: aborts the running steps and compensates. Returns false when the run was
   * already interrupted (the caller should then `abortNow`).
   */
  interrupt(): boolean;
  /** True once the run has an outcome (it may still be closing its target): a signal no longer changes it. */
  readonly finished: boolean;
  /** Second interrupt: stops at once, marks the run dirty (finish with `engine rollback`). */
  abortNow(reason?: string): Promise<RunReport>;
}
