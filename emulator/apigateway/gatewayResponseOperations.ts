import { Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import { Maybe, StringMap } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { checkStatusCode, notFound } from './errors.ts';
import { DEFAULT_GATEWAY_TEMPLATE, GATEWAY_RESPONSE_TYPES } from './gatewayResponseTypes.ts';
import type { GatewayResponseRecord } from './model.ts';
import { checkOp, patchMap, readPatchOperations, unescapePointer, unknownPath } from './patch.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { defineTypedOperation } from './typedOperation.ts';

const PATH = '/restapis/{restApiId}/gatewayresponses/{responseType}';

const PutGatewayResponseBody = Type.Object({
  statusCode: Maybe(Type.String()),
  responseParameters: Maybe(StringMap),
  responseTemplates: Maybe(StringMap),
});

/** A type outside the enum is a coral ValidationException listing the enum. */
function checkType(responseType: string): void {
  if (!(responseType in GATEWAY_RESPONSE_TYPES)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${responseType}' at 'responseType' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${Object.keys(GATEWAY_RESPONSE_TYPES).join(', ')}]`,
      { status: 400 },
    );
  }
}

/** What GetGatewayResponse shows for a type: the customisation, or the default (`defaultResponse: true`). */
export function toGatewayResponse(responseType: string, custom: GatewayResponseRecord | undefined): Record<string, unknown> {
  if (custom) {
    return {
      responseType,
      ...(custom.statusCode ? { statusCode: custom.statusCode } : {}),
      responseParameters: custom.responseParameters ?? {},
      responseTemplates: custom.responseTemplates ?? {},
      defaultResponse: false,
    };
  }
  const status = GATEWAY_RESPONSE_TYPES[responseType]!.status;
  return {
    responseType,
    ...(status ? { statusCode: String(status) } : {}),
    responseParameters: {},
    responseTemplates: { 'application/json': DEFAULT_GATEWAY_TEMPLATE },
    defaultResponse: true,
  };
}

/** Gateway responses: customisations the data plane renders for its own errors. */
export function gatewayResponseOperations({ store }: ApiGatewayContext): Operation[] {
  return [
    defineTypedOperation({
      name: 'PutGatewayResponse',
      http: { method: 'PUT', path: PATH, status: 201 },
      body: PutGatewayResponseBody,
      handler(input, ctx) {
        const responseType = input.responseType;
        checkType(responseType);
        const api = store.get(ctx.region, input.restApiId);
        const statusCode = input.statusCode ?? undefined;
        if (statusCode) checkStatusCode(statusCode);
        const record: GatewayResponseRecord = {
          responseType,
          statusCode,
          responseParameters: input.responseParameters ?? undefined,
          responseTemplates: input.responseTemplates ?? undefined,
        };
        api.gatewayResponses.set(responseType, record);
        return toGatewayResponse(responseType, record);
      },
    }),
    defineOperation({
      name: 'GetGatewayResponse',
      http: { method: 'GET', path: PATH },
      handler(input, ctx) {
        const responseType = input.responseType;
        checkType(responseType);
        const api = store.get(ctx.region, input.restApiId);
        return toGatewayResponse(responseType, api.gatewayResponses.get(responseType));
      },
    }),
    defineOperation({
      name: 'GetGatewayResponses',
      http: { method: 'GET', path: '/restapis/{restApiId}/gatewayresponses' },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        return { item: Object.keys(GATEWAY_RESPONSE_TYPES).map((t) => toGatewayResponse(t, api.gatewayResponses.get(t))) };
      },
    }),
    defineOperation({
      name: 'UpdateGatewayResponse',
      http: { method: 'PATCH', path: PATH },
      handler(input, ctx) {
        const responseType = input.responseType;
        checkType(responseType);
        const api = store.get(ctx.region, input.restApiId);
        // Updating a default response customises it.
        const next: GatewayResponseRecord = { ...(api.gatewayResponses.get(responseType) ?? { responseType }) };
        for (const op of readPatchOperations(input, 'updateGatewayResponseInput')) {
          const map = /^\/(responseParameters|responseTemplates)\/(.+)$/.exec(op.path);
          if (map) {
            checkOp(op, ['add', 'replace', 'remove']);
            const member = map[1] as 'responseParameters' | 'responseTemplates';
            next[member] = patchMap(next[member], op, unescapePointer(map[2]!), op.value ?? '');
          } else if (op.path === '/statusCode') {
            checkOp(op, ['replace']);
            if (op.value) checkStatusCode(op.value);
            next.statusCode = op.value || undefined;
          } else {
            throw unknownPath(op, ['/statusCode', '/responseParameters/{name}', '/responseTemplates/{contentType}']);
          }
        }
        api.gatewayResponses.set(responseType, next);
        return toGatewayResponse(responseType, next);
      },
    }),
    defineOperation({
      name: 'DeleteGatewayResponse',
      http: { method: 'DELETE', path: PATH, status: 202 },
      handler(input, ctx) {
        const responseType = input.responseType;
        checkType(responseType);
        const api = store.get(ctx.region, input.restApiId);
        if (!api.gatewayResponses.delete(responseType)) throw notFound('Gateway response type not defined on api');
      },
    }),
  ];
}
