import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';
import { NonRetryableError } from '../../engine/errors.ts';
import { DURATION_SCHEMA, parseDuration, type Duration as DurationValue } from '../../engine/duration.ts';

/**
 * Schema builders for step params that TypeBox has no exact constructor for. Each produces
 * the same JSON Schema a hand-written one would (so ajv's messages stay `must be equal to one
 * of the allowed values`, not a union's per-member errors), typed for `Static<>`.
 */

/** `{ enum: [...] }`, typed as the union of its values. */
export function Enum<const V extends readonly (string | number)[]>(values: V, options: SchemaOptions = {}): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ ...options, enum: [...values] });
}

/** A duration: milliseconds or a string like `250ms`, `2s`, `1m` (see `engine/duration.ts`). */
export function Duration(options: SchemaOptions = {}): TUnsafe<DurationValue> {
  return Type.Unsafe<DurationValue>({ ...DURATION_SCHEMA, ...options });
}

/** An object of string values, e.g. headers or query parameters. */
export function StringMap(options: SchemaOptions = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, ...options });
}

/** Any JSON value (no constraint), e.g. a request body. */
export function AnyValue(options: SchemaOptions = {}): TUnsafe<unknown> {
  return Type.Unsafe<unknown>({ ...options });
}

/** Milliseconds of a duration param the schema already checked; a bad one is not retryable. */
export function durationMs(value: DurationValue, what: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new NonRetryableError(`${what}: invalid duration ${JSON.stringify(value)}`);
  return ms;
}
