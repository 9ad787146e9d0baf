import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { WorkflowLoadError, type LoadIssue } from './errors.ts';
import { compileRetryPolicy } from './retry.ts';
import type { InputSpec, StepNode, Workflow, WorkflowNode } from './workflow.ts';

/**
 * `uses:` blocks, as GitHub Actions composite actions: a YAML file with `inputs:`, `steps:` and
 * `outputs:` is loaded and validated as a workflow of its own (its problems are reported at
 * their line in the block file), then its steps are inlined in place of the `uses:` item:
 * - step `s` of the block used as `id: shift` runs as `shift_s` (parallel blocks too);
 * - `${{ inputs.x }}` takes the `with:` value (a value that is exactly that template keeps the
 *   value's type; one inside a longer text or expression is spliced in), or the input's default;
 * - `${{ steps.s.outputs.y }}` inside the block refers to `shift_s`;
 * - the block's `outputs:` become a `setOutputs` step with the use's id, so the workflow reads
 *   `${{ steps.shift.outputs.name }}`.
 * `repeat: n` / `matrix: { k: [..] }` inline the block once per iteration as `shift_1`, `shift_2`
 * ..., each with its own outputs, and `shift` aggregates them: `{ values, min, p50, p95, max }`
 * for numbers.
 */
export interface UseItem {
  id: string;
  uses: string;
  with?: Record<string, unknown>;
  repeat?: number;
  matrix?: Record<string, unknown[]>;
}

export interface ExpandContext {
  /** Folder of the file that has the `uses:`. */
  dir: string;
  /** Block files being expanded (absolute), outermost first: a cycle is an error. */
  stack: readonly string[];
  add(pointer: string, message: string, options?: { key?: string }): void;
  addIssues(issues: readonly LoadIssue[]): void;
  /** Loads a block file as a workflow (the loader's parseWorkflow, with the stack). */
  parse(source: string, file: string, stack: readonly string[]): Workflow;
}

const MAX_DEPTH = 8;

export function expandUse(item: UseItem, at: string, ctx: ExpandContext): WorkflowNode[] {
  const block = loadBlock(item, at, ctx);
  if (!block) return [];
  const withValues = item.with ?? {};
  for (const key of Object.keys(withValues)) {
    if (!block.inputs[key])
      ctx.add(`${at}/with`, `block '${item.uses}' has no input '${key}' (inputs: ${Object.keys(block.inputs).join(', ') || 'none'})`, {
        key,
      });
  }
  const iterations = iterationsOf(item);
  const nodes: WorkflowNode[] = [];
  iterations.forEach((extra, i) => {
    const values = { ...withValues, ...extra };
    const missing = Object.entries(block.inputs).filter(([name, spec]) => spec.required && !(name in values));
    for (const [name] of missing) ctx.add(at, `block '${item.uses}' needs input '${name}': add it under with:`);
    if (missing.length > 0) return; // its templates would only add confusing "unknown input" errors
    const prefix = iterations.length === 1 && !item.repeat && !item.matrix ? item.id : `${item.id}_${i + 1}`;
    const scope: Scope = { prefix, inner: innerIds(block.steps), inputs: inputValues(block.inputs, values) };
    nodes.push(...block.steps.map((node) => renameNode(node, scope, at)));
    nodes.push(outputsStep(prefix, { values: rewrite(block.outputs, scope) }, at));
  });
  if (iterations.length > 1 || item.repeat || item.matrix) {
    const aggregate = Object.fromEntries(
      Object.keys(block.outputs).map((name) => [name, iterations.map((_, i) => `\${{ steps.${item.id}_${i + 1}.outputs.${name} }}`)]),
    );
    nodes.push(outputsStep(item.id, { aggregate }, at));
  }
  return nodes;
}

function loadBlock(item: UseItem, at: string, ctx: ExpandContext): Workflow | undefined {
  const file = resolve(ctx.dir, item.uses);
  if (ctx.stack.includes(file)) {
    ctx.add(`${at}/uses`, `'${item.uses}' is already being expanded (a block cannot use itself, directly or not)`);
    return undefined;
  }
  if (ctx.stack.length >= MAX_DEPTH) {
    ctx.add(`${at}/uses`, `blocks nest more than ${MAX_DEPTH} deep`);
    return undefined;
  }
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    ctx.add(`${at}/uses`, `cannot read block '${item.uses}': ${reason}`);
    return undefined;
  }
  try {
    return ctx.parse(source, relative(process.cwd(), file) || file, [...ctx.stack, file]);
  } catch (error) {
    if (!(error instanceof WorkflowLoadError)) throw error;
    ctx.addIssues(error.issues);
    return undefined;
  }
}

/** One `with:` overlay per iteration: none (plain use), n empty ones (repeat), or the matrix's combinations. */
function iterationsOf(item: UseItem): Record<string, unknown>[] {
  if (item.matrix) {
    let combos: Record<string, unknown>[] = [{}];
    for (const [key, values] of Object.entries(item.matrix)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
    return combos;
  }
  return Array.from({ length: item.repeat ?? 1 }, () => ({}));
}

function inputValues(specs: Record<string, InputSpec>, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) if ('default' in spec) out[name] = spec.default;
  return { ...out, ...given };
}

interface Scope {
  prefix: string;
  inner: Set<string>;
  inputs: Record<string, unknown>;
}

function innerIds(nodes: readonly WorkflowNode[], out = new Set<string>()): Set<string> {
  for (const node of nodes) {
    out.add(node.id);
    if (node.kind === 'parallel') for (const b of node.branches) innerIds(b.steps, out);
  }
  return out;
}

function renameNode(node: WorkflowNode, scope: Scope, at: string): WorkflowNode {
  const id = `${scope.prefix}_${node.id}`;
  if (node.kind === 'parallel') {
    return {
      ...node,
      id,
      pointer: at,
      branches: node.branches.map((b) => ({ name: b.name, steps: b.steps.map((n) => renameNode(n, scope, at)) })),
    };
  }
  const step: StepNode = { ...node, id, pointer: at, params: rewrite(node.params, scope) as Record<string, unknown> };
  if (node.if !== undefined) step.if = rewrite(node.if, scope) as string | boolean;
  if (node.rollback.kind === 'override')
    step.rollback = { ...node.rollback, params: rewrite(node.rollback.params, scope) as Record<string, unknown> };
  return step;
}

function outputsStep(id: string, params: Record<string, unknown>, at: string): StepNode {
  return {
    kind: 'step',
    id,
    type: 'setOutputs',
    params,
    retry: compileRetryPolicy(undefined).policy,
    rollback: { kind: 'none' },
    pointer: at,
  };
}

const WHOLE_INPUT = /^\$\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$/;
const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/** Rewrites every string of a JSON-like value for the block's scope (inputs, inner step ids). */
export function rewrite(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return rewriteString(value, scope);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, scope));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, scope)]));
  return value;
}

function rewriteString(text: string, scope: Scope): unknown {
  const whole = WHOLE_INPUT.exec(text);
  if (whole && whole[1]! in scope.inputs) return scope.inputs[whole[1]!];
  return text.replace(TEMPLATE, (_segment, expr: string) => {
    const only = /^\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*$/.exec(expr);
    if (only && only[1]! in scope.inputs) return String(scope.inputs[only[1]!] ?? '');
    const rewritten = expr
      .replace(/\binputs\.([A-Za-z_][A-Za-z0-9_-]*)/g, (path, name: string) => (name in scope.inputs ? literal(scope.inputs[name]) : path))
      .replace(/\bsteps\.([A-Za-z][A-Za-z0-9_-]*)\./g, (path, name: string) =>
        scope.inner.has(name) ? `steps.${scope.prefix}_${name}.` : path,
      );
    return `\${{${rewritten}}}`;
  });
}

/** A `with:` value inside an expression: a literal, or the parent's expression when it is exactly one template. */
function literal(value: unknown): string {
  if (typeof value === 'string') {
    const one = /^\$\{\{([\s\S]*)\}\}$/.exec(value);
    if (one && !one[1]!.includes('}}')) return `(${one[1]!.trim()})`;
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  return JSON.stringify(value ?? null);
}
