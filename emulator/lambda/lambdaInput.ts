import { type Static, type TNull, type TOptional, type TSchema, type TUnion, type TUnknown, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { OperationInput, RequestContext } from '../types.ts';

/**
 * Lambda operations declare the input they read as a TypeBox schema; `typedHandler` checks the
 * request against it before the handler runs, so the handler's input is `Static<>` of the
 * schema and needs no casts. A member of the wrong JSON type (a string where the model has a
 * map, a number where it has a structure) is refused with InvalidParameterValueException naming
 * the member, Lambda's error for a bad parameter (docs/fidelity/lambda.md, "Typed input").
 * Members the handlers check themselves with AWS's own messages (ranges, enums, name patterns)
 * are declared `HandlerChecked()`, so those messages stay as they are.
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

/** A map of strings (`Tags`, `Environment.Variables`). */
export const StringMap = Type.Record(Type.String(), Type.String());

/** The handler, behind a check of its input against `schema`. */
export function typedHandler<S extends TSchema, O>(
  schema: S,
  handler: (input: Static<S>, ctx: RequestContext) => O,
): (input: OperationInput, ctx: RequestContext) => O {
  return (input, ctx) => handler(checkInput(schema, input), ctx);
}

/** `input` as `schema` declares it, or InvalidParameterValueException naming the first wrong member. */
export function checkInput<S extends TSchema>(schema: S, input: OperationInput): Static<S> {
  if (Value.Check(schema, input)) return input;
  const wrong = firstWrong(schema, input, '');
  throw new ServiceError(
    'InvalidParameterValueException',
    wrong ? `${memberPath(wrong.path)} must be ${describe(wrong.schema)}.` : 'The request does not match the operation input.',
  );
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
    return values?.type === 'string' ? 'a map of strings' : 'a map';
  }
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
