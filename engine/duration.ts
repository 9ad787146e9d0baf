/**
 * Durations, as workflows write them (`timeout`, retry intervals, step params). Part of the
 * engine's public surface for steps, with `types.ts` and `errors.ts`.
 */

/** A duration as YAML accepts it: milliseconds, or a string like `500ms`, `2s`, `1.5m`, `1h`. */
export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Pattern the workflow schema uses for duration strings. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$';

/** JSON Schema of a duration param, for step params schemas (`{ ...DURATION_SCHEMA, default: '1s' }`). */
export const DURATION_SCHEMA = { type: ['integer', 'string'], minimum: 0, pattern: DURATION_PATTERN } as const;

/**
 * Parses a {@link Duration} into milliseconds; returns undefined when it is not one.
 *
 * @example parseDuration('2s') === 2000; parseDuration(250) === 250
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}

/**
 * The number of a duration written without a unit (`30`, `"30"`), else undefined. A `timeout:`
 * must name its unit: a bare 30 reads as 30 ms and fails at once where 30 s was meant.
 */
export function unitlessDuration(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return value.trim();
  return undefined;
}
