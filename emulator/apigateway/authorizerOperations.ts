import { Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import { HandlerChecked, Maybe } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, missing, notFound, requireString } from './errors.ts';
import type { AuthorizerRecord, RestApiRecord } from './model.ts';
import { checkOp, readPatchOperations, unknownPath } from './patch.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { randomId } from './store.ts';
import { defineTypedOperation } from './typedOperation.ts';

const AUTHORIZER_TYPES = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'] as const;
const SCALAR_PATHS = [
  '/name',
  '/authorizerUri',
  '/authorizerCredentials',
  '/identitySource',
  '/identityValidationExpression',
  '/authorizerResultTtlInSeconds',
  '/authType',
  '/type',
] as const;

/** CreateAuthorizer's body; `name` (required) and the `type` enum keep AWS's own messages. */
const CreateAuthorizerBody = Type.Object({
  name: Maybe(Type.String()),
  type: HandlerChecked(),
  providerARNs: Maybe(Type.Array(Type.String())),
  authType: Maybe(Type.String()),
  authorizerUri: Maybe(Type.String()),
  authorizerCredentials: Maybe(Type.String()),
  identitySource: Maybe(Type.String()),
  identityValidationExpression: Maybe(Type.String()),
  authorizerResultTtlInSeconds: Maybe(Type.Integer()),
});

export const authorizerNotFound = () => notFound('Invalid Authorizer identifier specified');

function authorizerOf(api: RestApiRecord, id: string): AuthorizerRecord {
  const authorizer = api.authorizers.get(id);
  if (!authorizer) throw authorizerNotFound();
  return authorizer;
}

function checkType(type: unknown, operationInput: string): AuthorizerRecord['type'] {
  if (type === undefined || type === null || type === '') throw missing(operationInput, 'type');
  const known = AUTHORIZER_TYPES.find((t) => t === type);
  if (!known) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(type)}' at '${operationInput}.type' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [TOKEN, REQUEST, COGNITO_USER_POOLS]',
      { status: 400 },
    );
  }
  return known;
}

/** The result TTL, 300 s by default (kept and reported; the data plane does not cache results). */
function checkTtl(value: unknown): number {
  const ttl = value === undefined || value === null || value === '' ? 300 : Number(value);
  return Number.isInteger(ttl) ? ttl : 300;
}

export const toAuthorizer = (a: AuthorizerRecord): Record<string, unknown> =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));

/**
 * Authorizers (control plane). TOKEN and REQUEST Lambda authorizers are enforced by the data
 * plane (`lambdaAuthorizer.ts`); COGNITO_USER_POOLS ones are kept and reported, not enforced.
 */
export function authorizerOperations({ store }: ApiGatewayContext): Operation[] {
  const apiOf = (input: { restApiId: string }, region: string) => store.get(region, input.restApiId);
  return [
    defineTypedOperation({
      name: 'CreateAuthorizer',
      http: { method: 'POST', path: '/restapis/{restApiId}/authorizers', status: 201 },
      body: CreateAuthorizerBody,
      handler(input, ctx) {
        const api = apiOf(input, ctx.region);
        const name = requireString(input.name, 'createAuthorizerInput', 'name');
        const type = checkType(input.type, 'createAuthorizerInput');
        const authorizerUri = input.authorizerUri ?? undefined;
        const providerARNs = input.providerARNs ?? undefined;
        const authorizer: AuthorizerRecord = {
          id: randomId(6),
          name,
          type,
          providerARNs,
          authType: input.authType ?? undefined,
          authorizerUri,
          authorizerCredentials: input.authorizerCredentials ?? undefined,
          identitySource: input.identitySource ?? (type === 'TOKEN' ? 'method.request.header.Authorization' : undefined),
          identityValidationExpression: input.identityValidationExpression ?? undefined,
          authorizerResultTtlInSeconds: checkTtl(input.authorizerResultTtlInSeconds),
        };
        api.authorizers.set(authorizer.id, authorizer);
        return toAuthorizer(authorizer);
      },
    }),
    defineOperation({
      name: 'GetAuthorizers',
      http: { method: 'GET', path: '/restapis/{restApiId}/authorizers' },
      handler: (input, ctx) => ({ item: [...apiOf(input, ctx.region).authorizers.values()].map(toAuthorizer) }),
    }),
    defineOperation({
      name: 'GetAuthorizer',
      http: { method: 'GET', path: '/restapis/{restApiId}/authorizers/{authorizerId}' },
      handler: (input, ctx) => toAuthorizer(authorizerOf(apiOf(input, ctx.region), input.authorizerId)),
    }),
    defineOperation({
      name: 'UpdateAuthorizer',
      http: { method: 'PATCH', path: '/restapis/{restApiId}/authorizers/{authorizerId}' },
      handler(input, ctx) {
        const authorizer = authorizerOf(apiOf(input, ctx.region), input.authorizerId);
        const next: AuthorizerRecord = { ...authorizer, providerARNs: authorizer.providerARNs && [...authorizer.providerARNs] };
        for (const op of readPatchOperations(input, 'updateAuthorizerInput')) {
          if (op.path.startsWith('/providerARNs')) {
            checkOp(op, ['add', 'remove', 'replace']);
            const arns = (next.providerARNs ?? []).filter((a) => a !== op.value);
            if (op.op !== 'remove' && op.value) arns.push(op.value);
            next.providerARNs = arns.length > 0 ? arns : undefined;
            continue;
          }
          if (!(SCALAR_PATHS as readonly string[]).includes(op.path)) throw unknownPath(op, [...SCALAR_PATHS, '/providerARNs']);
          checkOp(op, ['replace']);
          if (op.path === '/name') {
            if (!op.value) throw badRequest('Authorizer name must be non-empty');
            next.name = op.value;
          } else if (op.path === '/authorizerResultTtlInSeconds') next.authorizerResultTtlInSeconds = checkTtl(op.value);
          else if (op.path === '/type') next.type = checkType(op.value, 'updateAuthorizerInput');
          else {
            const member = op.path.slice(1) as
              | 'authorizerUri'
              | 'authorizerCredentials'
              | 'identitySource'
              | 'identityValidationExpression'
              | 'authType';
            next[member] = op.value || undefined;
          }
        }
        Object.assign(authorizer, next);
        return toAuthorizer(authorizer);
      },
    }),
    defineOperation({
      name: 'DeleteAuthorizer',
      http: { method: 'DELETE', path: '/restapis/{restApiId}/authorizers/{authorizerId}', status: 202 },
      handler(input, ctx) {
        const api = apiOf(input, ctx.region);
        const id = input.authorizerId;
        authorizerOf(api, id);
        api.authorizers.delete(id);
      },
    }),
  ];
}
