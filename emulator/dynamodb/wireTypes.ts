import { serializationError } from './backend.ts';

/**
 * Member type conversions as dynalite's `checkType` does them (`validations/index.js`), for
 * the members the emulator reads itself: a wrong JSON type is a SerializationException with
 * the same message dynalite (and DynamoDB's Coral front end) would give.
 */
export function wireBoolean(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      throw serializationError(`${Number.isInteger(v) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE'} cannot be converted to Boolean`);
    case 'string': {
      const upper = v.toUpperCase();
      if (['TRUE', '1', 'YES'].includes(upper)) return true;
      if (['FALSE', '0', 'NO'].includes(upper)) return false;
      throw serializationError('Unexpected token received from parser');
    }
    default:
      throw structureError(v, 'java.lang.Boolean');
  }
}

export function wireString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      throw serializationError(`${v ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to String`);
    case 'number':
      throw serializationError(`${Number.isInteger(v) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE'} cannot be converted to String`);
    default:
      throw structureError(v, 'java.lang.String');
  }
}

export function wireInteger(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  switch (typeof v) {
    case 'number':
      return Math.floor(v);
    case 'boolean':
      throw serializationError(`${v ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to Integer`);
    case 'string':
      throw serializationError('STRING_VALUE cannot be converted to Integer');
    default:
      throw structureError(v, 'java.lang.Integer');
  }
}

/**
 * A member holding a structure (`SSESpecification`, `WarmThroughput`): a scalar or a list where
 * an object belongs is a SerializationException, in the words of dynalite's `FieldStruct` check.
 */
export function wireStructure<T extends object>(v: unknown, shape: string): Partial<Record<keyof T, unknown>> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object') throw serializationError('Unexpected field type');
  if (Array.isArray(v)) throw serializationError(`Unrecognized collection type class com.amazonaws.dynamodb.v20120810.${shape}`);
  return v as Partial<Record<keyof T, unknown>>;
}

function structureError(v: unknown, javaClass: string) {
  return serializationError(
    Array.isArray(v) ? `Unrecognized collection type class ${javaClass}` : 'Start of structure or map found where not expected',
  );
}

/** Collects AWS's "N validation error(s) detected: Value … at '…' failed to satisfy constraint: …". */
export class ConstraintErrors {
  private readonly errors: string[] = [];

  required(value: unknown, path: string): this {
    if (value === undefined || value === null)
      this.errors.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return this;
  }

  length(value: string | undefined, path: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value.length < min) this.fail(value, path, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) this.fail(value, path, `Member must have length less than or equal to ${max}`);
    return this;
  }

  range(value: number | undefined, path: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.fail(value, path, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.fail(value, path, `Member must have value less than or equal to ${max}`);
    return this;
  }

  oneOf(value: string | undefined, path: string, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value))
      this.fail(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return this;
  }

  pattern(value: string | undefined, path: string, regex: string): this {
    if (value !== undefined && !new RegExp(`^(?:${regex})$`).test(value)) {
      this.fail(value, path, `Member must satisfy regular expression pattern: ${regex}`);
    }
    return this;
  }

  /** One error written out whole (`Value '…' at '…' failed to satisfy constraint: …`). */
  custom(error: string): this {
    this.errors.push(error);
    return this;
  }

  /** The accumulated message, or undefined when every constraint held. */
  message(): string | undefined {
    const n = this.errors.length;
    return n === 0 ? undefined : `${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`;
  }

  private fail(value: string | number, path: string, constraint: string): void {
    this.errors.push(`Value '${value}' at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}
