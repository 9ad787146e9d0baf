import { UsageError } from './errors.ts';
import { closest } from './registry.ts';
import type { InputSpec } from './workflow.ts';

/** Parses repeated `--input key=value` options. */
export function parseInputArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input expects key=value, got '${arg}'`);
    out[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return out;
}

/**
 * Merges `--input` values over the workflow's defaults, converting each to the declared type
 * (or the default's type). Unknown names and missing required inputs are usage errors.
 */
export function resolveInputs(specs: Record<string, InputSpec>, given: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!specs[name]) {
      const hint = closest(name, Object.keys(specs));
      throw new UsageError(`unknown input '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = given[name];
    if (raw === undefined) {
      if (spec.required) throw new UsageError(`missing required input '${name}' (use --input ${name}=...)`);
      out[name] = spec.default;
      continue;
    }
    out[name] = convert(name, raw, spec.type ?? typeOf(spec.default));
  }
  return out;
}

function typeOf(value: unknown): InputSpec['type'] {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  return 'string';
}

function convert(name: string, raw: string, type: InputSpec['type']): unknown {
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) {
        throw new UsageError(`input '${name}' must be ${type === 'integer' ? 'an integer' : 'a number'}, got '${raw}'`);
      }
      return n;
    }
    case 'boolean':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new UsageError(`input '${name}' must be true or false, got '${raw}'`);
    case 'object':
    case 'array':
      try {
        return JSON.parse(raw) as unknown;
      } catch (error) {
        throw new UsageError(`input '${name}' must be JSON, got '${raw}'`, { cause: error });
      }
    default:
      return raw;
  }
}
