import * as assert from 'uvu/assert';
import {
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteMethodCommand,
  DeleteResourceCommand,
  DeleteRestApiCommand,
  GetMethodCommand,
  GetResourceCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  PutMethodCommand,
  UpdateMethodCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { apiWithMethod } from './apigatewayHelpers.ts';

/** The API Gateway REST v1 control plane through the real @aws-sdk/client-api-gateway: REST APIs, resources, methods. */

const clock = new ManualClock();
const test = emulatorSuite('emulator/apigateway', { emulator: { clock }, context: { clock } });

test('CreateRestApi answers 201 with the documented shape and creates the root resource', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const created = await client.send(new CreateRestApiCommand({ name: 'quote-api-gateway', description: 'd' }));
  assert.is(created.$metadata.httpStatusCode, 201);
  assert.match(created.id!, /^[a-z0-9]{10}$/);
  assert.is(created.name, 'quote-api-gateway');
  assert.is(created.description, 'd');
  assert.equal(created.createdDate, new Date(ctx.clock.now()));
  assert.is(created.apiKeySource, 'HEADER');
  assert.equal(created.endpointConfiguration, { types: ['EDGE'], ipAddressType: 'ipv4' });
  assert.is(created.disableExecuteApiEndpoint, false);
  assert.ok(created.rootResourceId);
  const resources = await client.send(new GetResourcesCommand({ restApiId: created.id }));
  assert.equal(resources.items, [{ id: created.rootResourceId, path: '/' }]);
});

test('_custom_id_ chooses the id at creation; a taken custom id is a ConflictException', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const created = await client.send(new CreateRestApiCommand({ name: 'quote-api-gateway', tags: { _custom_id_: '12345' } }));
  assert.is(created.id, '12345');
  assert.equal(created.tags, { _custom_id_: '12345' });
  assert.is((await client.send(new GetRestApiCommand({ restApiId: '12345' }))).name, 'quote-api-gateway');
  // Ids are global: the data plane finds an API by id alone, whatever the region.
  const err = await rejects(
    apigatewayClient(ctx.emu, 'eu-central-1').send(new CreateRestApiCommand({ name: 'x', tags: { _custom_id_: '12345' } })),
  );
  assertError(err, 'ConflictException', 409, 'A REST API with the id 12345 already exists');
  // Only at creation: renaming does not move the id.
  await client.send(
    new UpdateRestApiCommand({ restApiId: '12345', patchOperations: [{ op: 'replace', path: '/name', value: 'renamed' }] }),
  );
  assert.is((await client.send(new GetRestApiCommand({ restApiId: '12345' }))).name, 'renamed');
});

test('GetRestApis lists the region’s APIs only; GetRestApi elsewhere is NotFoundException', async (ctx) => {
  await apigatewayClient(ctx.emu).send(new CreateRestApiCommand({ name: 'east', tags: { _custom_id_: '12345' } }));
  await apigatewayClient(ctx.emu, 'eu-central-1').send(new CreateRestApiCommand({ name: 'central', tags: { _custom_id_: '67890' } }));
  const east = await apigatewayClient(ctx.emu).send(new GetRestApisCommand({}));
  assert.equal(
    east.items?.map((a) => a.id),
    ['12345'],
  );
  const central = await apigatewayClient(ctx.emu, 'eu-central-1').send(new GetRestApisCommand({}));
  assert.equal(
    central.items?.map((a) => [a.id, a.name]),
    [['67890', 'central']],
  );
  const err = await rejects(apigatewayClient(ctx.emu, 'eu-central-1').send(new GetRestApiCommand({ restApiId: '12345' })));
  assertError(err, 'NotFoundException', 404, 'Invalid API identifier specified 000000000000:12345');
  assert.is(err.$response?.headers['x-amzn-errortype'], 'NotFoundException');
});

test('DeleteRestApi answers 202; the API is gone; deleting again is NotFoundException', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const { id } = await client.send(new CreateRestApiCommand({ name: 'x' }));
  const deleted = await client.send(new DeleteRestApiCommand({ restApiId: id }));
  assert.is(deleted.$metadata.httpStatusCode, 202);
  assertError(
    await rejects(client.send(new GetRestApiCommand({ restApiId: id }))),
    'NotFoundException',
    404,
    `Invalid API identifier specified 000000000000:${id}`,
  );
  assertError(
    await rejects(client.send(new DeleteRestApiCommand({ restApiId: id }))),
    'NotFoundException',
    404,
    `Invalid API identifier specified 000000000000:${id}`,
  );
});

test('CreateRestApi without a name is a BadRequestException', async (ctx) => {
  const err = await rejects(apigatewayClient(ctx.emu).send(new CreateRestApiCommand({} as never)));
  assertError(
    err,
    'BadRequestException',
    400,
    "1 validation error detected: Value null at 'createRestApiInput.name' failed to satisfy constraint: Member must not be null",
  );
});

test('CreateResource builds paths; GetResource/GetResources show methods, embedded on request', async (ctx) => {
  const { client, apiId, rootId, resourceId } = await apiWithMethod(ctx.emu.endpoint);
  const child = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: resourceId, pathPart: '{id}' }));
  assert.is(child.$metadata.httpStatusCode, 201);
  assert.equal(
    { ...child, $metadata: undefined },
    { $metadata: undefined, id: child.id, parentId: resourceId, pathPart: '{id}', path: '/productApi/{id}' },
  );
  const greedy = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: '{proxy+}' }));
  assert.is(greedy.path, '/{proxy+}');

  const plain = await client.send(new GetResourcesCommand({ restApiId: apiId }));
  const product = plain.items?.find((r) => r.id === resourceId);
  assert.equal(product, { id: resourceId, parentId: rootId, pathPart: 'productApi', path: '/productApi', resourceMethods: { GET: {} } });
  const embedded = await client.send(new GetResourceCommand({ restApiId: apiId, resourceId, embed: ['methods'] }));
  assert.is(embedded.resourceMethods?.GET?.methodIntegration?.type, 'AWS_PROXY');
  assert.is(embedded.resourceMethods?.GET?.authorizationType, 'NONE');
});

test('CreateResource errors: unknown parent, duplicate name, invalid part, greedy parent, two variables', async (ctx) => {
  const { client, apiId, rootId } = await apiWithMethod(ctx.emu.endpoint);
  assertError(
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: 'nope', pathPart: 'x' }))),
    'NotFoundException',
    404,
    'Invalid Resource identifier specified',
  );
  assertError(
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'productApi' }))),
    'ConflictException',
    409,
    'Another resource with the same parent already has this name: productApi',
  );
  assertError(
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'a b' }))),
    'BadRequestException',
    400,
    "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
  );
  const greedy = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: '{proxy+}' }));
  assertError(
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: greedy.id, pathPart: 'x' }))),
    'BadRequestException',
    400,
    'Cannot create a child of a resource with a greedy path variable: {proxy+}',
  );
  assertError(
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: '{id}' }))),
    'BadRequestException',
    400,
    'A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed',
  );
  assertError(
    await rejects(client.send(new CreateResourceCommand({ restApiId: 'nope', parentId: rootId, pathPart: 'x' }))),
    'NotFoundException',
    404,
    'Invalid API identifier specified 000000000000:nope',
  );
});

test('DeleteResource answers 202 and removes the subtree', async (ctx) => {
  const { client, apiId, rootId, resourceId } = await apiWithMethod(ctx.emu.endpoint);
  await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: resourceId, pathPart: 'child' }));
  const deleted = await client.send(new DeleteResourceCommand({ restApiId: apiId, resourceId }));
  assert.is(deleted.$metadata.httpStatusCode, 202);
  const left = await client.send(new GetResourcesCommand({ restApiId: apiId }));
  assert.equal(
    left.items?.map((r) => r.path),
    ['/'],
  );
  assert.ok(left.items?.[0]?.id === rootId);
  assertError(
    await rejects(client.send(new DeleteResourceCommand({ restApiId: apiId, resourceId }))),
    'NotFoundException',
    404,
    'Invalid Resource identifier specified',
  );
});

test('PutMethod answers 201 with requestParameters; GetMethod; UpdateMethod applies the tutorial’s patch', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'x' }));
  const res = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'productApi' }));
  const put = await client.send(
    new PutMethodCommand({
      restApiId: api.id,
      resourceId: res.id,
      httpMethod: 'GET',
      authorizationType: 'NONE',
      requestParameters: { 'method.request.path.productApi': true },
    }),
  );
  assert.is(put.$metadata.httpStatusCode, 201);
  assert.equal(
    {
      httpMethod: put.httpMethod,
      authorizationType: put.authorizationType,
      apiKeyRequired: put.apiKeyRequired,
      requestParameters: put.requestParameters,
    },
    { httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: false, requestParameters: { 'method.request.path.productApi': true } },
  );
  // The drill's tutorial: update-method --patch-operations op=replace,path=/requestParameters/method.request.querystring.param,value=true
  const updated = await client.send(
    new UpdateMethodCommand({
      restApiId: api.id,
      resourceId: res.id,
      httpMethod: 'GET',
      patchOperations: [{ op: 'replace', path: '/requestParameters/method.request.querystring.param', value: 'true' }],
    }),
  );
  assert.equal(updated.requestParameters, {
    'method.request.path.productApi': true,
    'method.request.querystring.param': true,
  });
  const got = await client.send(new GetMethodCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET' }));
  assert.equal(got.requestParameters, updated.requestParameters);
  assertError(
    await rejects(
      client.send(
        new UpdateMethodCommand({
          restApiId: api.id,
          resourceId: res.id,
          httpMethod: 'GET',
          patchOperations: [{ op: 'replace', path: '/nope', value: 'x' }],
        }),
      ),
    ),
    'BadRequestException',
    400,
    'Invalid patch path /nope',
  );
});

test('method errors: unknown resource, unknown method, invalid verb, DeleteMethod', async (ctx) => {
  const { client, apiId, resourceId } = await apiWithMethod(ctx.emu.endpoint);
  assertError(
    await rejects(
      client.send(new PutMethodCommand({ restApiId: apiId, resourceId: 'nope', httpMethod: 'GET', authorizationType: 'NONE' })),
    ),
    'NotFoundException',
    404,
    'Invalid Resource identifier specified',
  );
  assertError(
    await rejects(client.send(new GetMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'POST' }))),
    'NotFoundException',
    404,
    'Invalid Method identifier specified',
  );
  assertError(
    await rejects(client.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'FETCH', authorizationType: 'NONE' }))),
    'BadRequestException',
    400,
    'Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY',
  );
  const deleted = await client.send(new DeleteMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET' }));
  assert.is(deleted.$metadata.httpStatusCode, 204);
  assertError(
    await rejects(client.send(new GetMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET' }))),
    'NotFoundException',
    404,
    'Invalid Method identifier specified',
  );
});

test('an operation the emulator lacks answers 501 naming it, not an empty 200', async (ctx) => {
  const res = await fetch(`${ctx.emu.endpoint}/usageplans`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/apigateway/aws4_request, Signature=x' },
  });
  assert.is(res.status, 501);
  assert.is(
    ((await res.json()) as { message: string }).message,
    "The operation 'GetUsagePlans' of service 'apigateway' is not implemented by this emulator",
  );
});

test('a path no operation has answers 501 naming the method and path', async (ctx) => {
  const res = await fetch(`${ctx.emu.endpoint}/restapis/abc/nothing-here`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/apigateway/aws4_request, Signature=x' },
  });
  assert.is(res.status, 501);
  assert.match(((await res.json()) as { message: string }).message, /GET \/restapis\/abc\/nothing-here/);
});

test.run();
