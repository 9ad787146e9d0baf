import type { MachineConfigData, StateConfig, TransitionConfig } from './compile.ts';

/**
 * Draws a compiled machine config as Mermaid (`stateDiagram-v2`) or Graphviz DOT. Works on the
 * plain-data config, so it needs no running actor.
 */

/** Output formats of `engine graph`. */
export const GraphFormat = { MERMAID: 'mermaid', DOT: 'dot' } as const;
export type GraphFormat = (typeof GraphFormat)[keyof typeof GraphFormat];

interface FlatState {
  path: string[];
  node: StateConfig;
}

interface Edge {
  from: string[];
  to: string[];
  label: string;
}

function collect(config: MachineConfigData): { states: FlatState[]; edges: Edge[] } {
  const states: FlatState[] = [];
  const ids = new Map<string, string[]>();
  const visit = (node: StateConfig, path: string[]) => {
    states.push({ path, node });
    if (node.id) ids.set(node.id, path);
    for (const [key, child] of Object.entries(node.states ?? {})) visit(child, [...path, key]);
  };
  visit(config, []);
  const edges: Edge[] = [];
  const resolveTarget = (from: string[], target: string): string[] => {
    if (target.startsWith('#')) return ids.get(target.slice(1)) ?? [target];
    return [...from.slice(0, -1), target];
  };
  const add = (from: string[], t: TransitionConfig | undefined, label: string) => {
    if (!t) return;
    const guard = t.guard ? ` [${t.guard.params.outcome}]` : '';
    edges.push({ from, to: resolveTarget(from, t.target), label: label + guard });
  };
  for (const { path, node } of states) {
    if (path.length === 0) continue;
    if (node.invoke) {
      add(path, node.invoke.onDone, 'done');
      if (node.invoke.onError.target !== node.invoke.onDone.target) add(path, node.invoke.onError, 'error');
      else edges[edges.length - 1]!.label = 'done / error';
    }
    add(path, node.onDone, 'done');
    for (const [event, t] of Object.entries(node.on ?? {})) add(path, t, event);
    for (const t of node.always ?? []) add(path, t, 'always');
  }
  return { states, edges };
}

const safe = (path: string[]) => (path.length ? path.join('__').replace(/[^A-Za-z0-9_]/g, '_') : 'root');

function label(key: string, node: StateConfig): string {
  const meta = node.meta ?? {};
  const parts = [key];
  if (typeof meta.type === 'string') parts.push(`(${meta.type})`);
  if (meta.if !== undefined) parts.push(`if ${String(meta.if)}`);
  if (typeof meta.timeoutMs === 'number') parts.push(`timeout ${durationText(meta.timeoutMs)}`);
  if (meta.retry && typeof meta.retry === 'object')
    parts.push(`retry x${String((meta.retry as { maximumAttempts?: unknown }).maximumAttempts)}`);
  return parts.join(' ');
}

/** A step timeout as a workflow writes it (AWS time): `2m`, `90s`, `250ms`. */
function durationText(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Mermaid `stateDiagram-v2` of a compiled config. */
export function toMermaid(config: MachineConfigData): string {
  const { edges } = collect(config);
  const lines = ['stateDiagram-v2'];
  const render = (node: StateConfig, path: string[], indent: string) => {
    const children = Object.entries(node.states ?? {});
    if (node.initial !== undefined) lines.push(`${indent}[*] --> ${safe([...path, node.initial])}`);
    children.forEach(([key, child], i) => {
      const childPath = [...path, key];
      const id = safe(childPath);
      if (child.states) {
        lines.push(`${indent}state "${label(key, child)}" as ${id} {`);
        render(child, childPath, indent + '  ');
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${label(key, child)}" as ${id}`);
        if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
      }
      if (node.type === 'parallel' && i < children.length - 1) lines.push(`${indent}--`);
    });
  };
  render(config, [], '  ');
  for (const e of edges) lines.push(`  ${safe(e.from)} --> ${safe(e.to)} : ${e.label}`);
  return lines.join('\n') + '\n';
}

/**
 * Graphviz DOT of a compiled config. A compound state is a cluster with a point where it is
 * entered, drawn with an edge to its initial state (to each region's, for a parallel state).
 * An edge into a compound state ends at that point; an edge out of one leaves the cluster's
 * border (`ltail`), except `done`, which leaves the state's final node, where it fires.
 */
export function toDot(config: MachineConfigData): string {
  const { edges } = collect(config);
  const lines = ['digraph workflow {', '  compound=true;', '  rankdir=TB;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  const nodes = new Map<string, StateConfig>();
  const entryEdges: string[] = [];
  const render = (node: StateConfig, path: string[], indent: string) => {
    for (const [key, child] of Object.entries(node.states ?? {})) {
      const childPath = [...path, key];
      nodes.set(childPath.join('\u0000'), child);
      if (child.states) {
        lines.push(`${indent}subgraph cluster_${safe(childPath)} {`);
        lines.push(`${indent}  label=${JSON.stringify(label(key, child) + (child.type === 'parallel' ? ' (parallel)' : ''))};`);
        lines.push(`${indent}  ${safe(childPath)}__entry [shape=point];`);
        const initial = child.type === 'parallel' ? Object.keys(child.states) : child.initial !== undefined ? [child.initial] : [];
        for (const first of initial)
          entryEdges.push(`  ${safe(childPath)}__entry -> ${headOf([...childPath, first], child.states[first])};`);
        render(child, childPath, indent + '  ');
        lines.push(`${indent}}`);
      } else {
        const shape = child.type === 'final' ? ', shape=doublecircle' : '';
        lines.push(`${indent}${safe(childPath)} [label=${JSON.stringify(label(key, child))}${shape}];`);
      }
    }
  };
  render(config, [], '  ');
  lines.push(...entryEdges);
  for (const e of edges) {
    const tail = tailOf(e, nodes.get(e.from.join('\u0000')));
    const head = headOf(e.to, nodes.get(e.to.join('\u0000')));
    lines.push(`  ${tail.node} -> ${head} [label=${JSON.stringify(e.label)}${tail.attribute}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Where an edge into a state ends: the state itself, or a compound state's entry point. */
function headOf(path: string[], node: StateConfig | undefined): string {
  return node?.states ? `${safe(path)}__entry` : safe(path);
}

/** Where an edge out of a state starts: see toDot. */
function tailOf(edge: Edge, node: StateConfig | undefined): { node: string; attribute: string } {
  if (!node?.states) return { node: safe(edge.from), attribute: '' };
  const final = Object.entries(node.states).find(([, child]) => child.type === 'final');
  if (edge.label === 'done' && final) return { node: safe([...edge.from, final[0]]), attribute: '' };
  return { node: `${safe(edge.from)}__entry`, attribute: `, ltail=cluster_${safe(edge.from)}` };
}
