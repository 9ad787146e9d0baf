import * as assert from 'uvu/assert';
import {
  CreateResourceCommand,
  CreateRestApiCommand,
  GetMethodResponseCommand,
  GetResourceCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TestInvokeMethodCommand,
  UpdateIntegrationCommand,
  UpdateIntegrationResponseCommand,
  UpdateMethodResponseCommand,
  UpdateResourceCommand,
  UpdateRestApiCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * The Update* operations and the validation AWS performs on the control plane: patch
 * operations (add/remove/replace where AWS supports them), status codes, endpoint
 * configuration, and messages that name the resource rather than the API.
 */

const test = emulatorSuite('emulator/apigateway updates and validation');

async function mockMethod(client: APIGatewayClient) {
  const api = await client.send(new CreateRestApiCommand({ name: 'u' }));
  const method = { restApiId: api.id!, resourceId: api.rootResourceId!, httpMethod: 'GET' };
  await client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }));
  await client.send(
    new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }),
  );
  return { api, method };
}

test('a status code outside [1-5]\\d\\d is a ValidationException, not a NotFoundException', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const { method } = await mockMethod(client);
  const message = (code: string) =>
    `1 validation error detected: Value '${code}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`;
  for (const send of [
    () => client.send(new PutMethodResponseCommand({ ...method, statusCode: '600' })),
    () => client.send(new GetMethodResponseCommand({ ...method, statusCode: '600' })),
    () => client.send(new PutIntegrationResponseCommand({ ...method, statusCode: '99' })),
    () => client.send(new UpdateMethodResponseCommand({ ...method, statusCode: 'abc', patchOperations: [] })),
  ]) {
    const err = await rejects(send());
    assert.is(err.name, 'ValidationException');
    assert.is(err.$metadata.httpStatusCode, 400);
    assert.ok([message('600'), message('99'), message('abc')].includes(err.message), err.message);
  }
});

test('method operations on an API that does not exist name the resource', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  assertError(
    await rejects(client.send(new PutMethodCommand({ restApiId: 'nope', resourceId: 'x', httpMethod: 'GET', authorizationType: 'NONE' }))),
    'NotFoundException',
    404,
    'Invalid Resource identifier specified',
  );
});

test('UpdateResource renames and moves a resource, its children follow; AWS’s errors', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'r' }));
  const a = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'a' }));
  const b = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'b' }));
  const child = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: a.id, pathPart: 'child' }));
  const renamed = await client.send(
    new UpdateResourceCommand({
      restApiId: api.id,
      resourceId: a.id,
      patchOperations: [{ op: 'replace', path: '/pathPart', value: 'aa' }],
    }),
  );
  assert.equal([renamed.$metadata.httpStatusCode, renamed.path], [200, '/aa']);
  assert.is((await client.send(new GetResourceCommand({ restApiId: api.id, resourceId: child.id }))).path, '/aa/child');
  await client.send(
    new UpdateResourceCommand({
      restApiId: api.id,
      resourceId: a.id,
      patchOperations: [{ op: 'replace', path: '/parentId', value: b.id }],
    }),
  );
  const paths = (await client.send(new GetResourcesCommand({ restApiId: api.id }))).items!.map((r) => r.path).sort();
  assert.equal(paths, ['/', '/b', '/b/aa', '/b/aa/child']);
  assertError(
    await rejects(
      client.send(
        new UpdateResourceCommand({
          restApiId: api.id,
          resourceId: b.id,
          patchOperations: [{ op: 'replace', path: '/parentId', value: child.id }],
        }),
      ),
    ),
    'BadRequestException',
    400,
    'Resources cannot be cyclical.',
  );
  assertError(
    await rejects(
      client.send(
        new UpdateResourceCommand({ restApiId: api.id, resourceId: b.id, patchOperations: [{ op: 'add', path: '/pathPart', value: 'x' }] }),
      ),
    ),
    'BadRequestException',
    400,
    "Invalid patch path  '/pathPart' specified for op 'add'. Please choose supported operations",
  );
  assertError(
    await rejects(
      client.send(
        new UpdateResourceCommand({ restApiId: api.id, resourceId: b.id, patchOperations: [{ op: 'replace', path: '/name', value: 'x' }] }),
      ),
    ),
    'BadRequestException',
    400,
    "Invalid patch path  '/name' specified for op 'replace'. Must be one of: [/parentId, /pathPart]",
  );
});

test('UpdateMethodResponse, UpdateIntegration and UpdateIntegrationResponse apply add/replace/remove', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const { method } = await mockMethod(client);
  await client.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
  const mr = await client.send(
    new UpdateMethodResponseCommand({
      ...method,
      statusCode: '200',
      patchOperations: [
        { op: 'add', path: '/responseParameters/method.response.header.X-A', value: 'true' },
        { op: 'add', path: '/responseModels/application~1json', value: 'Empty' },
      ],
    }),
  );
  assert.is(mr.$metadata.httpStatusCode, 201);
  assert.equal([mr.responseParameters, mr.responseModels], [{ 'method.response.header.X-A': true }, { 'application/json': 'Empty' }]);
  assertError(
    await rejects(
      client.send(
        new UpdateMethodResponseCommand({
          ...method,
          statusCode: '200',
          patchOperations: [{ op: 'remove', path: '/responseParameters/method.response.header.X-Nope' }],
        }),
      ),
    ),
    'NotFoundException',
    404,
    'Invalid parameter name specified',
  );

  const integration = await client.send(
    new UpdateIntegrationCommand({
      ...method,
      patchOperations: [
        { op: 'replace', path: '/timeoutInMillis', value: '1000' },
        { op: 'add', path: '/requestTemplates/text~1plain', value: '{"statusCode": 201}' },
        { op: 'remove', path: '/requestTemplates/application~1json' },
      ],
    }),
  );
  assert.equal([integration.timeoutInMillis, integration.requestTemplates], [1000, { 'text/plain': '{"statusCode": 201}' }]);
  assertError(
    await rejects(
      client.send(new UpdateIntegrationCommand({ ...method, patchOperations: [{ op: 'replace', path: '/timeoutInMillis', value: '10' }] })),
    ),
    'BadRequestException',
    400,
    'Timeout should be between 50 ms and 29000 ms',
  );

  await client.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200' }));
  const ir = await client.send(
    new UpdateIntegrationResponseCommand({
      ...method,
      statusCode: '200',
      patchOperations: [
        { op: 'replace', path: '/selectionPattern', value: '2\\d\\d' },
        { op: 'add', path: '/responseTemplates/application~1json', value: '{}' },
      ],
    }),
  );
  assert.equal([ir.selectionPattern, ir.responseTemplates], ['2\\d\\d', { 'application/json': '{}' }]);
  assertError(
    await rejects(client.send(new UpdateIntegrationResponseCommand({ ...method, statusCode: '404', patchOperations: [] }))),
    'NotFoundException',
    404,
    'Invalid Integration Response identifier specified',
  );
});

test('UpdateRestApi: binaryMediaTypes take add/remove/replace; move and unknown ops are refused as AWS does', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'bin' }));
  const patch = (patchOperations: { op: string; path: string; value?: string; from?: string }[]) =>
    client.send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: patchOperations as never }));
  let updated = await patch([
    { op: 'add', path: '/binaryMediaTypes/image~1png' },
    { op: 'add', path: '/binaryMediaTypes/application~1pdf' },
  ]);
  assert.equal(updated.binaryMediaTypes, ['image/png', 'application/pdf']);
  updated = await patch([{ op: 'replace', path: '/binaryMediaTypes/image~1png', value: 'image/gif' }]);
  assert.equal(updated.binaryMediaTypes, ['application/pdf', 'image/gif']);
  updated = await patch([{ op: 'remove', path: '/binaryMediaTypes/application~1pdf' }]);
  assert.equal(updated.binaryMediaTypes, ['image/gif']);
  assertError(
    await rejects(patch([{ op: 'move', path: '/name', from: '/description' }])),
    'BadRequestException',
    400,
    "Invalid patch path  '/name' specified for op 'move'. Please choose supported operations",
  );
  assertError(
    await rejects(patch([{ op: 'delete', path: '/name' }])),
    'ValidationException',
    400,
    "1 validation error detected: Value 'delete' at 'updateRestApiInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]",
  );
  updated = await patch([{ op: 'replace', path: '/endpointConfiguration/types/EDGE', value: 'PRIVATE' }]);
  assert.equal(updated.endpointConfiguration, { types: ['PRIVATE'], ipAddressType: 'dualstack' });
  assertError(
    await rejects(patch([{ op: 'replace', path: '/endpointConfiguration/ipAddressType', value: 'ipv4' }])),
    'BadRequestException',
    400,
    'Only dualstack ipAddressType is supported for Private APIs.',
  );
});

test('CreateRestApi checks endpointConfiguration as AWS does', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const create = (endpointConfiguration: object) =>
    client.send(new CreateRestApiCommand({ name: 'e', endpointConfiguration: endpointConfiguration as never }));
  assertError(
    await rejects(create({ types: [] })),
    'BadRequestException',
    400,
    'REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.',
  );
  assertError(
    await rejects(create({ types: ['EDGE', 'REGIONAL'] })),
    'BadRequestException',
    400,
    'Cannot create an api with multiple Endpoint Types.',
  );
  assertError(
    await rejects(create({ types: ['PRIVATE'], ipAddressType: 'ipv4' })),
    'BadRequestException',
    400,
    'Only dualstack ipAddressType is supported for Private APIs.',
  );
  assertError(
    await rejects(create({ types: ['INTERNAL'] })),
    'ValidationException',
    400,
    "1 validation error detected: Value '[INTERNAL]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]",
  );
  assert.equal((await create({ types: ['PRIVATE'] })).endpointConfiguration, { types: ['PRIVATE'], ipAddressType: 'dualstack' });
  assert.equal((await create({ types: ['REGIONAL'] })).endpointConfiguration, { types: ['REGIONAL'], ipAddressType: 'ipv4' });
});

test('TestInvokeMethod answers 501 naming the operation', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const { method } = await mockMethod(client);
  const err = await rejects(client.send(new TestInvokeMethodCommand({ ...method })));
  assert.is(err.$metadata.httpStatusCode, 501);
  assert.is(err.message, "The operation 'TestInvokeMethod' of service 'apigateway' is not implemented by this emulator");
});

test.run();
