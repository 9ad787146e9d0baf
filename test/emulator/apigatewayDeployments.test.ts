import * as assert from 'uvu/assert';
import {
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteDeploymentCommand,
  DeleteStageCommand,
  GetDeploymentsCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetStageCommand,
  GetStagesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { apiWithMethod, LAMBDA_URI } from './apigatewayHelpers.ts';

/** The API Gateway control plane, continued: integrations and their responses, deployments, stages. */

const clock = new ManualClock();
const test = emulatorSuite('emulator/apigateway deployments', { emulator: { clock }, context: { clock } });

test('PutIntegration AWS_PROXY: 201, integrationHttpMethod travels as httpMethod, AWS defaults', async (ctx) => {
  const { client, apiId, resourceId } = await apiWithMethod(ctx.emu.endpoint);
  const got = await client.send(new GetIntegrationCommand({ restApiId: apiId, resourceId, httpMethod: 'GET' }));
  assert.equal(
    {
      type: got.type,
      httpMethod: got.httpMethod,
      uri: got.uri,
      passthroughBehavior: got.passthroughBehavior,
      timeoutInMillis: got.timeoutInMillis,
      cacheNamespace: got.cacheNamespace,
      cacheKeyParameters: got.cacheKeyParameters,
    },
    {
      type: 'AWS_PROXY',
      httpMethod: 'POST',
      uri: LAMBDA_URI,
      passthroughBehavior: 'WHEN_NO_MATCH',
      timeoutInMillis: 29000,
      cacheNamespace: resourceId,
      cacheKeyParameters: [],
    },
  );
  const method = await client.send(new GetMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET' }));
  assert.is(method.methodIntegration?.uri, LAMBDA_URI);
});

test('PutIntegration errors: invalid type, missing method, bad uri, non-Lambda AWS_PROXY, unknown method', async (ctx) => {
  const { client, apiId, resourceId } = await apiWithMethod(ctx.emu.endpoint);
  const base = { restApiId: apiId, resourceId, httpMethod: 'GET' };
  const err = await rejects(client.send(new PutIntegrationCommand({ ...base, type: 'LAMBDA' as never })));
  assertError(
    err,
    'ValidationException',
    400,
    "1 validation error detected: Value 'LAMBDA' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]",
  );
  assertError(
    await rejects(client.send(new PutIntegrationCommand({ ...base, type: 'AWS_PROXY', uri: LAMBDA_URI }))),
    'BadRequestException',
    400,
    'Enumeration value for HttpMethod must be non-empty',
  );
  assertError(
    await rejects(client.send(new PutIntegrationCommand({ ...base, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: 'not-an-arn' }))),
    'BadRequestException',
    400,
    'Invalid ARN specified in the request',
  );
  assertError(
    await rejects(
      client.send(
        new PutIntegrationCommand({
          ...base,
          type: 'AWS_PROXY',
          integrationHttpMethod: 'POST',
          uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket/key',
        }),
      ),
    ),
    'BadRequestException',
    400,
    "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
  );
  assertError(
    await rejects(client.send(new PutIntegrationCommand({ ...base, httpMethod: 'DELETE', type: 'MOCK' }))),
    'NotFoundException',
    404,
    'Invalid Method identifier specified',
  );
});

test('MOCK integration: no uri kept; PutMethodResponse/PutIntegrationResponse 201, in either order', async (ctx) => {
  const { client, apiId, resourceId } = await apiWithMethod(ctx.emu.endpoint);
  const mock = await client.send(
    new PutIntegrationCommand({
      restApiId: apiId,
      resourceId,
      httpMethod: 'GET',
      type: 'MOCK',
      uri: 'ignored',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    }),
  );
  assert.is(mock.type, 'MOCK');
  assert.is(mock.uri, undefined);
  // AWS accepts an integration response before its method response exists (201).
  const early = await client.send(
    new PutIntegrationResponseCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', statusCode: '200' }),
  );
  assert.is(early.$metadata.httpStatusCode, 201);
  assert.is(early.statusCode, '200');
  const mr = await client.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
  assert.is(mr.$metadata.httpStatusCode, 201);
  assert.is(mr.statusCode, '200');
  const ir = await client.send(
    new PutIntegrationResponseCommand({
      restApiId: apiId,
      resourceId,
      httpMethod: 'GET',
      statusCode: '200',
      responseTemplates: { 'application/json': '{"ok": true}' },
    }),
  );
  assert.is(ir.$metadata.httpStatusCode, 201);
  assert.equal(
    { statusCode: ir.statusCode, responseTemplates: ir.responseTemplates },
    { statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } },
  );
  const integration = await client.send(new GetIntegrationCommand({ restApiId: apiId, resourceId, httpMethod: 'GET' }));
  assert.equal(integration.integrationResponses?.['200']?.responseTemplates, { 'application/json': '{"ok": true}' });
});

test('CreateDeployment: 201 {id, createdDate}, creates the stage; errors for an API without methods or integrations', async (ctx) => {
  const { client, apiId } = await apiWithMethod(ctx.emu.endpoint);
  const deployment = await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev', description: 'first' }));
  assert.is(deployment.$metadata.httpStatusCode, 201);
  assert.match(deployment.id!, /^[a-z0-9]{6}$/);
  assert.equal(deployment.createdDate, new Date(ctx.clock.now()));
  const stage = await client.send(new GetStageCommand({ restApiId: apiId, stageName: 'dev' }));
  assert.is(stage.deploymentId, deployment.id);
  assert.is(stage.cacheClusterStatus, 'NOT_AVAILABLE');
  assert.is(stage.tracingEnabled, false);
  const list = await client.send(new GetDeploymentsCommand({ restApiId: apiId }));
  assert.equal(
    list.items?.map((d) => [d.id, d.description]),
    [[deployment.id, 'first']],
  );

  // A second deployment with the same stage name moves the stage.
  const second = await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
  assert.is((await client.send(new GetStageCommand({ restApiId: apiId, stageName: 'dev' }))).deploymentId, second.id);

  const empty = await client.send(new CreateRestApiCommand({ name: 'empty' }));
  assertError(
    await rejects(client.send(new CreateDeploymentCommand({ restApiId: empty.id, stageName: 'dev' }))),
    'BadRequestException',
    400,
    "The REST API doesn't contain any methods",
  );
  await client.send(
    new PutMethodCommand({ restApiId: empty.id, resourceId: empty.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }),
  );
  assertError(
    await rejects(client.send(new CreateDeploymentCommand({ restApiId: empty.id, stageName: 'dev' }))),
    'BadRequestException',
    400,
    'No integration defined for method',
  );
});

test('stages: CreateStage 201, duplicate 409, GetStages, UpdateStage, DeleteStage 202, missing 404', async (ctx) => {
  const { client, apiId } = await apiWithMethod(ctx.emu.endpoint);
  const deployment = await client.send(new CreateDeploymentCommand({ restApiId: apiId }));
  const stage = await client.send(
    new CreateStageCommand({ restApiId: apiId, stageName: 'prod', deploymentId: deployment.id, variables: { fn: 'a' } }),
  );
  assert.is(stage.$metadata.httpStatusCode, 201);
  assert.equal(
    { stageName: stage.stageName, deploymentId: stage.deploymentId, variables: stage.variables },
    { stageName: 'prod', deploymentId: deployment.id, variables: { fn: 'a' } },
  );
  assertError(
    await rejects(client.send(new CreateStageCommand({ restApiId: apiId, stageName: 'prod', deploymentId: deployment.id }))),
    'ConflictException',
    409,
    'Stage already exists',
  );
  assertError(
    await rejects(client.send(new CreateStageCommand({ restApiId: apiId, stageName: 'test', deploymentId: 'nope' }))),
    'BadRequestException',
    400,
    'Deployment id does not exist',
  );
  const updated = await client.send(
    new UpdateStageCommand({
      restApiId: apiId,
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/variables/fn', value: 'b' },
        { op: 'replace', path: '/description', value: 'live' },
      ],
    }),
  );
  assert.equal({ variables: updated.variables, description: updated.description }, { variables: { fn: 'b' }, description: 'live' });
  const stages = await client.send(new GetStagesCommand({ restApiId: apiId }));
  assert.equal(
    stages.item?.map((s) => s.stageName),
    ['prod'],
  );
  assertError(
    await rejects(client.send(new DeleteDeploymentCommand({ restApiId: apiId, deploymentId: deployment.id }))),
    'BadRequestException',
    400,
    'Active stages pointing to this deployment must be moved or deleted',
  );
  const deleted = await client.send(new DeleteStageCommand({ restApiId: apiId, stageName: 'prod' }));
  assert.is(deleted.$metadata.httpStatusCode, 202);
  for (const command of [
    new GetStageCommand({ restApiId: apiId, stageName: 'prod' }),
    new DeleteStageCommand({ restApiId: apiId, stageName: 'prod' }),
  ]) {
    assertError(await rejects(client.send(command as GetStageCommand)), 'NotFoundException', 404, 'Invalid Stage identifier specified');
  }
  const gone = await client.send(new DeleteDeploymentCommand({ restApiId: apiId, deploymentId: deployment.id }));
  assert.is(gone.$metadata.httpStatusCode, 202);
});

test.run();
