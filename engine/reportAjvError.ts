import type { ErrorObject } from 'ajv';
import { closest } from './registry.ts';
import { isObject } from './isObject.ts';

/** Where a loader problem goes: a JSON pointer, the message, and the key when the problem is a mapping key. */
export type AddIssue = (pointer: string, message: string, options?: { key?: string }) => void;

/** Turns one schema error (envelope or step params, found under `prefix`) into a workflow problem a user can act on. */
export function reportAjvError(error: ErrorObject, prefix: string, add: AddIssue): void {
  const pointer = prefix + error.instancePath;
  const params = error.params as Record<string, unknown>;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return;
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const props =
        isObject(error.parentSchema) && isObject(error.parentSchema.properties) ? Object.keys(error.parentSchema.properties) : [];
      const hint = closest(name, props);
      add(
        pointer,
        `unknown property '${name}'${hint ? ` (did you mean '${hint}'?)` : props.length ? ` (allowed: ${props.join(', ')})` : ''}`,
        { key: name },
      );
      return;
    }
    case 'required':
      add(pointer, `missing required property '${String(params.missingProperty)}'`);
      return;
    case 'enum':
      add(pointer, `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
      return;
    case 'pattern': {
      const isId = error.schemaPath.includes('/definitions/id');
      const value = propertyName ?? String(error.data);
      const message = isId
        ? `invalid id '${value}': must start with a letter and contain only letters, digits, '_' or '-' (no dots)`
        : error.schemaPath.includes('/definitions/duration')
          ? `invalid duration '${value}': use milliseconds or a number with ms, s, m or h`
          : `'${value}' ${error.message ?? 'is invalid'}`;
      if (propertyName !== undefined) add(pointer, message, { key: propertyName });
      else add(pointer, message);
      return;
    }
    default:
      add(pointer, error.message ?? `failed ${error.keyword}`);
  }
}
