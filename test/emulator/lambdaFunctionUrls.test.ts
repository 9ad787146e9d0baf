import {
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  type LambdaClient,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { request } from 'node:http';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** Function URLs: the control plane through the real SDK client, the data plane over HTTP with the URL's host name. */
const clock = new ManualClock();
const test = emulatorSuite<{ clock: ManualClock; lambda: LambdaClient }>('lambda function URLs', {
  emulator: { clock },
  context: { clock },
});

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const HANDLER = `exports.handler = async (event) => {
  if (event.rawPath === '/plain') return { hello: 'world' };
  return { statusCode: 201, headers: { 'x-seen': event.requestContext.http.method }, cookies: ['a=1'],
    body: JSON.stringify({ path: event.rawPath, query: event.queryStringParameters, body: event.body, version: process.env.AWS_LAMBDA_FUNCTION_VERSION }) };
};`;

test.before((ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
});
test.after((ctx) => {
  ctx.lambda.destroy();
});

/** An HTTP request to `url` (the host from the URL travels in the Host header; the socket goes to the emulator). */
function call(
  ctx: { emu: { endpoint: string } },
  url: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  const target = new URL(url);
  const emu = new URL(ctx.emu.endpoint);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: emu.hostname, port: emu.port, method, path, headers: { host: target.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function createFn(ctx: { lambda: LambdaClient; clock: ManualClock }, name: string) {
  await ctx.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: lambdaZip(HANDLER) },
    }),
  );
  await ctx.clock.advance(1000);
}

test('CreateFunctionUrlConfig, then the URL invokes the function with a 2.0 event', async (ctx) => {
  await createFn(ctx, 'web');
  const created = await ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
  assert.is(created.$metadata.httpStatusCode, 201);
  assert.is(created.FunctionArn, `${ARN}:web`);
  assert.is(created.AuthType, 'NONE');
  assert.match(created.FunctionUrl!, /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost\.localstack\.cloud:\d+\/$/);

  const res = await call(ctx, created.FunctionUrl!, 'POST', '/orders?x=1&x=2', 'hi');
  assert.is(res.status, 201);
  assert.is(res.headers['x-seen'], 'POST');
  assert.equal(res.headers['set-cookie'], ['a=1']);
  assert.equal(JSON.parse(res.body), { path: '/orders', query: { x: '1,2' }, body: 'hi', version: '$LATEST' });
  const plain = await call(ctx, created.FunctionUrl!, 'GET', '/plain');
  assert.is(plain.status, 200);
  assert.equal(JSON.parse(plain.body), { hello: 'world' });

  const got = await ctx.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }));
  assert.is(got.FunctionUrl, created.FunctionUrl);
  assert.is(got.InvokeMode, 'BUFFERED');
  const updated = await ctx.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'AWS_IAM' }));
  assert.is(updated.AuthType, 'AWS_IAM');
  const unsigned = await call(ctx, created.FunctionUrl!, 'GET', '/');
  assert.is(unsigned.status, 403);
  assert.equal(JSON.parse(unsigned.body), { Message: 'Forbidden' });

  await rejectsWith(
    ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' })),
    'ResourceConflictException',
    `Failed to create function url config for [functionArn = ${ARN}:web]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    409,
  );
  await ctx.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'web' }));
  await rejectsWith(
    ctx.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' })),
    'ResourceNotFoundException',
    'The resource you requested does not exist.',
    404,
  );
  assert.is((await call(ctx, created.FunctionUrl!, 'GET', '/')).status, 404);
});

test('a URL on an alias runs the alias version; version numbers and unknown functions are refused', async (ctx) => {
  await createFn(ctx, 'aliased');
  await ctx.lambda.send(new PublishVersionCommand({ FunctionName: 'aliased' }));
  await ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '1' }));
  const url = await ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'live', AuthType: 'NONE' }));
  assert.is(url.FunctionArn, `${ARN}:aliased:live`);
  const res = await call(ctx, url.FunctionUrl!, 'GET', '/x');
  assert.is(JSON.parse(res.body).version, '1');
  const listed = await ctx.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'aliased' }));
  assert.equal(
    listed.FunctionUrlConfigs?.map((c) => c.FunctionArn),
    [`${ARN}:aliased:live`],
  );

  await rejectsWith(
    ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: '1', AuthType: 'NONE' })),
    'ValidationException',
    "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))",
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'nope', AuthType: 'NONE' })),
    'ResourceNotFoundException',
    'Function does not exist',
    404,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', AuthType: 'OPEN' as never })),
    'ValidationException',
    "1 validation error detected: Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]",
    400,
  );
});

test.run();
