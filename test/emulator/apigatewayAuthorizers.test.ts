import * as assert from 'uvu/assert';
import {
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetAuthorizersCommand,
  GetGatewayResponseCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateMethodCommand,
  UpdateModelCommand,
} from '@aws-sdk/client-api-gateway';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { lambdaInvocationUri, putMock } from '../helpers/apigatewayIntegrations.ts';
import { apigatewayClient, lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';
import { createNodeFunction } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';
import { httpRequest } from './apigatewayHelpers.ts';

/**
 * Lambda authorizers (TOKEN and REQUEST) enforced on the data plane, request validators and
 * gateway response customisations, with real functions behind them; the control plane's
 * references to authorizers and validators checked as AWS checks them.
 */

const clock = new ManualClock();
type Ctx = EmulatorContext & { clock: ManualClock };
const test = emulatorSuite<{ clock: ManualClock }>('emulator/apigateway authorizers', {
  emulator: { clock },
  context: { clock },
  reset: false,
});

/** Decides by the token (TOKEN) or the `x-who` header (REQUEST). */
const AUTHORIZER = `
exports.handler = async (event) => {
  const who = event.type === 'TOKEN' ? event.authorizationToken : event.headers['x-who'];
  const policy = (effect, resource) => ({
    principalId: 'user-' + who,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
    context: { who, type: event.type },
  });
  switch (who) {
    case 'allow': return policy('Allow', event.methodArn);
    case 'wild': return policy('Allow', event.methodArn.split('/')[0] + '/*');
    case 'deny': return policy('Deny', event.methodArn);
    case 'elsewhere': return policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:other/*');
    case 'unauthorized': throw new Error('Unauthorized');
    case 'broken': return { nothing: true };
    default: throw new Error('boom');
  }
};
`;

const BACKEND = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ authorizer: event.requestContext.authorizer }) });`;

const API = 'auth1';

async function setup(ctx: Ctx): Promise<void> {
  const lambda = lambdaClient(ctx.emu);
  const authFn = await createNodeFunction(lambda, { FunctionName: 'authorizer', Code: { ZipFile: lambdaZip(AUTHORIZER) } });
  const backend = await createNodeFunction(lambda, { FunctionName: 'backend', Code: { ZipFile: lambdaZip(BACKEND) } });
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'auth', tags: { _custom_id_: API } }));
  const token = await client.send(
    new CreateAuthorizerCommand({
      restApiId: API,
      name: 'token',
      type: 'TOKEN',
      authorizerUri: lambdaInvocationUri('us-east-1', authFn.FunctionArn!),
      identitySource: 'method.request.header.Authorization',
      identityValidationExpression: '[a-z]+',
    }),
  );
  const request = await client.send(
    new CreateAuthorizerCommand({
      restApiId: API,
      name: 'request',
      type: 'REQUEST',
      authorizerUri: lambdaInvocationUri('us-east-1', authFn.FunctionArn!),
      identitySource: 'method.request.header.x-who, method.request.querystring.q',
    }),
  );
  for (const [pathPart, authorizerId] of [
    ['token', token.id],
    ['request', request.id],
  ] as const) {
    const resource = await client.send(new CreateResourceCommand({ restApiId: API, parentId: api.rootResourceId, pathPart }));
    const method = { restApiId: API, resourceId: resource.id, httpMethod: 'GET' };
    await client.send(new PutMethodCommand({ ...method, authorizationType: 'CUSTOM', authorizerId }));
    await client.send(
      new PutIntegrationCommand({
        ...method,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: lambdaInvocationUri('us-east-1', backend.FunctionArn!),
      }),
    );
  }
  await client.send(new CreateDeploymentCommand({ restApiId: API, stageName: 'dev' }));
  await ctx.clock.advance(1_000);
}

const call = (ctx: EmulatorContext, path: string, headers: Record<string, string> = {}) =>
  httpRequest(ctx.emu.endpoint, { path: `/_aws/execute-api/${API}/dev${path}`, headers });

test.before(setup);

test('TOKEN authorizer: Allow passes principalId and context to the integration', async (ctx) => {
  for (const token of ['allow', 'wild']) {
    const res = await call(ctx, '/token', { authorization: token });
    assert.is(res.status, 200, token);
    const { authorizer } = JSON.parse(res.text) as { authorizer: Record<string, unknown> };
    assert.equal([authorizer.principalId, authorizer.who, authorizer.type], [`user-${token}`, token, 'TOKEN']);
  }
});

test('TOKEN authorizer: missing or invalid token 401, Unauthorized error 401, deny 403, broken 500', async (ctx) => {
  const cases: [Record<string, string>, number, unknown, string][] = [
    [{}, 401, 'Unauthorized', 'UnauthorizedException'],
    [{ authorization: 'NOT-lowercase' }, 401, 'Unauthorized', 'UnauthorizedException'],
    [{ authorization: 'unauthorized' }, 401, 'Unauthorized', 'UnauthorizedException'],
    [{ authorization: 'deny' }, 403, 'User is not authorized to access this resource with an explicit deny', 'AccessDeniedException'],
    [{ authorization: 'elsewhere' }, 403, 'User is not authorized to access this resource', 'AccessDeniedException'],
    [{ authorization: 'broken' }, 500, null, 'AuthorizerConfigurationException'],
    [{ authorization: 'boom' }, 500, null, 'AuthorizerConfigurationException'],
  ];
  for (const [headers, status, message, errorType] of cases) {
    const res = await call(ctx, '/token', headers);
    assert.is(res.status, status, JSON.stringify(headers));
    assert.equal(JSON.parse(res.text), { message }, JSON.stringify(headers));
    assert.is(res.headers['x-amzn-errortype'], errorType, JSON.stringify(headers));
  }
});

test('REQUEST authorizer: every identity source must be present; the function sees headers', async (ctx) => {
  assert.is((await call(ctx, '/request', { 'x-who': 'allow' })).status, 401, 'no q');
  const ok = await call(ctx, '/request?q=1', { 'x-who': 'allow' });
  assert.is(ok.status, 200);
  assert.is((JSON.parse(ok.text) as { authorizer: { type: string } }).authorizer.type, 'REQUEST');
  assert.is((await call(ctx, '/request?q=1', { 'x-who': 'deny' })).status, 403);
});

test('a customised gateway response (UNAUTHORIZED) changes status, headers and body after a redeploy', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const before = await client.send(new GetGatewayResponseCommand({ restApiId: API, responseType: 'UNAUTHORIZED' }));
  assert.equal(
    [before.statusCode, before.defaultResponse, before.responseTemplates],
    ['401', true, { 'application/json': '{"message":$context.error.messageString}' }],
  );
  const put = await client.send(
    new PutGatewayResponseCommand({
      restApiId: API,
      responseType: 'UNAUTHORIZED',
      statusCode: '418',
      responseParameters: { 'gatewayresponse.header.WWW-Authenticate': "'Bearer'" },
      responseTemplates: { 'application/json': '{"error": $context.error.messageString, "type": "$context.error.responseType"}' },
    }),
  );
  assert.is(put.$metadata.httpStatusCode, 201);
  assert.is(put.defaultResponse, false);
  assert.is((await call(ctx, '/token')).status, 401, 'the stage still serves the old deployment');
  await client.send(new CreateDeploymentCommand({ restApiId: API, stageName: 'dev' }));
  const res = await call(ctx, '/token');
  assert.is(res.status, 418);
  assert.is(res.headers['www-authenticate'], 'Bearer');
  assert.equal(JSON.parse(res.text), { error: 'Unauthorized', type: 'UNAUTHORIZED' });
});

test('PutGatewayResponse with an unknown type is a ValidationException listing the types', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const err = await rejects(client.send(new PutGatewayResponseCommand({ restApiId: API, responseType: 'NOPE' as never })));
  assert.is(err.name, 'ValidationException');
  assert.match(
    err.message,
    /^1 validation error detected: Value 'NOPE' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: \[ACCESS_DENIED, /,
  );
});

test('PutMethod/UpdateMethod: CUSTOM without a real authorizer, or a dangling validator, is a BadRequestException', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'refs' }));
  const method = { restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET' };
  const invalidAuthorizer =
    'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.';
  assertError(
    await rejects(client.send(new PutMethodCommand({ ...method, authorizationType: 'CUSTOM', authorizerId: 'nope00' }))),
    'BadRequestException',
    400,
    invalidAuthorizer,
  );
  assertError(
    await rejects(client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE', requestValidatorId: 'nope00' }))),
    'BadRequestException',
    400,
    'Invalid Request Validator identifier specified',
  );
  assertError(
    await rejects(
      client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE', requestModels: { 'application/json': 'Nope' } })),
    ),
    'BadRequestException',
    400,
    'Invalid model identifier specified: Nope',
  );
  await client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE', requestModels: { 'application/json': 'Empty' } }));
  assertError(
    await rejects(
      client.send(
        new UpdateMethodCommand({ ...method, patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'CUSTOM' }] }),
      ),
    ),
    'BadRequestException',
    400,
    invalidAuthorizer,
  );
  assertError(
    await rejects(
      client.send(
        new UpdateMethodCommand({ ...method, patchOperations: [{ op: 'replace', path: '/requestValidatorId', value: 'nope00' }] }),
      ),
    ),
    'BadRequestException',
    400,
    'Invalid Request Validator identifier specified',
  );
  assert.equal((await client.send(new GetAuthorizersCommand({ restApiId: api.id }))).items, []);
});

test('a request validator rejects missing required parameters with 400 BAD_REQUEST_PARAMETERS', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'validated', tags: { _custom_id_: 'valid1' } }));
  const validator = await client.send(
    new CreateRequestValidatorCommand({ restApiId: 'valid1', name: 'params', validateRequestParameters: true }),
  );
  assert.equal([validator.name, validator.validateRequestParameters, validator.validateRequestBody], ['params', true, false]);
  const method = { restApiId: 'valid1', resourceId: api.rootResourceId, httpMethod: 'GET' };
  await putMock(client, method, '{"ok": true}');
  await client.send(
    new UpdateMethodCommand({
      ...method,
      patchOperations: [
        { op: 'replace', path: '/requestValidatorId', value: validator.id },
        { op: 'add', path: '/requestParameters/method.request.querystring.q', value: 'true' },
      ],
    }),
  );
  await client.send(new CreateDeploymentCommand({ restApiId: 'valid1', stageName: 'dev' }));
  const missing = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/valid1/dev/' });
  assert.is(missing.status, 400);
  assert.equal(JSON.parse(missing.text), { message: 'Missing required request parameters: [q]' });
  assert.is(missing.headers['x-amzn-errortype'], 'BadRequestException');
  const ok = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/valid1/dev/?q=1' });
  assert.is(ok.status, 200);
});

test('a body validator checks the request model’s JSON schema: 400 "Invalid request body"', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'bodies', tags: { _custom_id_: 'valid2' } }));
  const schema = JSON.stringify({
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' } },
  });
  const model = await client.send(new CreateModelCommand({ restApiId: 'valid2', name: 'Order', contentType: 'application/json', schema }));
  assert.is(model.$metadata.httpStatusCode, 201);
  assertError(
    await rejects(client.send(new CreateModelCommand({ restApiId: 'valid2', name: 'Order', contentType: 'application/json', schema }))),
    'ConflictException',
    409,
    'Model name already exists for this REST API',
  );
  const validator = await client.send(new CreateRequestValidatorCommand({ restApiId: 'valid2', name: 'body', validateRequestBody: true }));
  const method = { restApiId: 'valid2', resourceId: api.rootResourceId, httpMethod: 'POST' };
  await putMock(client, method, '{"ok": true}');
  await client.send(
    new UpdateMethodCommand({
      ...method,
      patchOperations: [
        { op: 'replace', path: '/requestValidatorId', value: validator.id },
        { op: 'add', path: '/requestModels/application~1json', value: 'Order' },
      ],
    }),
  );
  await client.send(new CreateDeploymentCommand({ restApiId: 'valid2', stageName: 'dev' }));
  const post = (body: string) =>
    httpRequest(ctx.emu.endpoint, {
      method: 'POST',
      path: '/_aws/execute-api/valid2/dev/',
      headers: { 'content-type': 'application/json' },
      body,
    });
  const bad = await post('{"id": 7}');
  assert.is(bad.status, 400);
  assert.equal(JSON.parse(bad.text), { message: 'Invalid request body' });
  assert.is((await post('{"statusCode": 200, "id": "a"}')).status, 200);
  const updated = await client.send(
    new UpdateModelCommand({
      restApiId: 'valid2',
      modelName: 'Order',
      patchOperations: [{ op: 'replace', path: '/description', value: 'orders' }],
    }),
  );
  assert.is(updated.description, 'orders');
});

test.run();
