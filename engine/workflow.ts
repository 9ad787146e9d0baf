import type { RetryPolicy } from './retry.ts';
import type { ObjectiveSpec } from './objectiveSpecs.ts';
import type { DeclaredProbe } from './probeSpecs.ts';

/**
 * The loaded, validated form of a workflow file: what `load` produces and `compile` and `run`
 * consume. Plain data only.
 */

/** What happens to a run's side effects: compensated on failure (default), always, or never. */
export const Cleanup = { ON_FAILURE: 'onFailure', ALWAYS: 'always', NEVER: 'never' } as const;
export type Cleanup = (typeof Cleanup)[keyof typeof Cleanup];

/** Step ids (and parallel block / branch names): no dots, since `.` is XState's delimiter. */
export const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

/** A declared input. The shorthand `inputs: { x: 5 }` means `{ default: 5 }`. */
export interface InputSpec {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  description?: string;
  default?: unknown;
  /** True when the input has no default and must be given with `--input`. */
  required: boolean;
}

/**
 * How a step is compensated: its type's own `rollback` (`default`), not at all (`rollback:
 * false`), or by running another step spec instead (`rollback: { type, params }`).
 */
export type RollbackSpec = { kind: 'default' } | { kind: 'none' } | { kind: 'override'; type: string; params: Record<string, unknown> };

/** One step of a workflow. */
export interface StepNode {
  kind: 'step';
  id: string;
  type: string;
  description?: string;
  /** Raw params, templates unresolved. */
  params: Record<string, unknown>;
  /** Condition; the step is skipped when it resolves falsy. */
  if?: string | boolean;
  timeoutMs?: number;
  retry: RetryPolicy;
  rollback: RollbackSpec;
  /** JSON pointer of the step in the workflow file. */
  pointer: string;
}

/** A `parallel:` block: named branches that run concurrently, each a sequence of nodes. */
export interface ParallelNode {
  kind: 'parallel';
  id: string;
  branches: Array<{ name: string; steps: WorkflowNode[] }>;
  pointer: string;
}

export type WorkflowNode = StepNode | ParallelNode;

/** A validated workflow. */
export interface Workflow {
  /** Path of the file as given. */
  file: string;
  /** Folder of the workflow file (absolute). */
  dir: string;
  /** sha256 of the file's bytes, hex. */
  digest: string;
  name: string;
  description?: string;
  cleanup: Cleanup;
  inputs: Record<string, InputSpec>;
  /** Workflow-level outputs: templates evaluated when the run ends. */
  outputs: Record<string, unknown>;
  /** The `objectives:` block, compiled (engine/objectiveSpecs.ts); absent when the workflow has none. */
  objectives?: ObjectiveSpec[];
  /** The `probes:` block (engine/probeSpecs.ts); absent when the workflow has none. */
  probes?: DeclaredProbe[];
  steps: WorkflowNode[];
}

/** Every step of a node list in document order (parallel branches flattened in order). */
export function flattenSteps(nodes: WorkflowNode[]): StepNode[] {
  const out: StepNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'step') out.push(node);
    else for (const branch of node.branches) out.push(...flattenSteps(branch.steps));
  }
  return out;
}
