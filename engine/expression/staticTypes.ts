import type { StepRegistry } from '../registry.ts';
import type { InputSpec, StepNode } from '../workflow.ts';
import type { PathExpr } from './ast.ts';
import type { StaticType } from './typeCheck.ts';

const NUMERIC_TARGET_KEYS = new Set(['port', 'dnsPort', 'timeScale']);

/**
 * The static type of a path in a workflow, as far as the workflow declares it: a typed input (or
 * the type of its default), a step output whose type the step type declares, a target or run
 * value, an environment variable (always a string). Anything else is `unknown`.
 */
export function staticTypeOf(
  path: PathExpr,
  steps: Map<string, StepNode>,
  inputs: Record<string, InputSpec>,
  registry: StepRegistry,
): StaticType {
  const [first, second, third, ...rest] = path.segments;
  const name = first === undefined ? undefined : String(first);
  switch (path.root) {
    case 'inputs': {
      const spec = name === undefined || second !== undefined ? undefined : inputs[name];
      if (!spec) return 'unknown';
      if (spec.type === 'number' || spec.type === 'integer') return 'number';
      if (spec.type === 'string' || spec.type === 'boolean') return spec.type;
      if (spec.type === undefined && 'default' in spec) return scalarType(spec.default);
      return 'unknown';
    }
    case 'steps': {
      const step = name === undefined ? undefined : steps.get(name);
      if (!step || second !== 'outputs' || third === undefined || rest.length > 0) return 'unknown';
      const props = registry.get(step.type)?.outputs?.properties;
      const schema = props && typeof props === 'object' ? (props as Record<string, { type?: unknown }>)[String(third)] : undefined;
      return schemaType(schema?.type);
    }
    case 'env':
    case 'secrets':
      return name !== undefined && second === undefined ? 'string' : 'unknown';
    case 'target':
      if (name === undefined || second !== undefined) return 'unknown';
      return NUMERIC_TARGET_KEYS.has(name) ? 'number' : 'unknown';
    case 'run':
      return name !== undefined && second === undefined && name !== 'startedAt' ? 'string' : 'unknown';
    case 'measures':
      // Every measure is a number (milliseconds, a count or a ratio), or null when not reached.
      return 'number';
    default:
      return 'unknown';
  }
}

function scalarType(value: unknown): StaticType {
  if (value === null || value === undefined) return 'unknown';
  const t = typeof value;
  return t === 'number' || t === 'string' || t === 'boolean' ? t : 'unknown';
}

function schemaType(type: unknown): StaticType {
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'string' || type === 'boolean') return type;
  return 'unknown';
}
