import { badRequest } from './errors.ts';

/** One entry of `patchOperations` (API Gateway's restricted JSON Patch). */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: string;
  from?: string;
}

/** The `patchOperations` member of an Update* request, checked for shape. */
export function readPatchOperations(input: Record<string, unknown>): PatchOperation[] {
  const raw = input.patchOperations ?? [];
  if (!Array.isArray(raw)) throw badRequest('Invalid patch operations specified');
  return raw.map((entry) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(e.op)) {
      throw badRequest(`Invalid patch operation specified: ${String(e.op)}`);
    }
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) throw badRequest(`Invalid patch path ${String(e.path)}`);
    return {
      op: e.op as PatchOperation['op'],
      path: e.path,
      value: e.value === undefined || e.value === null ? undefined : String(e.value),
      from: typeof e.from === 'string' ? e.from : undefined,
    };
  });
}

/** JSON Pointer unescaping of one path segment (`application~1json` → `application/json`). */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Patch values travel as strings; booleans are `"true"`/`"false"` (the CLI's `value=true`). */
export function patchBoolean(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

/**
 * Applies add/replace/remove on a `/map/key` path to a string-keyed map; returns the new map
 * (undefined when it became empty, so the member disappears from responses as on AWS).
 */
export function patchMap<T>(
  map: Record<string, T> | undefined,
  op: PatchOperation,
  key: string,
  value: T,
): Record<string, T> | undefined {
  const next = { ...(map ?? {}) };
  if (op.op === 'remove') delete next[key];
  else next[key] = value;
  return Object.keys(next).length > 0 ? next : undefined;
}
