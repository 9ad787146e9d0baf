import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCli, cliTest, type AwsCliResult } from '../helpers/awsCli.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';
import { httpRequest } from './apigatewayHelpers.ts';

/**
 * The seed's API Gateway provisioning through the real AWS CLI v2 (the drill's tutorial, S1
 * `init-resources.sh`): create-rest-api with `_custom_id_`, get-resources, create-resource,
 * put-method with request parameters, update-method, put-integration, create-deployment,
 * then requests to the execute-api URL. Runs only where /usr/bin/aws is installed.
 */

type Ctx = EmulatorContext & { dir: string };
const test = emulatorSuite<{ dir: string }>('emulator/apigatewayCli', { reset: false });

const aws = (ctx: Ctx, ...args: string[]): Promise<AwsCliResult> => awsCli(ctx.emu.endpoint, ['apigateway', ...args], { home: ctx.dir });

async function ok(ctx: Ctx, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await aws(ctx, ...args);
  assert.is(r.code, 0, `aws apigateway ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'apigw-cli-'));
});
test.after(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

cliTest(test)('the seed’s provisioning commands, then the execute-api URL', async (ctx) => {
  const api = await ok(ctx, 'create-rest-api', '--name', 'quote-api-gateway', '--tags', '{"_custom_id_":"12345"}');
  assert.is(api.id, '12345');

  const resources = (await ok(ctx, 'get-resources', '--rest-api-id', '12345')) as { items: { id: string; path: string }[] };
  assert.is(resources.items.length, 1);
  assert.is(resources.items[0]!.path, '/');
  const rootId = resources.items[0]!.id;

  const product = await ok(ctx, 'create-resource', '--rest-api-id', '12345', '--parent-id', rootId, '--path-part', 'productApi');
  assert.is(product.path, '/productApi');
  const productId = String(product.id);
  const method = await ok(
    ctx,
    'put-method',
    '--rest-api-id',
    '12345',
    '--resource-id',
    productId,
    '--http-method',
    'POST',
    '--authorization-type',
    'NONE',
    '--request-parameters',
    'method.request.path.productApi=true',
  );
  assert.equal(method.requestParameters, { 'method.request.path.productApi': true });
  const updated = await ok(
    ctx,
    'update-method',
    '--rest-api-id',
    '12345',
    '--resource-id',
    productId,
    '--http-method',
    'POST',
    '--patch-operations',
    'op=replace,path=/requestParameters/method.request.querystring.param,value=true',
  );
  assert.equal(updated.requestParameters, {
    'method.request.path.productApi': true,
    'method.request.querystring.param': true,
  });
  const uri =
    'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:add-product/invocations';
  const integration = await ok(
    ctx,
    'put-integration',
    '--rest-api-id',
    '12345',
    '--resource-id',
    productId,
    '--http-method',
    'POST',
    '--type',
    'AWS_PROXY',
    '--integration-http-method',
    'POST',
    '--uri',
    uri,
    '--passthrough-behavior',
    'WHEN_NO_MATCH',
  );
  assert.equal([integration.type, integration.httpMethod, integration.uri], ['AWS_PROXY', 'POST', uri]);

  // A MOCK health check beside it, so the data plane has something to answer 200 from.
  const health = String(
    (await ok(ctx, 'create-resource', '--rest-api-id', '12345', '--parent-id', rootId, '--path-part', 'healthcheck')).id,
  );
  await ok(ctx, 'put-method', '--rest-api-id', '12345', '--resource-id', health, '--http-method', 'GET', '--authorization-type', 'NONE');
  await ok(
    ctx,
    'put-integration',
    '--rest-api-id',
    '12345',
    '--resource-id',
    health,
    '--http-method',
    'GET',
    '--type',
    'MOCK',
    '--request-templates',
    '{"application/json": "{\\"statusCode\\": 200}"}',
  );
  await ok(ctx, 'put-method-response', '--rest-api-id', '12345', '--resource-id', health, '--http-method', 'GET', '--status-code', '200');
  await ok(
    ctx,
    'put-integration-response',
    '--rest-api-id',
    '12345',
    '--resource-id',
    health,
    '--http-method',
    'GET',
    '--status-code',
    '200',
    '--response-templates',
    '{"application/json": "{\\"message\\": \\"Success\\"}"}',
  );

  const deployment = await ok(ctx, 'create-deployment', '--rest-api-id', '12345', '--stage-name', 'dev');
  assert.match(String(deployment.id), /^[a-z0-9]{6}$/);

  const host = '12345.execute-api.localhost.localstack.cloud:4566';
  const healthy = await httpRequest(ctx.emu.endpoint, { path: '/dev/healthcheck', host });
  assert.is(healthy.status, 200);
  assert.is(healthy.text, '{"message": "Success"}');
  // add-product does not exist in this test: the proxy integration fails as AWS reports it.
  const post = await httpRequest(ctx.emu.endpoint, { method: 'POST', path: '/dev/productApi', host, body: '{}' });
  assert.is(post.status, 502);
  assert.is(post.text, '{"message":"Internal server error"}');
});

cliTest(test)('CLI errors exit 254 with AWS’s message', async (ctx) => {
  const r = await aws(ctx, 'get-rest-api', '--rest-api-id', 'nope');
  assert.is(r.code, 254);
  assert.match(
    r.stderr,
    'An error occurred (NotFoundException) when calling the GetRestApi operation: Invalid API identifier specified 000000000000:nope',
  );
});

cliTest(test)('import-rest-api --body fileb:// (YAML), update-rest-api on binaryMediaTypes, get-export to a file', async (ctx) => {
  const definition = join(ctx.dir, 'api.yaml');
  await writeFile(
    definition,
    [
      'openapi: 3.0.1',
      'info:',
      '  title: cli-import',
      '  version: "3"',
      'paths:',
      '  /ping:',
      '    get:',
      '      responses:',
      "        '200':",
      '          description: ok',
      '      x-amazon-apigateway-integration:',
      '        type: mock',
      '        requestTemplates:',
      '          application/json: "{statusCode: 200}"',
      '        responses:',
      '          default:',
      "            statusCode: '200'",
      '',
    ].join('\n'),
  );
  const api = await ok(ctx, 'import-rest-api', '--body', `fileb://${definition}`);
  assert.is(api.name, 'cli-import');
  const id = String(api.id);
  const patched = await ok(ctx, 'update-rest-api', '--rest-api-id', id, '--patch-operations', 'op=add,path=/binaryMediaTypes/image~1png');
  assert.equal(patched.binaryMediaTypes, ['image/png']);
  await ok(ctx, 'create-deployment', '--rest-api-id', id, '--stage-name', 'v1');
  const out = join(ctx.dir, 'export.json');
  const exported = await ok(
    ctx,
    'get-export',
    '--rest-api-id',
    id,
    '--stage-name',
    'v1',
    '--export-type',
    'oas30',
    '--parameters',
    'extensions=apigateway',
    out,
  );
  assert.match(String(exported.contentDisposition), /oas30_3\.json/);
  const doc = JSON.parse(await readFile(out, 'utf8')) as {
    paths: Record<string, unknown>;
    'x-amazon-apigateway-binary-media-types': string[];
  };
  assert.equal(Object.keys(doc.paths), ['/ping']);
  assert.equal(doc['x-amazon-apigateway-binary-media-types'], ['image/png']);
  const ping = await httpRequest(ctx.emu.endpoint, { path: `/_aws/execute-api/${id}/v1/ping` });
  assert.is(ping.status, 200);
});

test.run();
