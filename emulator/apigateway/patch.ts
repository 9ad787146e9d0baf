import { Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import { HandlerChecked, Maybe } from '../typedInput.ts';
import { badRequest } from './errors.ts';
import { checkBody } from './typedOperation.ts';

/** One entry of `patchOperations` (API Gateway's restricted JSON Patch). */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: string;
  from?: string;
}

const OPS = ['add', 'remove', 'move', 'test', 'replace', 'copy'] as const;

/** `patchOperations` as the model declares it; `op` keeps AWS's enum message (checked below). */
const PatchInput = Type.Object({
  patchOperations: Maybe(
    Type.Array(Type.Object({ op: HandlerChecked(), path: Maybe(Type.String()), value: Maybe(Type.String()), from: Maybe(Type.String()) })),
  ),
});

/**
 * The `patchOperations` member of an Update* request, checked for shape. An `op` outside the
 * model's enum is a coral ValidationException naming the list index (1-based), as AWS answers;
 * `operationInput` is the request's input name (`updateRestApiInput`).
 */
export function readPatchOperations(input: Record<string, unknown>, operationInput = 'input'): PatchOperation[] {
  const { patchOperations } = checkBody(PatchInput, input);
  return (patchOperations ?? []).map((e, i) => {
    const op = OPS.find((known) => known === e.op);
    if (!op) {
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value '${String(e.op)}' at '${operationInput}.patchOperations.${i + 1}.member.op' ` +
          `failed to satisfy constraint: Member must satisfy enum value set: [${OPS.join(', ')}]`,
        { status: 400 },
      );
    }
    if (!e.path?.startsWith('/')) throw badRequest(`Invalid patch path ${String(e.path)}`);
    return { op, path: e.path, value: e.value ?? undefined, from: e.from ?? undefined };
  });
}

/**
 * AWS's answer to an op a path does not support (`move` and `test` are never supported; `copy`
 * only where the patch-operations table says so). The two spaces after "path" are AWS's.
 */
export function unsupportedOp(op: PatchOperation): ServiceError {
  return badRequest(`Invalid patch path  '${op.path}' specified for op '${op.op}'. Please choose supported operations`);
}

/** AWS's answer to a path an operation does not know, listing the ones it does. */
export function unknownPath(op: PatchOperation, paths: readonly string[]): ServiceError {
  return badRequest(`Invalid patch path  '${op.path}' specified for op '${op.op}'. Must be one of: [${paths.join(', ')}]`);
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
 * Callers reject `move`, `copy` and `test` first (see {@link checkOp}).
 */
export function patchMap<T>(map: Record<string, T> | undefined, op: PatchOperation, key: string, value: T): Record<string, T> | undefined {
  const next = { ...(map ?? {}) };
  if (op.op === 'remove') delete next[key];
  else next[key] = value;
  return Object.keys(next).length > 0 ? next : undefined;
}

/** Throws {@link unsupportedOp} unless `op.op` is one of `allowed`. */
export function checkOp(op: PatchOperation, allowed: readonly PatchOperation['op'][]): void {
  if (!allowed.includes(op.op)) throw unsupportedOp(op);
}
