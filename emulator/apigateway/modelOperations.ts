import { Type } from '@sinclair/typebox';
import { Maybe } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import type { ModelRecord, RestApiRecord } from './model.ts';
import { checkOp, readPatchOperations, unknownPath } from './patch.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { randomId } from './store.ts';
import { defineTypedOperation } from './typedOperation.ts';

/** CreateModel's body; an empty or absent `name` or `schema` keeps AWS's own message. */
const CreateModelBody = Type.Object({
  name: Maybe(Type.String()),
  schema: Maybe(Type.String()),
  description: Maybe(Type.String()),
  contentType: Maybe(Type.String()),
});

const toModel = (m: ModelRecord): Record<string, unknown> => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));

function modelOf(api: RestApiRecord, name: string): ModelRecord {
  const model = api.models.get(name);
  if (!model) throw notFound(`Invalid model name specified: ${name}`);
  return model;
}

/** Models (JSON schemas for request validation and method responses): create, read, update, delete. */
export function modelOperations({ store }: ApiGatewayContext): Operation[] {
  const apiOf = (input: { restApiId: string }, region: string) => store.get(region, input.restApiId);
  return [
    defineTypedOperation({
      name: 'CreateModel',
      http: { method: 'POST', path: '/restapis/{restApiId}/models', status: 201 },
      body: CreateModelBody,
      handler(input, ctx) {
        const api = apiOf(input, ctx.region);
        const name = input.name;
        if (!name) throw badRequest('Model name must be non-empty');
        if (api.models.has(name)) throw conflict('Model name already exists for this REST API');
        const schema = input.schema;
        if (!schema) throw badRequest('Model schema must have at least 1 property or array items defined');
        const model: ModelRecord = {
          id: randomId(6),
          name,
          description: input.description ?? undefined,
          schema,
          contentType: input.contentType ?? 'application/json',
        };
        api.models.set(name, model);
        return toModel(model);
      },
    }),
    defineOperation({
      name: 'GetModels',
      http: { method: 'GET', path: '/restapis/{restApiId}/models' },
      handler: (input, ctx) => ({ item: [...apiOf(input, ctx.region).models.values()].map(toModel) }),
    }),
    defineOperation({
      name: 'GetModel',
      http: { method: 'GET', path: '/restapis/{restApiId}/models/{modelName}' },
      handler: (input, ctx) => toModel(modelOf(apiOf(input, ctx.region), input.modelName)),
    }),
    defineOperation({
      name: 'UpdateModel',
      http: { method: 'PATCH', path: '/restapis/{restApiId}/models/{modelName}' },
      handler(input, ctx) {
        const model = modelOf(apiOf(input, ctx.region), input.modelName);
        const next = { ...model };
        for (const op of readPatchOperations(input, 'updateModelInput')) {
          if (op.path !== '/schema' && op.path !== '/description') throw unknownPath(op, ['/description', '/schema']);
          checkOp(op, ['replace']);
          if (op.path === '/schema') {
            if (!op.value) throw badRequest('Model schema must have at least 1 property or array items defined');
            next.schema = op.value;
          } else {
            next.description = op.value || undefined;
          }
        }
        Object.assign(model, next);
        return toModel(model);
      },
    }),
    defineOperation({
      name: 'DeleteModel',
      http: { method: 'DELETE', path: '/restapis/{restApiId}/models/{modelName}', status: 202 },
      handler(input, ctx) {
        const api = apiOf(input, ctx.region);
        const name = input.modelName;
        modelOf(api, name);
        api.models.delete(name);
      },
    }),
  ];
}
