import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { OperationInput, RequestContext } from '../types.ts';
import { wrongMember } from '../typedInput.ts';

/**
 * Lambda operations declare the input they read as a TypeBox schema; `typedHandler` checks the
 * request against it before the handler runs, so the handler's input is `Static<>` of the
 * schema and needs no casts. A member of the wrong JSON type (a string where the model has a
 * map, a number where it has a structure) is refused with InvalidParameterValueException naming
 * the member, Lambda's error for a bad parameter (docs/fidelity/lambda.md, "Typed input").
 * Members the handlers check themselves with AWS's own messages (ranges, enums, name patterns)
 * are declared `HandlerChecked()`, so those messages stay as they are.
 */

export { HandlerChecked, Maybe, StringMap } from '../typedInput.ts';

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
  const wrong = wrongMember(schema, input);
  throw new ServiceError(
    'InvalidParameterValueException',
    wrong?.member ? `${wrong.member} must be ${wrong.expected}.` : 'The request does not match the operation input.',
  );
}
