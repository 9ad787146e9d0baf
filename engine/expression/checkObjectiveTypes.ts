import type { ObjectiveProblem, ObjectiveSpec } from '../objectiveSpecs.ts';
import { parseObjective, unwrap } from '../objectiveSpecs.ts';
import type { StepRegistry } from '../registry.ts';
import { flattenSteps, type InputSpec, type WorkflowNode } from '../workflow.ts';
import { staticTypeOf } from './staticTypes.ts';
import { typeCheck } from './typeCheck.ts';

/**
 * Static type errors in the `expect:` objectives (the shorthand ones are built well-typed),
 * located at the operator inside the YAML string.
 */
export function checkObjectiveTypes(
  specs: readonly ObjectiveSpec[],
  block: Record<string, unknown>,
  nodes: WorkflowNode[],
  inputs: Record<string, InputSpec>,
  registry: StepRegistry,
): ObjectiveProblem[] {
  const steps = new Map(flattenSteps(nodes).map((s) => [s.id, s]));
  const expect = Array.isArray(block.expect) ? (block.expect as unknown[]) : [];
  const problems: ObjectiveProblem[] = [];
  for (const spec of specs) {
    const index = /^\/objectives\/expect\/(\d+)\/that$/.exec(spec.pointer)?.[1];
    const item = index === undefined ? undefined : (expect[Number(index)] as { that?: unknown } | undefined);
    if (typeof item?.that !== 'string') continue;
    const { offset } = unwrap(item.that);
    for (const p of typeCheck(parseObjective(spec.source), (path) => staticTypeOf(path, steps, inputs, registry))) {
      problems.push({ pointer: spec.pointer, message: p.message, offset: offset + p.offset });
    }
  }
  return problems;
}
