import { expandUse, type ExpandContext, type UseItem } from './blocks.ts';
import { parseDuration, unitlessDuration } from './duration.ts';
import { isObject } from './isObject.ts';
import { toPointer } from './locate.ts';
import type { StepRegistry } from './registry.ts';
import { reportAjvError } from './reportAjvError.ts';
import { compileRetryPolicy, type RetryPolicyInput } from './retry.ts';
import { hasTemplate } from './template.ts';
import { ID_PATTERN, type RollbackSpec, type StepNode, type WorkflowNode } from './workflow.ts';

/** What building a workflow's nodes needs from the loader (`uses:` blocks are expanded with it too). */
export interface NodeContext extends ExpandContext {
  registry: StepRegistry;
  /** The line a JSON pointer stands at (where a duplicated id was first used). */
  lineOf(pointer: string): number;
}

/**
 * The workflow's steps and parallel blocks from its raw `steps:` list, `uses:` blocks inlined.
 * Problems go to `ctx.add`: duplicate ids, unknown step types, params that fail their type's
 * schema, malformed retry policies, timeouts without a unit.
 */
export function buildWorkflowNodes(items: unknown, ctx: NodeContext): WorkflowNode[] {
  const ids = new Map<string, string>();
  let blockCount = 0;
  const claimId = (id: string, pointer: string) => {
    const first = ids.get(id);
    if (first !== undefined) ctx.add(`${pointer}/id`, `duplicate id '${id}' (first used at line ${ctx.lineOf(first)})`);
    else ids.set(id, pointer);
  };
  const claimAll = (list: WorkflowNode[], at: string): void => {
    for (const n of list) {
      claimId(n.id, at);
      if (n.kind === 'parallel') for (const b of n.branches) claimAll(b.steps, at);
    }
  };

  const build = (list: unknown, pointer: string): WorkflowNode[] => {
    if (!Array.isArray(list)) return [];
    const nodes: WorkflowNode[] = [];
    list.forEach((item, index) => {
      const at = `${pointer}/${index}`;
      if (!isObject(item)) return;
      if (isObject(item.parallel)) {
        blockCount++;
        const id = typeof item.id === 'string' ? item.id : uniqueBlockId(blockCount, ids);
        claimId(id, at); // generated ids too: a later step with the same id would replace the block's state
        const branches = Object.entries(item.parallel).map(([name, steps]) => ({
          name,
          steps: build(steps, `${at}/parallel${toPointer([name])}`),
        }));
        nodes.push({ kind: 'parallel', id, branches, pointer: at });
        return;
      }
      if (typeof item.uses === 'string' && typeof item.id === 'string') {
        const expanded = expandUse(item as unknown as UseItem, at, ctx);
        claimAll(expanded, at);
        nodes.push(...expanded);
        return;
      }
      if (typeof item.id === 'string' && ID_PATTERN.test(item.id)) claimId(item.id, at);
      nodes.push(buildStep(item, index, at, ctx));
    });
    return nodes;
  };
  return build(items, '/steps');
}

/** One step item (not a block, not a `uses:`) at `at`, its type and params checked. */
function buildStep(item: Record<string, unknown>, index: number, at: string, ctx: NodeContext): StepNode {
  const id = typeof item.id === 'string' ? item.id : `step-${index + 1}`;
  const type = typeof item.type === 'string' ? item.type : '';
  const params = isObject(item.params) ? item.params : {};
  if (type) checkType(ctx, type, params, `${at}/type`, `${at}/params`);
  const { policy, problems } = compileRetryPolicy(isObject(item.retry) ? (item.retry as RetryPolicyInput) : undefined);
  for (const p of problems) ctx.add(`${at}/retry/${p.field}`, p.message);
  const rollback = rollbackSpec(item, type, at, ctx);
  const unitless = unitlessDuration(item.timeout);
  if (unitless !== undefined)
    ctx.add(`${at}/timeout`, `timeout ${unitless} has no unit: write '${unitless}s' for seconds or '${unitless}ms' for milliseconds`);
  const timeoutMs = item.timeout === undefined || unitless !== undefined ? undefined : parseDuration(item.timeout);
  return {
    kind: 'step',
    id,
    type,
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
    params,
    ...(typeof item.if === 'string' || typeof item.if === 'boolean' ? { if: item.if } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    retry: policy,
    rollback,
    pointer: at,
  };
}

/**
 * A step's `rollback:`: `false` for none, `{ type, params }` for an override (checked like a
 * step), absent or `true` for its type's own compensation (none when the type has none).
 */
function rollbackSpec(item: Record<string, unknown>, type: string, at: string, ctx: NodeContext): RollbackSpec {
  if (item.rollback === false) return { kind: 'none' };
  if (isObject(item.rollback) && typeof item.rollback.type === 'string') {
    const params = isObject(item.rollback.params) ? item.rollback.params : {};
    checkType(ctx, item.rollback.type, params, `${at}/rollback/type`, `${at}/rollback/params`);
    return { kind: 'override', type: item.rollback.type, params };
  }
  if (item.rollback === undefined || item.rollback === true) {
    const def = ctx.registry.get(type);
    if (def && !def.rollback) return { kind: 'none' };
  }
  return { kind: 'default' };
}

/** A step type must be registered and its params must pass its schema (templated values are checked at run time). */
function checkType(ctx: NodeContext, type: string, params: Record<string, unknown>, typePointer: string, paramsPointer: string): void {
  const { registry } = ctx;
  if (!registry.get(type)) {
    const hint = registry.suggest(type);
    ctx.add(typePointer, `unknown step type '${type}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    return;
  }
  for (const error of registry.validate(type, structuredClone(params))) {
    if (typeof error.data === 'string' && hasTemplate(error.data)) continue;
    reportAjvError(error, paramsPointer, (pointer, message, options) => ctx.add(pointer, message, options));
  }
}

/** A generated id for the n-th parallel block without one, distinct from every id seen. */
function uniqueBlockId(n: number, ids: Map<string, string>): string {
  let id = `parallel-${n}`;
  while (ids.has(id)) id += '_';
  return id;
}
