import { ServiceError } from '../protocol/ServiceError.ts';

/**
 * Helpers for Route 53's XML input: every value arrives as a string (or an object, or a
 * list when an element repeats), so operations read through these.
 */

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A repeated element: `{ Member: x }` or `{ Member: [x, y] }` → `[x, y]`; `''` → `[]`. */
export function list(container: unknown, member: string): unknown[] {
  const o = obj(container);
  if (!o) return [];
  const v = o[member];
  if (v === undefined || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

export function bool(value: unknown): boolean | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  return s.toLowerCase() === 'true';
}

/** An integer field; malformed → InvalidInput as AWS's schema validation reports it. */
export function int(value: unknown, field: string): number | undefined {
  const s = str(value);
  if (s === undefined || s === '') return undefined;
  if (!/^-?\d+$/.test(s.trim())) {
    throw new ServiceError(
      'InvalidInput',
      `Invalid XML ; cvc-datatype-valid.1.2.1: '${s}' is not a valid value for 'integer'. (field ${field})`,
    );
  }
  return Number(s);
}

/** `1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must not be null`. */
export function required(value: unknown, field: string): string {
  const s = str(value);
  if (s === undefined || s === '') {
    throw new ServiceError(
      'InvalidInput',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return s;
}

/** `maxitems` query parameter: a positive integer, else InvalidInput. */
export function maxItems(raw: unknown, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new ServiceError(
      'InvalidInput',
      `1 validation error detected: Value '${raw}' at 'maxItems' failed to satisfy constraint: Member must be a positive integer`,
    );
  }
  return n;
}

/** AWS's schema message for a value outside an enumeration. */
export function enumError(value: string, allowed: readonly string[]): ServiceError {
  return new ServiceError(
    'InvalidInput',
    `Invalid XML ; cvc-enumeration-valid: Value '${value}' is not facet-valid with respect to enumeration '[${allowed.join(', ')}]'. It must be a value from the enumeration.`,
  );
}

/**
 * Route 53's marker paging (ListHostedZones, ListHealthChecks): the page starting at the item
 * whose id is `marker`, `maxitems` long (default 100), and the item after it, if any.
 */
export const MARKER_QUERY = { marker: 'Marker', maxitems: 'MaxItems' } as const;

export function markerPage<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  input: { Marker?: string; MaxItems?: string },
  normalise: (marker: string) => string = (m) => m,
): { page: T[]; next: T | undefined; marker: string | undefined; limit: number } {
  const limit = maxItems(input.MaxItems, 100);
  const marker = input.Marker;
  let start = 0;
  if (marker) {
    start = items.findIndex((item) => idOf(item) === normalise(marker));
    if (start < 0) throw new ServiceError('InvalidInput', `Invalid value for marker: ${marker}`);
  }
  return { page: items.slice(start, start + limit), next: items[start + limit], marker, limit };
}
