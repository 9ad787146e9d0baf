import { type TNull, type TOptional, type TSchema, type TUnion, type TUnknown, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * What the services share to check an operation's input against the TypeBox schema of the
 * members its handlers read: the first member of the wrong JSON type, by its path in the
 * request (`Code.ZipFile`, `patchOperations.0.op`) and the type it should have. Each service
 * turns it into its own error (Lambda's InvalidParameterValueException, API Gateway's
 * BadRequestException).
 */

/** An optional member that may also be sent as JSON `null`, which reads as absent (as AWS reads it). */
export function Maybe<T extends TSchema>(schema: T): TOptional<TUnion<[T, TNull]>> {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}

/**
 * A member the handler checks itself, with AWS's own message for it (a range, an enum, a name
 * pattern): any JSON value, or absent.
 */
export function HandlerChecked(): TOptional<TUnknown> {
  return Type.Optional(Type.Unknown());
}

/** A map of strings (Lambda's `Tags`, API Gateway's `requestTemplates`). */
export const StringMap = Type.Record(Type.String(), Type.String());

export interface WrongMember {
  /** The member's path in the request, dot-separated (`Environment.Variables.A`). */
  member: string;
  /** What it should be, for a message: `a string`, `a map of strings`, `a list`… */
  expected: string;
}

/** The first member of `value` that does not match `schema`, or undefined when all do. */
export function wrongMember(schema: TSchema, value: unknown): WrongMember | undefined {
  if (Value.Check(schema, value)) return undefined;
  const wrong = firstWrong(schema, value, '');
  return wrong ? { member: memberPath(wrong.path), expected: describe(wrong.schema) } : { member: '', expected: describe(schema) };
}

/**
 * The deepest member that does not match, with the schema it should match. TypeBox reports a
 * failed `Maybe` union at the union; this looks through it to the member inside.
 */
function firstWrong(schema: TSchema, value: unknown, prefix: string): { path: string; schema: TSchema } | undefined {
  const error = Value.Errors(schema, value).First();
  if (!error) return undefined;
  const path = prefix + error.path;
  const variants = (error.schema.anyOf as TSchema[] | undefined)?.filter((s) => s.type !== 'null');
  if (variants?.length === 1 && error.value !== null) return firstWrong(variants[0]!, error.value, path) ?? { path, schema: variants[0]! };
  return { path, schema: error.schema };
}

/** `/Code/ZipFile` (a JSON pointer) as `Code.ZipFile`. */
function memberPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** `a map of strings`, `a boolean`…, for the message. */
function describe(schema: TSchema): string {
  if (schema.patternProperties) {
    const values = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    if (values?.type === 'string') return 'a map of strings';
    if (values?.type === 'boolean') return 'a map of booleans';
    return 'a map';
  }
  if (schema.enum || schema.anyOf?.every((s: TSchema) => s.const !== undefined)) return 'one of the values the API declares';
  switch (schema.type) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return 'of the type the API declares';
  }
}
