import * as assert from 'uvu/assert';
import {
  type APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetStagesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { ManualClock } from '../../emulator/clock.ts';
import { putLambdaProxy, putMock } from '../helpers/apigatewayIntegrations.ts';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';
import { httpRequest, type RawResponse } from './apigatewayHelpers.ts';

/**
 * The execute-api data plane over plain HTTP, with MOCK integrations (no Lambda needed): the
 * three URL forms, routing (literal, `{param}`, `{proxy+}`, ANY), deployments as snapshots,
 * and the gateway's own 403/500 answers.
 */

const test = emulatorSuite('emulator/apigateway execute-api', { emulator: { clock: new ManualClock() } });

/** `$context` and `$input.params` in the response template show what the router decided. */
const ECHO_TEMPLATE =
  '{"resource": "$context.resourcePath", "id": "$input.params(\'id\')", "proxy": "$input.params(\'proxy\')", ' +
  '"method": "$context.httpMethod", "stage": "$context.stage", "requestId": "$context.requestId"}';

const addMock = (
  client: APIGatewayClient,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  template = ECHO_TEMPLATE,
  statusCode = '200',
) => putMock(client, { restApiId: apiId, resourceId, httpMethod }, template, statusCode);

async function createResource(client: APIGatewayClient, apiId: string, parentId: string, pathPart: string): Promise<string> {
  return (await client.send(new CreateResourceCommand({ restApiId: apiId, parentId, pathPart }))).id!;
}

/** API 12345: GET /productApi, GET /items/{id}, GET /items/special, ANY /{proxy+}; deployed to `dev`. */
async function deployEchoApi(ctx: EmulatorContext): Promise<{ client: APIGatewayClient; apiId: string; rootId: string }> {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'echo', tags: { _custom_id_: '12345' } }));
  const rootId = api.rootResourceId!;
  await addMock(client, '12345', await createResource(client, '12345', rootId, 'productApi'), 'GET');
  const items = await createResource(client, '12345', rootId, 'items');
  await addMock(client, '12345', await createResource(client, '12345', items, '{id}'), 'GET');
  await addMock(client, '12345', await createResource(client, '12345', items, 'special'), 'GET');
  await addMock(client, '12345', await createResource(client, '12345', rootId, '{proxy+}'), 'ANY');
  await client.send(new CreateDeploymentCommand({ restApiId: '12345', stageName: 'dev' }));
  return { client, apiId: '12345', rootId };
}

const json = (res: RawResponse) => JSON.parse(res.text) as Record<string, string>;

test('the three URL forms reach the same stage; Host tolerates any port, a trailing dot and AWS names', async (ctx) => {
  await deployEchoApi(ctx);
  const forms: { path: string; host?: string }[] = [
    { path: '/dev/productApi', host: '12345.execute-api.localhost.localstack.cloud:4566' },
    { path: '/dev/productApi', host: '12345.execute-api.localhost.localstack.cloud.:4566' },
    { path: '/dev/productApi', host: '12345.execute-api.localhost.localstack.cloud' },
    { path: '/dev/productApi', host: '12345.execute-api.us-east-1.amazonaws.com' },
    { path: '/_aws/execute-api/12345/dev/productApi' },
    { path: '/restapis/12345/dev/_user_request_/productApi' },
  ];
  for (const form of forms) {
    const res = await httpRequest(ctx.emu.endpoint, form);
    assert.is(res.status, 200, JSON.stringify(form));
    assert.is(res.headers['content-type'], 'application/json');
    const body = json(res);
    assert.equal([body.resource, body.method, body.stage], ['/productApi', 'GET', 'dev'], JSON.stringify(form));
    assert.is(res.headers['x-amzn-requestid'], body.requestId);
    assert.ok(res.headers['x-amz-apigw-id']);
  }
});

test('the legacy _user_request_ form does not shadow the control plane under /restapis', async (ctx) => {
  const { client } = await deployEchoApi(ctx);
  const stages = await client.send(new GetStagesCommand({ restApiId: '12345' }));
  assert.equal(
    stages.item?.map((s) => s.stageName),
    ['dev'],
  );
});

test('routing: literal beats {param} beats {proxy+}; path parameters; ANY; trailing slash ignored', async (ctx) => {
  await deployEchoApi(ctx);
  const get = async (path: string, method = 'GET') =>
    json(await httpRequest(ctx.emu.endpoint, { method, path: `/_aws/execute-api/12345/dev${path}` }));
  const item = await get('/items/42');
  assert.equal([item.resource, item.id, item.proxy], ['/items/{id}', '42', '']);
  assert.is((await get('/items/special')).resource, '/items/special');
  assert.is((await get('/items/42/')).id, '42');
  const deep = await get('/items/42/reviews/7');
  assert.equal([deep.resource, deep.proxy], ['/{proxy+}', 'items/42/reviews/7']);
  // POST /productApi: the literal resource has only GET, so the ANY {proxy+} takes it.
  const post = await get('/productApi', 'POST');
  assert.equal([post.resource, post.method, post.proxy], ['/{proxy+}', 'POST', 'productApi']);
});

test('403 Missing Authentication Token: unknown path, method, stage; unknown API: localstack’s 403', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'x', tags: { _custom_id_: 'abc' } }));
  await addMock(client, 'abc', await createResource(client, 'abc', api.rootResourceId!, 'only'), 'GET');
  await client.send(new CreateDeploymentCommand({ restApiId: 'abc', stageName: 'dev' }));
  const host = 'abc.execute-api.localhost.localstack.cloud:4566';
  const cases = [{ path: '/dev/other' }, { path: '/dev/only', method: 'DELETE' }, { path: '/prod/only' }, { path: '/' }, { path: '/dev' }];
  for (const c of cases) {
    const res = await httpRequest(ctx.emu.endpoint, { ...c, host });
    assert.is(res.status, 403, JSON.stringify(c));
    assert.equal(json(res), { message: 'Missing Authentication Token' });
    assert.is(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
  }
  const unknown = await httpRequest(ctx.emu.endpoint, { path: '/dev/only', host: 'nope.execute-api.localhost.localstack.cloud' });
  assert.is(unknown.status, 403);
  assert.equal(json(unknown), { message: 'Forbidden' });
  assert.is(unknown.headers['x-amzn-errortype'], 'ForbiddenException');
  // An encoded `..` in the path is answered in API Gateway's JSON too, whatever it resolves to.
  for (const path of [
    '/_aws/execute-api/12345/dev/%2e%2e/%2e%2e/x',
    '/_aws/execute-api/12345/dev/%2E%2E/only',
    '/_aws/execute-api/12345/dev/..%2fonly',
  ]) {
    const res = await httpRequest(ctx.emu.endpoint, { path });
    assert.is(res.status, 403, path);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/, path);
    assert.ok(['Forbidden', 'Missing Authentication Token'].includes(json(res).message!), path);
  }
});

test('a stage serves its deployment: later changes need a new deployment', async (ctx) => {
  const { client, rootId } = await deployEchoApi(ctx);
  const users = await createResource(client, '12345', rootId, 'users');
  await addMock(client, '12345', users, 'GET');
  const before = json(await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/12345/dev/users' }));
  assert.is(before.resource, '/{proxy+}', 'the deployed snapshot has no /users yet');
  await client.send(new CreateDeploymentCommand({ restApiId: '12345', stageName: 'dev' }));
  const after = json(await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/12345/dev/users' }));
  assert.is(after.resource, '/users');
});

test('MOCK: the request template’s statusCode selects the integration response; no match is a 500', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'm', tags: { _custom_id_: 'mock1' } }));
  const teapot = await createResource(client, 'mock1', api.rootResourceId!, 'teapot');
  await addMock(client, 'mock1', teapot, 'GET', '{"short": "and stout"}', '418');
  await client.send(new PutMethodResponseCommand({ restApiId: 'mock1', resourceId: teapot, httpMethod: 'GET', statusCode: '200' }));
  await client.send(
    new PutIntegrationResponseCommand({
      restApiId: 'mock1',
      resourceId: teapot,
      httpMethod: 'GET',
      statusCode: '200',
      selectionPattern: '2\\d\\d',
      responseTemplates: { 'application/json': '{"wrong": true}' },
      responseParameters: { 'method.response.header.X-Kind': "'teapot'" },
    }),
  );
  // The 418 integration response has no pattern: it is the default, chosen for 418.
  const res = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/mock1/v1/teapot' });
  assert.is(res.status, 403, 'no stage yet');
  await client.send(new CreateDeploymentCommand({ restApiId: 'mock1', stageName: 'v1' }));
  const served = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/mock1/v1/teapot' });
  assert.is(served.status, 418);
  assert.equal(json(served), { short: 'and stout' });

  const none = await createResource(client, 'mock1', api.rootResourceId!, 'none');
  await client.send(new PutMethodCommand({ restApiId: 'mock1', resourceId: none, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(
    new PutIntegrationCommand({
      restApiId: 'mock1',
      resourceId: none,
      httpMethod: 'GET',
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    }),
  );
  await client.send(new CreateDeploymentCommand({ restApiId: 'mock1', stageName: 'v1' }));
  const unmapped = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/mock1/v1/none' });
  assert.is(unmapped.status, 500);
  assert.equal(json(unmapped), { message: 'Internal server error' });
});

test('AWS_PROXY with a non-POST integration method is AWS’s 500 Internal server error', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'g', tags: { _custom_id_: 'getproxy' } }));
  // The drill's tutorial: S1's init script uses integration-http-method GET.
  await putLambdaProxy(
    client,
    { restApiId: 'getproxy', resourceId: api.rootResourceId, httpMethod: 'GET' },
    'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:get-product/invocations',
    { integrationHttpMethod: 'GET' },
  );
  await client.send(new CreateDeploymentCommand({ restApiId: 'getproxy', stageName: 'dev' }));
  const res = await httpRequest(ctx.emu.endpoint, { path: '/dev/', host: 'getproxy.execute-api.localhost.localstack.cloud:4566' });
  assert.is(res.status, 500);
  assert.equal(json(res), { message: 'Internal server error' });
  assert.is(res.headers['x-amzn-errortype'], 'InternalServerErrorException');
});

test('AWS_PROXY to a function that does not exist is a 502', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'p', tags: { _custom_id_: 'nofn' } }));
  await putLambdaProxy(
    client,
    { restApiId: 'nofn', resourceId: api.rootResourceId, httpMethod: 'ANY' },
    'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:missing/invocations',
  );
  await client.send(new CreateDeploymentCommand({ restApiId: 'nofn', stageName: 'dev' }));
  const res = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/nofn/dev' });
  assert.is(res.status, 502);
  assert.equal(json(res), { message: 'Internal server error' });
  assert.is(res.headers['x-amzn-errortype'], 'InternalServerErrorException');
});

test('disableExecuteApiEndpoint turns the data plane off with 403 Forbidden', async (ctx) => {
  const { client } = await deployEchoApi(ctx);
  await client.send(
    new UpdateRestApiCommand({
      restApiId: '12345',
      patchOperations: [{ op: 'replace', path: '/disableExecuteApiEndpoint', value: 'true' }],
    }),
  );
  const res = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/12345/dev/productApi' });
  assert.is(res.status, 403);
  assert.equal(json(res), { message: 'Forbidden' });
});

test.run();
