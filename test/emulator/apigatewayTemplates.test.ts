import * as assert from 'uvu/assert';
import {
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { ManualClock } from '../../emulator/clock.ts';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { httpRequest } from './apigatewayHelpers.ts';

/**
 * Mapping templates are VTL (a real Velocity engine): `$input`, `$util`, `$context` with its
 * request/response overrides, and MOCK's lenient `{statusCode: 200}` as CDK generates it.
 */

const test = emulatorSuite('emulator/apigateway mapping templates', { emulator: { clock: new ManualClock() } });

interface MockSpec {
  pathPart: string;
  requestTemplate: string;
  responseTemplate?: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  httpMethod?: string;
  parent?: string;
}

/** A MOCK method under the root (or `parent`), its 200 (or `statusCode`) response, deployed to `v1`. */
async function mockMethod(client: APIGatewayClient, apiId: string, rootId: string, spec: MockSpec): Promise<string> {
  const resourceId = (
    await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: spec.parent ?? rootId, pathPart: spec.pathPart }))
  ).id!;
  const method = { restApiId: apiId, resourceId, httpMethod: spec.httpMethod ?? 'GET' };
  const statusCode = spec.statusCode ?? '200';
  await client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': spec.requestTemplate } }));
  await client.send(new PutMethodResponseCommand({ ...method, statusCode }));
  await client.send(
    new PutIntegrationResponseCommand({
      ...method,
      statusCode,
      responseParameters: spec.responseParameters,
      responseTemplates: spec.responseTemplate === undefined ? undefined : { 'application/json': spec.responseTemplate },
    }),
  );
  await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'v1' }));
  return resourceId;
}

async function newApi(client: APIGatewayClient, id: string) {
  const api = await client.send(new CreateRestApiCommand({ name: id, tags: { _custom_id_: id } }));
  return api.rootResourceId!;
}

test("MOCK with CDK's lenient request template {statusCode: 200} answers 200 with its CORS headers", async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const root = await newApi(client, 'cors1');
  await mockMethod(client, 'cors1', root, {
    pathPart: 'items',
    httpMethod: 'OPTIONS',
    requestTemplate: '{ statusCode: 200 }',
    statusCode: '204',
    responseParameters: {
      'method.response.header.Access-Control-Allow-Origin': "'*'",
      'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET'",
    },
  });
  const res = await httpRequest(ctx.emu.endpoint, { method: 'OPTIONS', path: '/_aws/execute-api/cors1/v1/items' });
  // The 204 integration response is the default one, selected for the template's 200.
  assert.is(res.status, 204);
  assert.is(res.headers['access-control-allow-origin'], '*');
  assert.is(res.headers['access-control-allow-methods'], 'OPTIONS,GET');
});

test('a request template without an integer statusCode is AWS’s 500 Internal server error', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const root = await newApi(client, 'nocode');
  await mockMethod(client, 'nocode', root, { pathPart: 'x', requestTemplate: '{"status": 200}', responseTemplate: '{}' });
  const res = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/nocode/v1/x' });
  assert.is(res.status, 500);
  assert.equal(JSON.parse(res.text), { message: 'Internal server error' });
  assert.is(res.headers['x-amzn-errortype'], 'InternalServerErrorException');
});

test('$input.params(), .path.id, .querystring, $util and $context render in a response template', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const root = await newApi(client, 'vtl1');
  const items = (await client.send(new CreateResourceCommand({ restApiId: 'vtl1', parentId: root, pathPart: 'items' }))).id!;
  await mockMethod(client, 'vtl1', root, {
    parent: items,
    pathPart: '{id}',
    requestTemplate: '{"statusCode": 200}',
    responseTemplate:
      '#set($p = $input.params())' +
      '{"id": "$p.path.id", "byName": "$input.params(\'id\')", "n": "$input.params().querystring.n", ' +
      '"header": "$input.params(\'X-Trace\')", "escaped": "$util.escapeJavaScript($input.params(\'q\'))", ' +
      '"b64": "$util.base64Encode(\'hi\')", "url": "$util.urlEncode(\'a b\')", "resource": "$context.resourcePath", ' +
      '"parsed": $util.parseJson(\'{"n": 3}\').n}',
  });
  const res = await httpRequest(ctx.emu.endpoint, {
    path: '/_aws/execute-api/vtl1/v1/items/42?q=say%20%22hi%22&n=7',
    headers: { 'x-trace': 'abc' },
  });
  assert.is(res.status, 200);
  assert.equal(JSON.parse(res.text), {
    id: '42',
    byName: '42',
    n: '7',
    header: 'abc',
    escaped: 'say "hi"',
    b64: 'aGk=',
    url: 'a%20b',
    resource: '/items/{id}',
    parsed: 3,
  });
});

test('$input.json and $input.path read the request body in a request template', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const root = await newApi(client, 'vtl2');
  await mockMethod(client, 'vtl2', root, {
    pathPart: 'echo',
    httpMethod: 'POST',
    statusCode: '201',
    requestTemplate: '#if($input.path(\'$\').code == 201){"statusCode": $input.json(\'$.code\')}#else{"statusCode": 500}#end',
    responseTemplate: '{"ok": true}',
  });
  const res = await httpRequest(ctx.emu.endpoint, {
    method: 'POST',
    path: '/_aws/execute-api/vtl2/v1/echo',
    headers: { 'content-type': 'application/json' },
    body: '{"code": 201}',
  });
  assert.is(res.status, 201);
  assert.equal(JSON.parse(res.text), { ok: true });
});

test('#set($context.responseOverride.status) and .header override the response; requestOverride is readable', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const root = await newApi(client, 'vtl3');
  await mockMethod(client, 'vtl3', root, {
    pathPart: 'teapot',
    requestTemplate: '#set($context.requestOverride.querystring.code = "200"){"statusCode": $context.requestOverride.querystring.code}',
    responseTemplate:
      '#set($context.responseOverride.status = 444)#set($context.responseOverride.header.X-Why = "override"){"overridden": true}',
  });
  const res = await httpRequest(ctx.emu.endpoint, { path: '/_aws/execute-api/vtl3/v1/teapot' });
  assert.is(res.status, 444);
  assert.is(res.headers['x-why'], 'override');
  assert.equal(JSON.parse(res.text), { overridden: true });
});

test.run();
