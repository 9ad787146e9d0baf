import type { StepRegistry } from './registry.ts';
import type { StepEffect } from './types.ts';
import type { StepNode, Workflow, WorkflowNode } from './workflow.ts';

/**
 * `engine plan`: what a run would create, change and break, per step, from the workflow and
 * each step type's `effects(params)` alone — no target is started or contacted. Values that
 * only a run knows (`${{ steps.x.outputs.y }}`) stay as written. A step type without
 * `effects` is listed as "effects unknown", and so is one whose params cannot be read yet.
 */
export interface PlannedStep {
  id: string;
  type: string;
  /** The parallel branch the step is in, if any. */
  branch?: string;
  /** When the step only runs under a condition. */
  if?: string | boolean;
  /** Undefined: the step type does not say (effects unknown). Empty: it changes nothing. */
  effects: StepEffect[] | undefined;
  /** Why the effects are unknown, when they are. */
  unknown?: string;
}

export function planWorkflow(workflow: Workflow, registry: StepRegistry): PlannedStep[] {
  const out: PlannedStep[] = [];
  const walk = (nodes: WorkflowNode[], branch?: string) => {
    for (const node of nodes) {
      if (node.kind === 'step') out.push(planStep(node, registry, workflow.dir, branch));
      else for (const b of node.branches) walk(b.steps, branch ? `${branch}/${b.name}` : b.name);
    }
  };
  walk(workflow.steps);
  return out;
}

function planStep(node: StepNode, registry: StepRegistry, workflowDir: string, branch: string | undefined): PlannedStep {
  const base = { id: node.id, type: node.type, ...(branch ? { branch } : {}), ...(node.if !== undefined ? { if: node.if } : {}) };
  const def = registry.get(node.type);
  if (!def?.effects) return { ...base, effects: undefined, unknown: 'the step type does not describe its effects' };
  // Defaults as a run applies them; errors are ignored here (templates are still text).
  const params = structuredClone(node.params);
  registry.validate(node.type, params);
  try {
    return { ...base, effects: def.effects(params, { workflowDir }) };
  } catch (error) {
    return { ...base, effects: undefined, unknown: (error as Error).message };
  }
}

/** The plan as text: one block per step, one line per effect, then a summary by action. */
export function formatPlan(workflow: Workflow, plan: PlannedStep[]): string {
  const lines = [
    `plan for ${workflow.name} (${workflow.file}): ${plan.length} ${plan.length === 1 ? 'step' : 'steps'}, nothing is contacted`,
  ];
  const counts = { create: 0, change: 0, break: 0, delete: 0 };
  for (const step of plan) {
    const where = step.branch ? ` [${step.branch}]` : '';
    const cond = step.if !== undefined ? ` (only if ${String(step.if)})` : '';
    lines.push(`  ${step.id} (${step.type})${where}${cond}`);
    if (!step.effects) lines.push(`      effects unknown: ${step.unknown}`);
    else if (step.effects.length === 0) lines.push('      no change (reads or waits only)');
    for (const e of step.effects ?? []) {
      counts[e.action]++;
      lines.push(`      ${e.action.padEnd(6)} ${e.resource}${e.region ? ` in ${e.region}` : ''}: ${e.detail}`);
    }
  }
  const unknown = plan.filter((s) => !s.effects).length;
  lines.push(
    `summary: ${counts.create} create, ${counts.change} change, ${counts.break} break, ${counts.delete} delete${unknown ? `, ${unknown} unknown` : ''}`,
  );
  return lines.join('\n') + '\n';
}
