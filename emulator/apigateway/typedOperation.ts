import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { BoundInput, HttpBinding, Operation, OperationInput, OperationOutput, RequestContext } from '../operation.ts';
import { wrongMember } from '../typedInput.ts';
import { badRequest } from './errors.ts';

/**
 * An API Gateway operation whose handler reads its path, query and header members as its HTTP
 * binding declares them (`defineOperation`) and its JSON body members as `body`, a TypeBox
 * schema, declares them: the request is checked before the handler runs, so the handler reads
 * `input.description` as `string | null | undefined`, not `unknown`. A body member of the wrong
 * JSON type is a 400 BadRequestException naming it, and the handler does not run
 * (docs/fidelity/apigateway.md, "Typed input").
 */
export function defineTypedOperation<const B extends HttpBinding, S extends TSchema>(op: {
  name: string;
  http: B;
  body: S;
  handler(input: BoundInput<B> & Static<S>, ctx: RequestContext): Promise<OperationOutput> | OperationOutput;
}): Operation<BoundInput<B>> {
  const { body, handler, ...rest } = op;
  return { ...rest, handler: (input, ctx) => handler(checkBody(body, input), ctx) };
}

/** `input` with its body members as `schema` declares them, or BadRequestException naming the first wrong one. */
export function checkBody<S extends TSchema, I extends OperationInput>(schema: S, input: I): I & Static<S> {
  if (Value.Check(schema, input)) return input;
  const wrong = wrongMember(schema, input);
  throw badRequest(wrong?.member ? `Invalid request input: ${wrong.member} must be ${wrong.expected}.` : 'Invalid request input');
}
