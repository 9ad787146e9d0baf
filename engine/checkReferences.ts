import type { StepRegistry } from './registry.ts';
import { closest } from './registry.ts';
import { hasTemplate, parseTemplateString, pathsOf, RUN_KEYS, TARGET_KEYS } from './template.ts';
import { TemplateError } from './errors.ts';
import type { InputSpec, StepNode, WorkflowNode } from './workflow.ts';
import { flattenSteps } from './workflow.ts';
import { toPointer } from './locate.ts';
import { ExpressionError } from './expression/expressionError.ts';
import { typeCheck } from './expression/typeCheck.ts';
import { staticTypeOf } from './expression/staticTypes.ts';
import { EXPRESSION_PARAMS } from './expression/expressionParams.ts';
import { EVIDENCE_ROOTS } from './expression/ast.ts';
import { parseExpression } from './expression/parser.ts';

/** Reports one problem at a JSON pointer; `offset` is the character offset inside the string. */
export type Report = (pointer: string, message: string, offset?: number) => void;

/**
 * Static checks of every `${{ }}` in a workflow: syntax, unknown inputs, unknown steps, steps
 * that do not run before the referencing one (later, in a sibling parallel branch, or itself),
 * unknown outputs (when the step type declares its outputs' properties), unknown target/run keys.
 */
export function checkReferences(
  steps: WorkflowNode[],
  inputs: Record<string, InputSpec>,
  outputs: Record<string, unknown>,
  registry: StepRegistry,
  report: Report,
): void {
  const all = new Map(flattenSteps(steps).map((s) => [s.id, s]));
  const check = (value: unknown, pointer: string, available: Set<string>, self: string | undefined) =>
    forEachString(value, pointer, (text, at) => {
      if (!hasTemplate(text)) return;
      let parts;
      try {
        parts = parseTemplateString(text);
      } catch (error) {
        if (error instanceof ExpressionError) report(at, error.message, error.offset);
        else report(at, error instanceof TemplateError ? error.message : String(error));
        return;
      }
      for (const part of parts) {
        let pathProblems = 0;
        for (const path of pathsOf(part.expr)) {
          const problem = checkPath(path.root, path.segments, { all, available, self, inputs, registry });
          if (problem) report(at, problem, part.start);
          if (problem) pathProblems++;
        }
        if (pathProblems > 0) continue;
        for (const problem of typeCheck(part.expr, (path) => staticTypeOf(path, all, inputs, registry))) {
          report(at, problem.message, part.sourceStart + problem.offset);
        }
      }
    });

  const checkExpressionParams = (node: StepNode, available: Set<string>) => {
    for (const name of EXPRESSION_PARAMS[node.type] ?? []) {
      const text = node.params[name];
      if (typeof text !== 'string' || hasTemplate(text)) continue;
      const at = `${node.pointer}/params${toPointer([name])}`;
      const lead = text.length - text.trimStart().length;
      let expr;
      try {
        expr = parseExpression(text.trim(), { roots: EVIDENCE_ROOTS });
      } catch (error) {
        if (error instanceof ExpressionError) report(at, error.message, lead + error.offset);
        else report(at, error instanceof TemplateError ? error.message : String(error));
        continue;
      }
      let pathProblems = 0;
      for (const path of pathsOf(expr)) {
        const problem = checkPath(path.root, path.segments, { all, available, self: node.id, inputs, registry });
        if (problem) report(at, problem, lead + path.start);
        if (problem) pathProblems++;
      }
      if (pathProblems > 0) continue;
      for (const problem of typeCheck(expr, (path) => staticTypeOf(path, all, inputs, registry)))
        report(at, problem.message, lead + problem.offset);
    }
  };

  const walk = (nodes: WorkflowNode[], before: Set<string>): Set<string> => {
    let available = before;
    for (const node of nodes) {
      if (node.kind === 'step') {
        check(node.params, `${node.pointer}/params`, available, node.id);
        checkExpressionParams(node, available);
        if (node.if !== undefined) check(node.if, `${node.pointer}/if`, available, node.id);
        if (node.rollback.kind === 'override') {
          check(node.rollback.params, `${node.pointer}/rollback/params`, new Set([...available, node.id]), undefined);
        }
        available = new Set([...available, node.id]);
      } else {
        const after = new Set(available);
        for (const branch of node.branches) for (const id of walk(branch.steps, new Set(available))) after.add(id);
        available = after;
      }
    }
    return available;
  };
  walk(steps, new Set());
  check(outputs, '/outputs', new Set(all.keys()), undefined);
}

/** What a path is checked against: every step, those that ran before, the inputs, the step types. */
export interface CheckScope {
  all: Map<string, StepNode>;
  available: Set<string>;
  self: string | undefined;
  inputs: Record<string, InputSpec>;
  registry: StepRegistry;
}

/** The problem with one path (unknown input, step that does not run before, unknown output, ...), if any. */
export function checkPath(root: string, segments: Array<string | number>, scope: CheckScope): string | undefined {
  const [first, second, third] = segments;
  const name = first === undefined ? undefined : String(first);
  switch (root) {
    case 'inputs': {
      if (name === undefined) return undefined;
      if (scope.inputs[name]) return undefined;
      const declared = Object.keys(scope.inputs);
      const hint = closest(name, declared);
      return `unknown input '${name}'${hint ? ` (did you mean '${hint}'?)` : declared.length ? ` (declared: ${declared.join(', ')})` : ' (the workflow declares no inputs)'}`;
    }
    case 'steps': {
      if (name === undefined) return 'expected steps.<id>.outputs.<name>';
      const step = scope.all.get(name);
      if (!step) {
        const hint = closest(name, [...scope.all.keys()]);
        return `unknown step '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`;
      }
      if (name === scope.self) return `step '${name}' cannot reference its own outputs`;
      if (!scope.available.has(name)) {
        return scope.self ? `step '${name}' does not run before '${scope.self}'` : `step '${name}' does not run before this point`;
      }
      if (second !== undefined && second !== 'outputs') return `expected steps.${name}.outputs.<name>, got steps.${name}.${String(second)}`;
      if (third === undefined) return undefined;
      const schema = scope.registry.get(step.type)?.outputs;
      const props = schema && typeof schema.properties === 'object' && schema.properties ? Object.keys(schema.properties) : undefined;
      if (props && schema?.additionalProperties !== true && !props.includes(String(third))) {
        return `step '${name}' (${step.type}) has no output '${String(third)}' (outputs: ${props.join(', ') || 'none'})`;
      }
      return undefined;
    }
    case 'target':
      if (name !== undefined && !(TARGET_KEYS as readonly string[]).includes(name))
        return `unknown target value '${name}' (known: ${TARGET_KEYS.join(', ')})`;
      return undefined;
    case 'run':
      if (name !== undefined && !(RUN_KEYS as readonly string[]).includes(name))
        return `unknown run value '${name}' (known: ${RUN_KEYS.join(', ')})`;
      return undefined;
    default:
      return undefined;
  }
}

/** Calls `fn` for every string inside a JSON-like value with its JSON pointer. */
export function forEachString(value: unknown, pointer: string, fn: (text: string, pointer: string) => void): void {
  if (typeof value === 'string') fn(value, pointer);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) forEachString(v, `${pointer}/${i}`, fn);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) forEachString(v, `${pointer}${toPointer([k])}`, fn);
  }
}

/** Whether any `${{ }}` in a value reads `target.*` (parsed, so `name: target.example.com` does not count). */
export function referencesTarget(value: unknown): boolean {
  let found = false;
  forEachString(value, '', (text) => {
    if (found || !hasTemplate(text)) return;
    try {
      found = parseTemplateString(text).some((part) => pathsOf(part.expr).some((path) => path.root === 'target'));
    } catch {
      // malformed templates are load errors; nothing to start a target for
    }
  });
  return found;
}
