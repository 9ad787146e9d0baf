import * as assert from 'uvu/assert';
import {
  CreateDeploymentCommand,
  GetExportCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetRequestValidatorsCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { httpRequest } from './apigatewayHelpers.ts';

/** ImportRestApi / PutRestApi / GetExport through the real SDK: Swagger 2.0 and OpenAPI 3, JSON and YAML. */

const test = emulatorSuite('emulator/apigateway import/export', { emulator: { clock: new ManualClock() } });

const encode = (text: string) => new TextEncoder().encode(text);

/** A Swagger 2.0 definition with a MOCK integration, a request validator and a path parameter. */
const SWAGGER = {
  swagger: '2.0',
  info: { title: 'pets', version: '1.0', description: 'imported' },
  'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true, validateRequestParameters: true } },
  paths: {
    '/pets/{id}': {
      get: {
        operationId: 'getPet',
        parameters: [
          { name: 'id', in: 'path', required: true, type: 'string' },
          { name: 'verbose', in: 'query', required: false, type: 'string' },
        ],
        'x-amazon-apigateway-request-validator': 'all',
        responses: { '200': { description: 'ok', headers: { 'X-Pet': { type: 'string' } } } },
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': '{statusCode: 200}' },
          passthroughBehavior: 'when_no_match',
          responses: {
            default: {
              statusCode: '200',
              responseParameters: { 'method.response.header.X-Pet': "'yes'" },
              responseTemplates: { 'application/json': '{"id": "$input.params(\'id\')"}' },
            },
          },
        },
      },
    },
  },
};

const OPENAPI_YAML = `openapi: 3.0.1
info:
  title: health
  version: '2'
paths:
  /health:
    get:
      responses:
        '200':
          description: ok
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:health/invocations
`;

test('ImportRestApi (Swagger 2.0, JSON) builds resources, methods, integrations and validators; the data plane serves them', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new ImportRestApiCommand({ body: encode(JSON.stringify(SWAGGER)) }));
  assert.is(api.$metadata.httpStatusCode, 201);
  assert.equal([api.name, api.description, api.version], ['pets', 'imported', '1.0']);
  const resources = await client.send(new GetResourcesCommand({ restApiId: api.id }));
  assert.equal(resources.items?.map((r) => r.path).sort(), ['/', '/pets', '/pets/{id}']);
  const petId = resources.items!.find((r) => r.path === '/pets/{id}')!.id!;
  const method = await client.send(new GetMethodCommand({ restApiId: api.id, resourceId: petId, httpMethod: 'GET' }));
  assert.equal(method.requestParameters, { 'method.request.path.id': true, 'method.request.querystring.verbose': false });
  assert.is(method.operationName, 'getPet');
  const validators = await client.send(new GetRequestValidatorsCommand({ restApiId: api.id }));
  assert.equal(
    validators.items?.map((v) => [v.name, v.validateRequestBody, v.validateRequestParameters]),
    [['all', true, true]],
  );
  assert.is(method.requestValidatorId, validators.items![0]!.id);
  const integration = await client.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: petId, httpMethod: 'GET' }));
  assert.equal([integration.type, integration.passthroughBehavior], ['MOCK', 'WHEN_NO_MATCH']);
  assert.equal(integration.integrationResponses?.['200']?.responseParameters, { 'method.response.header.X-Pet': "'yes'" });

  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'v1' }));
  const res = await httpRequest(ctx.emu.endpoint, { path: `/_aws/execute-api/${api.id}/v1/pets/7` });
  assert.is(res.status, 200);
  assert.is(res.headers['x-pet'], 'yes');
  assert.equal(JSON.parse(res.text), { id: '7' });
});

test('ImportRestApi (OpenAPI 3, YAML) with endpointConfigurationTypes=REGIONAL', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(
    new ImportRestApiCommand({ body: encode(OPENAPI_YAML), parameters: { endpointConfigurationTypes: 'REGIONAL' } }),
  );
  assert.is(api.name, 'health');
  assert.equal(api.endpointConfiguration, { types: ['REGIONAL'], ipAddressType: 'ipv4' });
  const resources = await client.send(new GetResourcesCommand({ restApiId: api.id, embed: ['methods'] }));
  const health = resources.items!.find((r) => r.path === '/health')!;
  assert.equal(
    [health.resourceMethods?.GET?.methodIntegration?.type, health.resourceMethods?.GET?.methodIntegration?.httpMethod],
    ['AWS_PROXY', 'POST'],
  );
});

test('an invalid definition is BadRequestException "Invalid OpenAPI input." and creates nothing', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  for (const body of ['{"not": "a definition"}', 'paths: [', '{"swagger": "2.0", "info": {"title": "x"}}']) {
    assertError(
      await rejects(client.send(new ImportRestApiCommand({ body: encode(body) }))),
      'BadRequestException',
      400,
      'Invalid OpenAPI input.',
    );
  }
  assert.equal((await client.send(new GetRestApisCommand({}))).items, []);
});

test('PutRestApi merges by default and replaces with mode=overwrite', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new ImportRestApiCommand({ body: encode(JSON.stringify(SWAGGER)) }));
  const merged = await client.send(new PutRestApiCommand({ restApiId: api.id, body: encode(OPENAPI_YAML) }));
  assert.is(merged.$metadata.httpStatusCode, 200);
  const paths = async () => (await client.send(new GetResourcesCommand({ restApiId: api.id }))).items!.map((r) => r.path).sort();
  assert.equal(await paths(), ['/', '/health', '/pets', '/pets/{id}']);
  await client.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: encode(OPENAPI_YAML) }));
  assert.equal(await paths(), ['/', '/health']);
});

test('GetExport gives the stage’s deployment as OpenAPI 3 or Swagger, JSON or YAML, which imports back', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new ImportRestApiCommand({ body: encode(JSON.stringify(SWAGGER)) }));
  assertError(
    await rejects(client.send(new GetExportCommand({ restApiId: api.id, stageName: 'v1', exportType: 'oas30' }))),
    'NotFoundException',
    404,
    'Invalid Stage identifier specified',
  );
  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'v1' }));
  const oas = await client.send(
    new GetExportCommand({
      restApiId: api.id,
      stageName: 'v1',
      exportType: 'oas30',
      parameters: { extensions: 'apigateway' },
      accepts: 'application/json',
    }),
  );
  assert.match(oas.contentDisposition ?? '', /^attachment; filename="oas30_1\.0\.json"$/);
  const doc = JSON.parse(new TextDecoder().decode(oas.body)) as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  assert.is(doc.openapi, '3.0.1');
  assert.equal(Object.keys(doc.paths), ['/pets/{id}']);
  assert.is((doc.paths['/pets/{id}']!.get!['x-amazon-apigateway-integration'] as { type: string }).type, 'mock');
  const again = await client.send(new ImportRestApiCommand({ body: oas.body! }));
  const resources = await client.send(new GetResourcesCommand({ restApiId: again.id }));
  assert.equal(resources.items?.map((r) => r.path).sort(), ['/', '/pets', '/pets/{id}']);

  const swagger = await client.send(
    new GetExportCommand({ restApiId: api.id, stageName: 'v1', exportType: 'swagger', accepts: 'application/yaml' }),
  );
  const text = new TextDecoder().decode(swagger.body);
  assert.match(text, /^swagger: "?2\.0"?$/m);
  assert.match(text, /basePath: \/v1/);
  assert.not.match(text, /x-amazon-apigateway-integration/, 'no extensions unless asked for');
});

test.run();
