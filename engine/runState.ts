import type { Actor } from 'xstate';
import type { AnyStepDefinition, Clock, StepContext, Target } from './types.ts';
import type { WorkflowMachine } from './compile.ts';
import { EngineError, type ErrorRecord } from './errors.ts';
import { stepLogger, type RunEventBody, type RunEvents } from './events.ts';
import type { SecretMasker } from './mask.ts';
import type { StepRegistry } from './registry.ts';
import type { RunOptions } from './runContract.ts';
import type { CompensationResult } from './compensate.ts';
import type { TemplateContext } from './template.ts';
import { referencesTarget } from './checkReferences.ts';
import { StepStatus } from './status.ts';
import { flattenSteps, type StepNode, type Workflow } from './workflow.ts';
import { DrillProbes } from './drillProbes.ts';

/**
 * What a live run knows beyond its events: each step's unmasked params and outputs, the
 * promises of attempts that may still be acting, the abort controllers and the flags that a
 * signal reads. The report is not built from here but folded from the events.
 */

/** One step of a live run. */
export interface StepState {
  node: StepNode;
  def: AnyStepDefinition | undefined;
  status: StepStatus;
  /** Resolved params as the step received them (unmasked). */
  params?: unknown;
  outputs?: unknown;
  started: boolean;
  /** Settles when the step and every attempt it started (abandoned ones included) settled. */
  inflight?: Promise<unknown>;
  settled?: boolean;
  /** Every attempt's own promise: an aborted or timed-out attempt may still be acting. */
  attemptPromises: Array<Promise<unknown>>;
  unsettledAttempts: number;
  compensation?: CompensationResult;
}

/** The mutable state of one live run. */
export class RunState {
  readonly workflow: Workflow;
  readonly registry: StepRegistry;
  readonly clock: Clock;
  readonly inputs: Record<string, unknown>;
  readonly steps = new Map<string, StepState>();
  /** Outputs by step id, filled as steps succeed (templates read it). */
  readonly stepOutputs: Record<string, { outputs?: unknown }> = {};
  /** Aborted by the first interrupt: running steps stop. */
  readonly interruptController = new AbortController();
  /** Aborted by `abortNow`: running compensations stop. */
  readonly compensationController = new AbortController();
  target: Target;
  interrupted = false;
  /** Set once the outcome is decided; a signal no longer changes it. */
  finished = false;
  firstError?: ErrorRecord;
  /** Set when the journal could not be written: the run stops going forward and compensates. */
  journalError?: ErrorRecord;
  /** The machine's actor, once started. */
  actor?: Actor<WorkflowMachine>;
  /** When the run started, on the run's clock. */
  /** AWS time the run started at (reset once, when the target's clock is learnt late: engine/run.ts). */
  startedAws: number;
  /** The workflow's probes and the evidence they recorded. */
  readonly probes: DrillProbes;
  /** An objective or an `assert` step was breached: the run exits 4 (after compensation). */
  breached = false;
  /** The measures were emitted (at the verdicts, or when the run ended without reaching them). */
  measured = false;

  constructor(
    readonly options: RunOptions,
    readonly events: RunEvents,
    readonly runId: string,
    readonly dir: string,
    readonly startedWall: number,
    /** The run's secret values: params and outputs add theirs as steps resolve and return them. */
    readonly masker: SecretMasker,
  ) {
    this.workflow = options.workflow;
    this.registry = options.registry;
    this.clock = events.clock;
    this.startedAws = this.clock.now();
    this.inputs = options.inputs ?? {};
    this.target = options.target.idle();
    this.probes = new DrillProbes(this.workflow.probes ?? [], {
      target: () => this.target,
      clock: this.clock,
      templates: () => this.templateContext(),
      emit: (body) => this.emit(body),
    });
    for (const node of flattenSteps(this.workflow.steps)) {
      this.steps.set(node.id, {
        node,
        def: this.registry.get(node.type),
        status: StepStatus.NOT_RUN,
        started: false,
        attemptPromises: [],
        unsettledAttempts: 0,
      });
    }
  }

  /** Emits an event on the run's bus. */
  emit(body: RunEventBody): void {
    this.events.emit(body);
  }

  /** Whether any step (or its rollback override) or the outputs need the target. */
  needsTarget(): boolean {
    const { registry } = this;
    const steps = [...this.steps.values()].map((s) => s.node);
    return (
      steps.some((n) => registry.needsTarget(n.type) || (n.rollback.kind === 'override' && registry.needsTarget(n.rollback.type))) ||
      referencesTarget([this.workflow.steps, this.workflow.outputs])
    );
  }

  /** The step with this id. */
  lookup(stepId: string): StepState {
    const state = this.steps.get(stepId);
    if (!state) throw new EngineError(`no step '${stepId}'`);
    return state;
  }

  /** What `${{ }}` templates see now. */
  templateContext(): TemplateContext {
    return {
      inputs: this.inputs,
      steps: this.stepOutputs,
      env: this.options.env ?? process.env,
      secrets: this.options.env ?? process.env,
      target: this.target.values,
      run: { id: this.runId, dir: this.dir, workflowDir: this.workflow.dir, startedAt: new Date(this.startedWall).toISOString() },
    };
  }

  /** Whether the workflow declares probes or objectives (it then has a `verdicts` state). */
  isDrill(): boolean {
    return Boolean(this.workflow.objectives?.length || this.workflow.probes?.length);
  }

  /** What `assert` and objectives see: the template roots and the measures of the evidence so far. */
  expressionScope(): Record<string, unknown> {
    return { ...this.templateContext(), measures: this.probes.measures() };
  }

  /** A step's context minus the per-attempt fields. */
  baseContext(stepId: string): Omit<StepContext, 'signal' | 'attempt'> {
    return {
      log: stepLogger((body) => this.emit(body), stepId),
      target: this.target,
      clock: this.clock,
      runId: this.runId,
      stepId,
      workflowDir: this.workflow.dir,
    };
  }
}
