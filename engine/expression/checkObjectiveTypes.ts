import type { ObjectiveProblem, ObjectiveSpec } from '../objectiveSpecs.ts';
import { parseObjective, unwrap } from '../objectiveSpecs.ts';
import type { StepRegistry } from '../registry.ts';
import { flattenSteps, type InputSpec, type WorkflowNode } from '../workflow.ts';
import { staticTypeOf } from './staticTypes.ts';
import { typeCheck } from './typeCheck.ts';
import { pathsOf } from './ast.ts';
import { checkPath } from '../checkReferences.ts';

/**
 * Static checks of the `expect:` objectives (the shorthand ones are built well-formed): paths
 * that name no input, step or output (every step has run when objectives are checked), then
 * type errors, each located inside the YAML string.
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
    const expr = parseObjective(spec.source);
    const scope = { all: steps, available: new Set(steps.keys()), self: undefined, inputs, registry };
    const pathProblems = pathsOf(expr).flatMap((path) => {
      const message = checkPath(path.root, path.segments, scope);
      return message ? [{ pointer: spec.pointer, message, offset: offset + path.start }] : [];
    });
    problems.push(...pathProblems);
    if (pathProblems.length > 0) continue;
    for (const p of typeCheck(expr, (path) => staticTypeOf(path, steps, inputs, registry))) {
      problems.push({ pointer: spec.pointer, message: p.message, offset: offset + p.offset });
    }
  }
  return problems;
}
