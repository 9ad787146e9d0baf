import { formatTarget, type TargetDescription } from '../targetDescription.ts';
import { parseObjective } from '../objectiveSpecs.ts';
import { formatValue, unitOf } from '../expression/format.ts';

/**
 * Formatting shared by the renderings: times, values, the target. Reports show AWS time in UTC
 * with milliseconds; durations as `1.23s`.
 */

/** `2026-12-06T12:00:01.234Z` → `12:00:01.234`. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** `2026-12-06 12:00:01 UTC`. */
export function dateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

/** `+1:02.5` from the run's start. */
export function offset(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const minutes = Math.floor(total / 60);
  const seconds = (total - minutes * 60).toFixed(1).padStart(4, '0');
  return `+${minutes}:${seconds}`;
}

/** What a report needs of a verdict to print its operands. */
interface VerdictOperands {
  expression: string;
  actual: unknown;
  limit: unknown;
  error?: string | undefined;
}

/**
 * A verdict's actual value as a report prints it: the measure in the unit its limit was written
 * in (`75 s`, not `75000`), or why there is none (`not measured: steps.w.outputs.sinceAwsMs has
 * no value`) instead of `null`.
 */
export function actualText(verdict: VerdictOperands): string {
  const actual = operandText(verdict.expression, verdict.actual);
  if (verdict.error === undefined) return actual;
  return verdict.actual === null || verdict.actual === undefined ? verdict.error : `${actual} (${verdict.error})`;
}

/** A verdict's limit as a report prints it: `120 s`, `50%`, `2`. */
export function limitText(verdict: VerdictOperands): string {
  return operandText(verdict.expression, verdict.limit);
}

/** A number in the unit of the comparison's unit literal (`<= 120s` → `75 s`); anything else as it is. */
export function operandText(expression: string, value: unknown): string {
  if (typeof value !== 'number') return String(value);
  try {
    const expr = parseObjective(expression);
    return formatValue(value, expr.kind === 'compare' ? unitOf(expr.left, expr.right) : undefined);
  } catch {
    return String(value);
  }
}

/** A value as a person reads it: strings as they are, anything else as JSON. */
export function plainValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/**
 * The target in one line: {@link formatTarget}, then every other field the description carries
 * (a clock kind and seed, say) as `name value`.
 */
export function targetLine(target: TargetDescription): string {
  const known = new Set(['kind', 'timeScale', 'endpoint', 'dns']);
  const extra = Object.entries(target as unknown as Record<string, unknown>)
    .filter(([k, v]) => !known.has(k) && v !== undefined)
    .map(([k, v]) => `${k} ${plainValue(v)}`);
  return [formatTarget(target), ...extra].join(', ');
}

/** Text and attribute escaping for HTML and SVG. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
