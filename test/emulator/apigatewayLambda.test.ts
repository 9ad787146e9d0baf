import * as assert from 'uvu/assert';
import { CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { ManualClock } from '../../emulator/clock.ts';
import { FIS_FAULT_MESSAGE } from '../../emulator/faults.ts';
import { lambdaInvocationUri, putLambdaProxy } from '../helpers/apigatewayIntegrations.ts';
import { apigatewayClient, lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';
import { createNodeFunction } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';
import { httpRequest, type RawResponse } from './apigatewayHelpers.ts';

/**
 * API Gateway → Lambda end to end: a real function (created with @aws-sdk/client-lambda from
 * an fflate-zipped handler) behind AWS_PROXY integrations in two regions, reached over plain
 * HTTP at the execute-api URLs. Covers the proxy event a handler receives, the response
 * contract, function errors, and an FIS-style fault on Lambda Invoke in one region only.
 */

const clock = new ManualClock();
const test = emulatorSuite('emulator/apigateway → lambda', { emulator: { clock }, context: { clock }, reset: false });
const REGIONS = { 'us-east-1': '12345', 'eu-central-1': '67890' } as const;
type Region = keyof typeof REGIONS;

/** One handler, many behaviours, chosen by the first segment of the request path. */
const HANDLER = `
exports.handler = async (event) => {
  const route = event.path.replace(/^\\//, '');
  switch (route.split('/')[0]) {
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { statusCode: 200, body: 'late' };
    case 'echo':
      return { statusCode: 200, headers: { 'X-Region': process.env.AWS_REGION }, body: JSON.stringify(event) };
    case 'string-status':
      return { statusCode: '201', body: 'created' };
    case 'multi':
      return { statusCode: 200, headers: { 'X-A': 'single', 'X-B': 'b', 'Content-Type': 'text/plain' }, multiValueHeaders: { 'X-A': ['m1', 'm2'] }, body: 'multi' };
    case 'binary':
      return { statusCode: 200, headers: { 'Content-Type': 'application/octet-stream' }, isBase64Encoded: true, body: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64') };
    case 'extra':
      return { statusCode: 200, body: 'x', unexpected: true };
    case 'throw':
      throw new Error('boom');
    case 'empty':
      return {};
    default:
      return { statusCode: 404, body: 'no route ' + route };
  }
};
`;

async function deploy(ctx: EmulatorContext, region: Region): Promise<void> {
  const fn = await createNodeFunction(lambdaClient(ctx.emu, region), {
    FunctionName: 'echo',
    Role: 'arn:aws:iam::000000000000:role/productRole',
    Code: { ZipFile: lambdaZip(HANDLER) },
  });
  const uri = lambdaInvocationUri(region, fn.FunctionArn!);
  const apiId = REGIONS[region];
  const client = apigatewayClient(ctx.emu, region);
  const api = await client.send(new CreateRestApiCommand({ name: 'quote-api-gateway', tags: { _custom_id_: apiId } }));
  const proxy = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId, pathPart: '{proxy+}' }));
  await putLambdaProxy(client, { restApiId: apiId, resourceId: proxy.id, httpMethod: 'ANY' }, uri);
  // /slow has its own integration with AWS's shortest timeout.
  const slow = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId, pathPart: 'slow' }));
  await putLambdaProxy(client, { restApiId: apiId, resourceId: slow.id, httpMethod: 'GET' }, uri, { timeoutInMillis: 50 });
  await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
}

const call = (
  ctx: EmulatorContext,
  region: Region,
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
) =>
  httpRequest(ctx.emu.endpoint, {
    ...options,
    path: `/dev${path}`,
    host: `${REGIONS[region]}.execute-api.localhost.localstack.cloud:4566`,
  });

function assertInternalServerError(res: RawResponse): void {
  assert.is(res.status, 502);
  assert.is(res.text, '{"message":"Internal server error"}');
  assert.is(res.headers['x-amzn-errortype'], 'InternalServerErrorException');
}

test.before(async (ctx) => {
  await deploy(ctx, 'us-east-1');
  await deploy(ctx, 'eu-central-1');
  // New functions are Pending for a moment of emulated time, as on AWS.
  await ctx.clock.advance(1_000);
  const lambda = lambdaClient(ctx.emu);
  assert.is((await lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }))).Configuration?.State, 'Active');
});
test.after.each((ctx) => ctx.emu.faults.clear());

test('the proxy event a handler receives', async (ctx) => {
  const res = await call(ctx, 'us-east-1', '/echo/a%2Bb/?x=1&x=2&q=hello%20world', {
    method: 'POST',
    body: '{"id":"prod-1088"}',
    headers: { 'content-type': 'application/json', 'user-agent': 'python-requests/2.31.0', 'x-custom': 'v' },
  });
  assert.is(res.status, 200);
  assert.is(res.headers['x-region'], 'us-east-1');
  assert.is(res.headers['content-type'], 'application/json');
  const event = JSON.parse(res.text);
  assert.equal(
    [event.resource, event.path, event.httpMethod, event.body, event.isBase64Encoded],
    ['/{proxy+}', '/echo/a%2Bb/', 'POST', '{"id":"prod-1088"}', false],
  );
  assert.equal(event.pathParameters, { proxy: 'echo/a%2Bb' });
  assert.equal(event.queryStringParameters, { x: '2', q: 'hello world' });
  assert.equal(event.multiValueQueryStringParameters, { x: ['1', '2'], q: ['hello world'] });
  assert.is(event.stageVariables, null);
  assert.is(event.headers.host, '12345.execute-api.localhost.localstack.cloud:4566');
  assert.is(event.headers['User-Agent'], 'python-requests/2.31.0');
  assert.equal(event.multiValueHeaders['x-custom'], ['v']);
  const rc = event.requestContext;
  assert.equal(
    [rc.accountId, rc.apiId, rc.stage, rc.resourcePath, rc.path, rc.httpMethod, rc.protocol, rc.domainName, rc.domainPrefix],
    [
      '000000000000',
      '12345',
      'dev',
      '/{proxy+}',
      '/dev/echo/a%2Bb/',
      'POST',
      'HTTP/1.1',
      '12345.execute-api.localhost.localstack.cloud',
      '12345',
    ],
  );
  assert.is(rc.requestId, res.headers['x-amzn-requestid']);
  assert.is(rc.extendedRequestId, res.headers['x-amz-apigw-id']);
  assert.is(rc.requestTimeEpoch, ctx.clock.now());
  assert.match(rc.requestTime, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  assert.ok(rc.resourceId && rc.deploymentId);
  assert.equal([rc.identity.sourceIp, rc.identity.userAgent], ['127.0.0.1', 'python-requests/2.31.0']);

  const bare = JSON.parse((await call(ctx, 'us-east-1', '/echo')).text);
  assert.equal([bare.queryStringParameters, bare.multiValueQueryStringParameters, bare.body], [null, null, null]);
});

test('response contract: string statusCode, multiValueHeaders win, base64 body, empty object', async (ctx) => {
  const created = await call(ctx, 'us-east-1', '/string-status');
  assert.equal([created.status, created.text], [201, 'created']);

  const multi = await call(ctx, 'us-east-1', '/multi');
  assert.equal(
    [multi.status, multi.headers['x-a'], multi.headers['x-b'], multi.headers['content-type']],
    [200, 'm1, m2', 'b', 'text/plain'],
  );

  const binary = await call(ctx, 'us-east-1', '/binary');
  assert.equal([...binary.body], [0, 1, 2, 253, 254, 255]);

  const empty = await call(ctx, 'us-east-1', '/empty');
  assert.equal([empty.status, empty.text], [200, '']);
});

test('a response with another key, and a function error, are 502 Internal server error', async (ctx) => {
  assertInternalServerError(await call(ctx, 'us-east-1', '/extra'));
  assertInternalServerError(await call(ctx, 'us-east-1', '/throw'));
  // The function itself is fine afterwards.
  assert.is((await call(ctx, 'us-east-1', '/string-status')).status, 201);
});

test('an integration that outlives timeoutInMillis is a 504 Endpoint request timed out', async (ctx) => {
  const res = await call(ctx, 'eu-central-1', '/slow');
  assert.is(res.status, 504);
  assert.is(res.text, '{"message":"Endpoint request timed out"}');
  assert.is((await call(ctx, 'eu-central-1', '/string-status')).status, 201);
});

test('an FIS-style fault on Lambda Invoke in us-east-1 breaks that region’s API only', async (ctx) => {
  ctx.emu.faults.add({
    service: 'lambda',
    operation: 'Invoke',
    region: 'us-east-1',
    percentage: 100,
    effect: { kind: 'error', status: 500, code: 'InternalError', message: FIS_FAULT_MESSAGE },
    owner: 'apigateway-test',
  });
  assertInternalServerError(await call(ctx, 'us-east-1', '/string-status'));
  const standby = await call(ctx, 'eu-central-1', '/echo');
  assert.is(standby.status, 200);
  assert.is(standby.headers['x-region'], 'eu-central-1');
  assert.is(JSON.parse(standby.text).requestContext.apiId, '67890');

  ctx.emu.faults.removeOwner('apigateway-test');
  assert.is((await call(ctx, 'us-east-1', '/string-status')).status, 201);
});

test('a fault on Lambda alone leaves the data plane routing: unknown paths still 403', async (ctx) => {
  ctx.emu.faults.add({
    service: 'lambda',
    region: 'us-east-1',
    percentage: 100,
    effect: { kind: 'error', status: 503, code: 'ServiceUnavailable', message: 'down' },
    owner: 'apigateway-test',
  });
  const res = await httpRequest(ctx.emu.endpoint, { path: '/nope/x', host: '12345.execute-api.localhost.localstack.cloud' });
  assert.is(res.status, 403);
  assert.is(res.text, '{"message":"Missing Authentication Token"}');
});

test.run();
