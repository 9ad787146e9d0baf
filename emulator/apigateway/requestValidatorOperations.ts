import { Type } from '@sinclair/typebox';
import { Maybe } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, notFound } from './errors.ts';
import type { RequestValidatorRecord, RestApiRecord } from './model.ts';
import { checkOp, patchBoolean, readPatchOperations, unknownPath } from './patch.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { randomId } from './store.ts';
import { defineTypedOperation } from './typedOperation.ts';

const CreateRequestValidatorBody = Type.Object({
  name: Maybe(Type.String()),
  validateRequestBody: Maybe(Type.Boolean()),
  validateRequestParameters: Maybe(Type.Boolean()),
});

const validatorNotFound = () => notFound('Invalid Request Validator identifier specified');

function validatorOf(api: RestApiRecord, id: string): RequestValidatorRecord {
  const validator = api.requestValidators.get(id);
  if (!validator) throw validatorNotFound();
  return validator;
}

/** Request validators: which checks (required parameters, body model) a method's requests get. */
export function requestValidatorOperations({ store }: ApiGatewayContext): Operation[] {
  const apiOf = (input: { restApiId: string }, region: string) => store.get(region, input.restApiId);
  return [
    defineTypedOperation({
      name: 'CreateRequestValidator',
      http: { method: 'POST', path: '/restapis/{restApiId}/requestvalidators', status: 201 },
      body: CreateRequestValidatorBody,
      handler(input, ctx) {
        const api = apiOf(input, ctx.region);
        const validator: RequestValidatorRecord = {
          id: randomId(6),
          name: input.name ?? '',
          validateRequestBody: input.validateRequestBody === true,
          validateRequestParameters: input.validateRequestParameters === true,
        };
        api.requestValidators.set(validator.id, validator);
        return { ...validator };
      },
    }),
    defineOperation({
      name: 'GetRequestValidators',
      http: { method: 'GET', path: '/restapis/{restApiId}/requestvalidators' },
      handler: (input, ctx) => ({ item: [...apiOf(input, ctx.region).requestValidators.values()].map((v) => ({ ...v })) }),
    }),
    defineOperation({
      name: 'GetRequestValidator',
      http: { method: 'GET', path: '/restapis/{restApiId}/requestvalidators/{requestValidatorId}' },
      handler: (input, ctx) => ({ ...validatorOf(apiOf(input, ctx.region), input.requestValidatorId) }),
    }),
    defineOperation({
      name: 'UpdateRequestValidator',
      http: { method: 'PATCH', path: '/restapis/{restApiId}/requestvalidators/{requestValidatorId}' },
      handler(input, ctx) {
        const validator = validatorOf(apiOf(input, ctx.region), input.requestValidatorId);
        const next = { ...validator };
        for (const op of readPatchOperations(input, 'updateRequestValidatorInput')) {
          if (!['/name', '/validateRequestBody', '/validateRequestParameters'].includes(op.path)) {
            throw unknownPath(op, ['/name', '/validateRequestParameters', '/validateRequestBody']);
          }
          checkOp(op, ['replace']);
          if (op.path === '/name') {
            if (!op.value) throw badRequest('Request Validator name cannot be blank');
            next.name = op.value;
          } else if (op.path === '/validateRequestBody') {
            next.validateRequestBody = patchBoolean(op.value);
          } else {
            next.validateRequestParameters = patchBoolean(op.value);
          }
        }
        Object.assign(validator, next);
        return { ...validator };
      },
    }),
    defineOperation({
      name: 'DeleteRequestValidator',
      http: { method: 'DELETE', path: '/restapis/{restApiId}/requestvalidators/{requestValidatorId}', status: 202 },
      handler(input, ctx) {
        const api = apiOf(input, ctx.region);
        const id = input.requestValidatorId;
        validatorOf(api, id);
        api.requestValidators.delete(id);
      },
    }),
  ];
}
