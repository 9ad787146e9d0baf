import {
  type APIGatewayClient,
  CreateAuthorizerCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  GetAuthorizersCommand,
  GetGatewayResponseCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
  PutGatewayResponseCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GetDeploymentsCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStagesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import * as assert from 'uvu/assert';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * Body members of the wrong JSON type, sent through the real SDK client (its types forbid them,
 * so they are cast): API Gateway's 400 BadRequestException naming the member, and nothing changed.
 */
const test = emulatorSuite<{ client: APIGatewayClient }>('apigateway typed input');

test.before((ctx) => {
  ctx.client = apigatewayClient(ctx.emu);
});
test.after((ctx) => {
  ctx.client.destroy();
});

async function refused(promise: Promise<unknown>, member: string, type: string): Promise<void> {
  assertError(await rejects(promise), 'BadRequestException', 400, `Invalid request input: ${member} must be ${type}.`);
}

/** A new API with a GET method on its root resource and, when asked, a MOCK integration. */
async function api(client: APIGatewayClient, { integration = false } = {}) {
  const created = await client.send(new CreateRestApiCommand({ name: 'typed', description: 'kept' }));
  const method = { restApiId: created.id!, resourceId: created.rootResourceId!, httpMethod: 'GET' };
  await client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }));
  if (integration) {
    await client.send(
      new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }),
    );
  }
  return { restApiId: created.id!, method };
}

test('CreateRestApi: description, tags, binaryMediaTypes and disableExecuteApiEndpoint of the wrong type are refused', async (ctx) => {
  const before = (await ctx.client.send(new GetRestApisCommand({}))).items?.length ?? 0;
  const create = (input: Record<string, unknown>) => ctx.client.send(new CreateRestApiCommand({ name: 'bad', ...input } as never));
  await refused(create({ description: 5 }), 'description', 'a string');
  await refused(create({ tags: { team: 1 } }), 'tags.team', 'a string');
  await refused(create({ binaryMediaTypes: 'image/png' }), 'binaryMediaTypes', 'a list');
  await refused(create({ disableExecuteApiEndpoint: 'true' }), 'disableExecuteApiEndpoint', 'a boolean');
  assert.is((await ctx.client.send(new GetRestApisCommand({}))).items?.length ?? 0, before, 'no API was created');
  const nulls = await create({ description: null, tags: null });
  assert.is(nulls.description, undefined, 'a null member reads as absent');
});

test('Update* patchOperations: an entry whose value is not a string, or a list that is not one, changes nothing', async (ctx) => {
  const { restApiId } = await api(ctx.client);
  const update = (patchOperations: unknown) => ctx.client.send(new UpdateRestApiCommand({ restApiId, patchOperations } as never));
  await refused(update([{ op: 'replace', path: '/description', value: 5 }]), 'patchOperations.0.value', 'a string');
  await refused(update({ op: 'replace', path: '/description', value: 'x' }), 'patchOperations', 'a list');
  assert.is((await ctx.client.send(new GetRestApiCommand({ restApiId }))).description, 'kept');
});

test('CreateResource: a pathPart that is not a string is refused and no resource is added', async (ctx) => {
  const { restApiId, method } = await api(ctx.client);
  await refused(
    ctx.client.send(new CreateResourceCommand({ restApiId, parentId: method.resourceId, pathPart: 7 } as never)),
    'pathPart',
    'a string',
  );
  assert.is((await ctx.client.send(new GetResourcesCommand({ restApiId }))).items?.length, 1);
});

test('PutMethod and PutMethodResponse: maps and flags of the wrong type are refused and the method stays as it was', async (ctx) => {
  const { method } = await api(ctx.client);
  const put = (input: Record<string, unknown>) =>
    ctx.client.send(new PutMethodCommand({ ...method, httpMethod: 'POST', authorizationType: 'NONE', ...input } as never));
  await refused(
    put({ requestParameters: { 'method.request.querystring.q': 'yes' } }),
    'requestParameters.method.request.querystring.q',
    'a boolean',
  );
  await refused(put({ apiKeyRequired: 'true' }), 'apiKeyRequired', 'a boolean');
  await refused(put({ authorizationScopes: 'email' }), 'authorizationScopes', 'a list');
  assert.is((await rejects(ctx.client.send(new GetMethodCommand({ ...method, httpMethod: 'POST' })))).name, 'NotFoundException');
  await refused(
    ctx.client.send(new PutMethodResponseCommand({ ...method, statusCode: '200', responseModels: ['Empty'] } as never)),
    'responseModels',
    'a map of strings',
  );
  assert.equal((await ctx.client.send(new GetMethodCommand(method))).methodResponses, undefined, 'no method response was added');
});

test('PutIntegration and PutIntegrationResponse: members of the wrong type are refused and nothing is stored', async (ctx) => {
  const { method } = await api(ctx.client);
  const put = (input: Record<string, unknown>) =>
    ctx.client.send(new PutIntegrationCommand({ ...method, type: 'MOCK', ...input } as never));
  await refused(put({ timeoutInMillis: '29000' }), 'timeoutInMillis', 'an integer');
  await refused(put({ requestTemplates: { 'application/json': { statusCode: 200 } } }), 'requestTemplates.application/json', 'a string');
  await refused(put({ cacheKeyParameters: 'method.request.querystring.q' }), 'cacheKeyParameters', 'a list');
  assert.is((await rejects(ctx.client.send(new GetIntegrationCommand(method)))).name, 'NotFoundException');
  await put({});
  await refused(
    ctx.client.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: 'x' } as never)),
    'responseTemplates',
    'a map of strings',
  );
  assert.equal((await ctx.client.send(new GetIntegrationCommand(method))).integrationResponses, undefined);
});

test('CreateDeployment and CreateStage: variables and tags that are not maps of strings are refused', async (ctx) => {
  const { restApiId } = await api(ctx.client, { integration: true });
  await refused(
    ctx.client.send(new CreateDeploymentCommand({ restApiId, stageName: 'dev', variables: { v: 1 } } as never)),
    'variables.v',
    'a string',
  );
  await refused(ctx.client.send(new CreateDeploymentCommand({ restApiId, description: ['d'] } as never)), 'description', 'a string');
  assert.equal((await ctx.client.send(new GetDeploymentsCommand({ restApiId }))).items ?? [], [], 'no deployment was made');
  const deployment = await ctx.client.send(new CreateDeploymentCommand({ restApiId }));
  await refused(
    ctx.client.send(new CreateStageCommand({ restApiId, stageName: 'prod', deploymentId: deployment.id, tags: 'team=a' } as never)),
    'tags',
    'a map of strings',
  );
  await refused(
    ctx.client.send(new CreateStageCommand({ restApiId, stageName: 'prod', deploymentId: deployment.id, tracingEnabled: 1 } as never)),
    'tracingEnabled',
    'a boolean',
  );
  assert.equal((await ctx.client.send(new GetStagesCommand({ restApiId }))).item ?? [], [], 'no stage was created');
});

test('CreateModel, CreateRequestValidator, CreateAuthorizer and PutGatewayResponse: members of the wrong type are refused', async (ctx) => {
  const { restApiId } = await api(ctx.client);
  const models = (await ctx.client.send(new GetModelsCommand({ restApiId }))).items?.length;
  await refused(
    ctx.client.send(
      new CreateModelCommand({ restApiId, name: 'Pet', contentType: 'application/json', schema: { type: 'object' } } as never),
    ),
    'schema',
    'a string',
  );
  assert.is((await ctx.client.send(new GetModelsCommand({ restApiId }))).items?.length, models, 'no model was added');
  await refused(
    ctx.client.send(new CreateRequestValidatorCommand({ restApiId, name: 'v', validateRequestBody: 'true' } as never)),
    'validateRequestBody',
    'a boolean',
  );
  assert.equal((await ctx.client.send(new GetRequestValidatorsCommand({ restApiId }))).items ?? [], []);
  await refused(
    ctx.client.send(
      new CreateAuthorizerCommand({
        restApiId,
        name: 'auth',
        type: 'TOKEN',
        authorizerUri:
          'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:a/invocations',
        authorizerResultTtlInSeconds: '60',
      } as never),
    ),
    'authorizerResultTtlInSeconds',
    'an integer',
  );
  assert.equal((await ctx.client.send(new GetAuthorizersCommand({ restApiId }))).items ?? [], []);
  await refused(
    ctx.client.send(
      new PutGatewayResponseCommand({ restApiId, responseType: 'DEFAULT_4XX', statusCode: 418, responseTemplates: {} } as never),
    ),
    'statusCode',
    'a string',
  );
  const response = await ctx.client.send(new GetGatewayResponseCommand({ restApiId, responseType: 'DEFAULT_4XX' }));
  assert.is(response.defaultResponse, true, 'the gateway response was not customised');
});

test.run();
