import { assign, fromPromise, setup } from 'xstate';
import { EngineError } from './errors.ts';
import { Cleanup, flattenSteps, type StepNode, type Workflow, type WorkflowNode } from './workflow.ts';

/**
 * The compiler: a {@link Workflow} becomes an XState v5 machine built with
 * `setup({ actors, actions, guards })` and a plain-data config (JSON-serialisable, so tests can
 * snapshot it and `engine graph` can draw it). Pure.
 *
 * Shape: `running` (the steps, in order; a `parallel:` block is a parallel state with one
 * region per branch) → `succeeded`; any step error (every invoke has an `onError`) or an
 * `INTERRUPT` event → `compensating` (one state per compensable step, reverse document order;
 * each invoke continues to the next on done *and* on error) → `settle` → `failed` /
 * `interrupted` / `succeeded` (after `cleanup: always`). With `cleanup: never` errors go
 * straight to `failed`. A drill (a workflow with probes or objectives) passes through
 * `verdicts` between `running` and what follows it: its `checkVerdicts` actor judges the
 * objectives, and an error there (a breached objective) compensates like a failed step.
 *
 * Steps and compensations are referenced by name (`runStep`, `compensateStep`) with the step
 * id as static input; the runner provides the implementations with `machine.provide()`.
 * Retries and timeouts run inside `runStep` on the injected clock (shown in `meta`).
 */

/** Why the machine is compensating / how it ended. */
export const Outcome = { RUNNING: 'running', FAILED: 'failed', INTERRUPTED: 'interrupted', CLEANUP: 'cleanup' } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Final states of a compiled machine. */
export const FinalState = { SUCCEEDED: 'succeeded', FAILED: 'failed', INTERRUPTED: 'interrupted' } as const;
export type FinalState = (typeof FinalState)[keyof typeof FinalState];

/** Events the runner may send. */
export type WorkflowEvent = { type: 'INTERRUPT' };

/** Input of the `runStep` and `compensateStep` actors. */
export interface StepActorInput {
  stepId: string;
}

/** Output of a `runStep` actor. */
export interface StepActorOutput {
  status: 'succeeded' | 'skipped';
}

/** A transition as plain data. */
export interface TransitionConfig {
  target: string;
  guard?: { type: 'outcomeIs'; params: { outcome: Outcome } };
  actions?: Array<{ type: 'setOutcome'; params: { outcome: Outcome } }>;
}

/** A state node as plain data (the subset of XState's config the compiler emits). */
export interface StateConfig {
  id?: string;
  type?: 'parallel' | 'final';
  description?: string;
  initial?: string;
  meta?: Record<string, unknown>;
  states?: Record<string, StateConfig>;
  invoke?: {
    id: string;
    src: 'runStep' | 'compensateStep' | 'checkVerdicts';
    input: StepActorInput;
    onDone: TransitionConfig;
    onError: TransitionConfig;
  };
  onDone?: TransitionConfig;
  on?: Record<string, TransitionConfig>;
  always?: TransitionConfig[];
}

/** The root config: a state config with an id and context. */
export interface MachineConfigData extends StateConfig {
  id: string;
  context: { outcome: Outcome };
}

const DONE = '__done';
const COMPENSATING_ID = 'compensating';
/** The state that derives a drill's measures and checks its objectives (`checkVerdicts`). */
export const VERDICTS = 'verdicts';

function notProvided(name: string) {
  return fromPromise<StepActorOutput, StepActorInput>(async () => {
    throw new EngineError(`actor '${name}' was not provided; use machine.provide({ actors })`);
  });
}

function createSetup() {
  return setup({
    types: {} as { context: { outcome: Outcome }; events: WorkflowEvent },
    actors: { runStep: notProvided('runStep'), compensateStep: notProvided('compensateStep'), checkVerdicts: notProvided('checkVerdicts') },
    actions: {
      setOutcome: assign((_, params: { outcome: Outcome }) => ({ outcome: params.outcome })),
    },
    guards: {
      outcomeIs: ({ context }, params: { outcome: Outcome }) => context.outcome === params.outcome,
    },
  });
}

/** The machine type a compiled workflow has. */
export type WorkflowMachine = ReturnType<ReturnType<typeof createSetup>['createMachine']>;

/** A compiled workflow. */
export interface CompiledWorkflow {
  config: MachineConfigData;
  machine: WorkflowMachine;
}

/** Builds the plain-data machine config of a workflow. */
export function compileConfig(workflow: Workflow): MachineConfigData {
  const compensate = workflow.cleanup !== Cleanup.NEVER;
  const onError = (): TransitionConfig =>
    compensate
      ? { target: `#${COMPENSATING_ID}`, actions: [setOutcome(Outcome.FAILED)] }
      : { target: `#wf-${FinalState.FAILED}`, actions: [setOutcome(Outcome.FAILED)] };

  const sequence = (nodes: WorkflowNode[]): { initial: string; states: Record<string, StateConfig> } => {
    const states: Record<string, StateConfig> = {};
    nodes.forEach((node, i) => {
      const next = nodes[i + 1]?.id ?? DONE;
      if (node.kind === 'step') states[node.id] = stepState(node, next, onError());
      else {
        const regions: Record<string, StateConfig> = {};
        for (const branch of node.branches) regions[branch.name] = sequence(branch.steps);
        states[node.id] = { type: 'parallel', states: regions, onDone: { target: next } };
      }
    });
    states[DONE] = { type: 'final' };
    return { initial: nodes[0]?.id ?? DONE, states };
  };

  const { compensable, undoStates } = compensationStates(workflow);

  const running = sequence(workflow.steps);
  const afterSteps: TransitionConfig =
    workflow.cleanup === Cleanup.ALWAYS
      ? { target: 'compensating', actions: [setOutcome(Outcome.CLEANUP)] }
      : { target: FinalState.SUCCEEDED };
  const interrupt: TransitionConfig = compensate
    ? { target: 'compensating', actions: [setOutcome(Outcome.INTERRUPTED)] }
    : { target: FinalState.INTERRUPTED, actions: [setOutcome(Outcome.INTERRUPTED)] };
  // A drill (probes or objectives) checks its verdicts when the steps ended, before compensation:
  // a breached objective compensates like a failed step.
  const drill = Boolean(workflow.objectives?.length || workflow.probes?.length);
  const verdicts: Record<string, StateConfig> = drill
    ? {
        [VERDICTS]: {
          invoke: { id: VERDICTS, src: 'checkVerdicts', input: { stepId: VERDICTS }, onDone: afterSteps, onError: onError() },
          on: { INTERRUPT: interrupt },
        },
      }
    : {};
  return {
    id: 'wf',
    initial: 'running',
    context: { outcome: Outcome.RUNNING },
    states: {
      running: {
        ...running,
        onDone: drill ? { target: VERDICTS } : afterSteps,
        on: { INTERRUPT: interrupt },
      },
      ...verdicts,
      compensating: {
        id: COMPENSATING_ID,
        initial: compensable[0] ? undoKey(compensable[0].id) : DONE,
        states: undoStates,
        onDone: { target: 'settle' },
      },
      settle: {
        always: [
          { target: FinalState.SUCCEEDED, guard: { type: 'outcomeIs', params: { outcome: Outcome.CLEANUP } } },
          { target: FinalState.INTERRUPTED, guard: { type: 'outcomeIs', params: { outcome: Outcome.INTERRUPTED } } },
          { target: FinalState.FAILED },
        ],
      },
      [FinalState.SUCCEEDED]: { id: `wf-${FinalState.SUCCEEDED}`, type: 'final' },
      [FinalState.FAILED]: { id: `wf-${FinalState.FAILED}`, type: 'final' },
      [FinalState.INTERRUPTED]: { id: `wf-${FinalState.INTERRUPTED}`, type: 'final' },
    },
  };
}

/** One state per compensable step, in reverse document order; each continues on done and on error. */
function compensationStates(workflow: Workflow): { compensable: StepNode[]; undoStates: Record<string, StateConfig> } {
  const compensable = flattenSteps(workflow.steps)
    .filter((s) => s.rollback.kind !== 'none')
    .reverse();
  const undoStates: Record<string, StateConfig> = {};
  compensable.forEach((step, i) => {
    const next = compensable[i + 1] ? undoKey(compensable[i + 1]!.id) : DONE;
    undoStates[undoKey(step.id)] = {
      invoke: {
        id: undoKey(step.id),
        src: 'compensateStep',
        input: { stepId: step.id },
        onDone: { target: next },
        onError: { target: next },
      },
    };
  });
  undoStates[DONE] = { type: 'final' };
  return { compensable, undoStates };
}

/** Compiles a workflow into its machine (actors still to be provided by the runner). */
export function compileWorkflow(workflow: Workflow): CompiledWorkflow {
  const config = compileConfig(workflow);
  const machine = createSetup().createMachine(config as unknown as Parameters<ReturnType<typeof createSetup>['createMachine']>[0]);
  return { config, machine };
}

/** State key of a step's compensation. */
export function undoKey(stepId: string): string {
  return `undo_${stepId}`;
}

function stepState(step: StepNode, next: string, onError: TransitionConfig): StateConfig {
  const meta: Record<string, unknown> = { type: step.type };
  if (step.if !== undefined) meta.if = step.if;
  if (step.timeoutMs !== undefined) meta.timeoutMs = step.timeoutMs;
  if (step.retry.maximumAttempts !== 1) meta.retry = step.retry;
  return {
    ...(step.description ? { description: step.description } : {}),
    meta,
    invoke: { id: step.id, src: 'runStep', input: { stepId: step.id }, onDone: { target: next }, onError },
  };
}

function setOutcome(outcome: Outcome): { type: 'setOutcome'; params: { outcome: Outcome } } {
  return { type: 'setOutcome', params: { outcome } };
}
