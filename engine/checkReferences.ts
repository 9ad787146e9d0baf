import type { StepRegistry } from './registry.ts';
import { closest } from './registry.ts';
import { hasTemplate, parseTemplateString, pathsOf, RUN_KEYS, TARGET_KEYS, wholeTemplate } from './template.ts';
import { TemplateError } from './errors.ts';
import type { InputSpec, StepNode, WorkflowNode } from './workflow.ts';
import { flattenSteps } from './workflow.ts';
import { toPointer } from './locate.ts';
import { ExpressionError } from './expression/expressionError.ts';
import { typeCheck } from './expression/typeCheck.ts';
import { staticTypeOf } from './expression/staticTypes.ts';
import { EXPRESSION_PARAMS } from './expression/expressionParams.ts';
import { EVIDENCE_ROOTS, type Expr, type PathExpr } from './expression/ast.ts';
import { parseExpression } from './expression/parser.ts';
import { checkParamTypes } from './checkParamTypes.ts';
import type { JsonSchema } from './types.ts';

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
  const workflow: WorkflowScope = { all: new Map(flattenSteps(steps).map((s) => [s.id, s])), inputs, registry, report };
  const walk = (nodes: WorkflowNode[], before: Set<string>): Set<string> => {
    let available = before;
    for (const node of nodes) {
      if (node.kind === 'step') {
        checkTemplates(workflow, node.params, `${node.pointer}/params`, available, node.id);
        checkExpressionParams(workflow, node, available);
        checkParamTypes(node.params, registry.get(node.type)?.params as JsonSchema | undefined, {
          pointer: node.pointer,
          stepType: node.type,
          typeOfPath: (path) => staticTypeOf(path, workflow.all, inputs, registry),
          report,
        });
        if (node.if !== undefined) {
          checkTemplates(workflow, node.if, `${node.pointer}/if`, available, node.id);
          checkWholeCondition(workflow.report, node.if, `${node.pointer}/if`);
        }
        if (node.rollback.kind === 'override') {
          checkTemplates(workflow, node.rollback.params, `${node.pointer}/rollback/params`, new Set([...available, node.id]), undefined);
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
  checkTemplates(workflow, outputs, '/outputs', new Set(workflow.all.keys()), undefined);
}

/**
 * An `if:` string is a condition only when it is one whole `${{ }}`: text around a template, or
 * text without one, is a non-empty string, and a non-empty string is true, so the step would
 * always run (`if: "${{ inputs.a }} == false"` with a = true ran the step).
 */
function checkWholeCondition(report: Report, condition: string | boolean, pointer: string): void {
  if (typeof condition !== 'string') return;
  let parts: ReturnType<typeof parseTemplateString>;
  try {
    parts = parseTemplateString(condition);
  } catch {
    return; // checkTemplates reports the malformed template
  }
  if (wholeTemplate(condition, parts)) return;
  const inner = condition.replace(/\$\{\{\s*(.*?)\s*\}\}/g, '$1').trim();
  report(
    pointer,
    `'${condition}' is text, not a condition: any non-empty text is true, so this step would always run. ` +
      `Put the whole condition inside one template: if: \${{ ${inner || 'false'} }}`,
  );
}

/** What every check of one workflow shares: its steps by id, its inputs, the step types and where problems go. */
interface WorkflowScope {
  all: Map<string, StepNode>;
  inputs: Record<string, InputSpec>;
  registry: StepRegistry;
  report: Report;
}

/** Checks every `${{ }}` in the strings of `value` (found at `pointer`). */
function checkTemplates(workflow: WorkflowScope, value: unknown, pointer: string, available: Set<string>, self: string | undefined): void {
  const { report } = workflow;
  forEachString(value, pointer, (text, at) => {
    if (!hasTemplate(text)) return;
    let parts;
    try {
      parts = parseTemplateString(text);
    } catch (error) {
      reportParseError(report, at, error, 0);
      return;
    }
    for (const part of parts) {
      checkExpression(workflow, part.expr, { at, available, self }, () => part.start, part.sourceStart);
    }
  });
}

/** Checks the params a step type reads as bare expressions (no `${{ }}`), e.g. an assertion's `that`. */
function checkExpressionParams(workflow: WorkflowScope, node: StepNode, available: Set<string>): void {
  for (const name of EXPRESSION_PARAMS[node.type] ?? []) {
    const text = node.params[name];
    if (typeof text !== 'string' || hasTemplate(text)) continue;
    const at = `${node.pointer}/params${toPointer([name])}`;
    const lead = text.length - text.trimStart().length;
    let expr;
    try {
      expr = parseExpression(text.trim(), { roots: EVIDENCE_ROOTS });
    } catch (error) {
      reportParseError(workflow.report, at, error, lead);
      continue;
    }
    checkExpression(workflow, expr, { at, available, self: node.id }, (path) => lead + path.start, lead);
  }
}

/** Reports an expression that does not parse; `lead` is where the expression starts in its string. */
function reportParseError(report: Report, at: string, error: unknown, lead: number): void {
  if (error instanceof ExpressionError) report(at, error.message, lead + error.offset);
  else report(at, error instanceof TemplateError ? error.message : String(error));
}

/**
 * Reports the problems of one parsed expression: its paths first; only when they are all
 * sound, its types. `pathOffset` places a path problem, `typeBase` is added to a type problem's offset.
 */
function checkExpression(
  workflow: WorkflowScope,
  expr: Expr,
  where: { at: string; available: Set<string>; self: string | undefined },
  pathOffset: (path: PathExpr) => number,
  typeBase: number,
): void {
  const { all, inputs, registry, report } = workflow;
  let pathProblems = 0;
  for (const path of pathsOf(expr)) {
    const problem = checkPath(path.root, path.segments, { all, available: where.available, self: where.self, inputs, registry });
    if (problem) report(where.at, problem, pathOffset(path));
    if (problem) pathProblems++;
  }
  if (pathProblems > 0) return;
  for (const problem of typeCheck(expr, (path) => staticTypeOf(path, all, inputs, registry))) {
    report(where.at, problem.message, typeBase + problem.offset);
  }
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
      const needs = scope.registry.get(step.type)?.outputsOnlyWith?.[String(third)];
      if (needs !== undefined && (step.params === null || typeof step.params !== 'object' || !(needs in step.params))) {
        return `step '${name}' (${step.type}) sets output '${String(third)}' only when its params give '${needs}', and they do not (add params.${needs} to step '${name}')`;
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
