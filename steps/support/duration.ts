/**
 * Durations in step params: milliseconds, or a string with a unit (`250ms`, `2s`, `1.5m`, `1h`),
 * the same grammar as the workflow envelope's `timeout`. (Steps import only the engine's public
 * types and errors, so this small parser is kept here.)
 */

/** JSON Schema of a duration param. */
export const DURATION_SCHEMA = {
  type: ['integer', 'string'],
  minimum: 0,
  pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$',
} as const;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration, or `fallback` when it is undefined. */
export function toMs(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) return fallback;
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}
