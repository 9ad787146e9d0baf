import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionsCommand,
  RemovePermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** Lambda control plane and Invoke through the real SDK client; time runs on a ManualClock. */
const clock = new ManualClock();
const test = emulatorSuite<{ clock: ManualClock; lambda: LambdaClient }>('lambda control plane', {
  emulator: { clock },
  context: { clock },
});

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

const ECHO = lambdaZip({
  'index.js': `exports.handler = async (event, context) => {
    console.log('event', JSON.stringify(event));
    return { event, name: context.functionName, env: process.env.GREETING ?? null };
  };`,
});

function fnInput(name: string, extra: Partial<CreateFunctionCommandInput> = {}): CreateFunctionCommandInput {
  return { FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: ECHO }, ...extra };
}

async function create(ctx: { lambda: LambdaClient; clock: ManualClock }, name: string, extra: Partial<CreateFunctionCommandInput> = {}) {
  const out = await ctx.lambda.send(new CreateFunctionCommand(fnInput(name, extra)));
  await ctx.clock.advance(1000);
  return out;
}

const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));

test.before((ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
});

test.after((ctx) => {
  ctx.lambda.destroy();
});

test('CreateFunction answers 201 Pending with AWS fields, then the function turns Active', async (ctx) => {
  const out = await ctx.lambda.send(
    new CreateFunctionCommand(fnInput('echo', { Environment: { Variables: { GREETING: 'hi', AWS_REGION: 'us-east-1' } } })),
  );
  assert.is(out.$metadata.httpStatusCode, 201);
  assert.is(out.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:echo');
  assert.is(out.Version, '$LATEST');
  assert.is(out.State, 'Pending');
  assert.is(out.StateReason, 'The function is being created.');
  assert.is(out.StateReasonCode, 'Creating');
  assert.is(out.PackageType, 'Zip');
  assert.equal(out.Architectures, ['x86_64']);
  assert.is(out.CodeSha256, createHash('sha256').update(ECHO).digest('base64'));
  assert.is(out.CodeSize, ECHO.length);
  assert.is(out.MemorySize, 128);
  assert.is(out.Timeout, 3);
  assert.is(out.Handler, 'index.handler');
  assert.is(out.Runtime, 'nodejs20.x');
  assert.is(out.Role, ROLE);
  assert.equal(out.Environment?.Variables, { GREETING: 'hi', AWS_REGION: 'us-east-1' });
  assert.match(out.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: '{}' })),
    'ResourceConflictException',
    'The operation cannot be performed at this time. The function is currently in the following state: Pending',
    409,
  );
  await ctx.clock.advance(100);
  const got = await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }));
  assert.is(got.Configuration?.State, 'Active');
  assert.is(got.Configuration?.LastUpdateStatus, 'Successful');
  assert.is(got.Configuration?.StateReason, undefined);
  assert.is(got.Code?.RepositoryType, 'S3');
  const downloaded = new Uint8Array(await (await fetch(got.Code!.Location!)).arrayBuffer());
  assert.equal(downloaded, ECHO);
});

test('CreateFunction errors: duplicate, runtimes, role, zip', async (ctx) => {
  await create(ctx, 'dup');
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionCommand(fnInput('dup'))),
    'ResourceConflictException',
    'Function already exist: dup',
    409,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionCommand(fnInput('java', { Runtime: 'java17', Handler: 'lambda.AddProduct::handleRequest' }))),
    'InvalidParameterValueException',
    'The runtime parameter of java17 is not supported by this emulator: it runs Node.js handlers only (nodejs18.x, nodejs20.x, nodejs22.x). ' +
      'Port the function to Node.js (see lambdas/) or use a real AWS account.',
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionCommand(fnInput('old', { Runtime: 'nodejs16.x' }))),
    'InvalidParameterValueException',
    'The runtime parameter of nodejs16.x is no longer supported for creating or updating AWS Lambda functions. ' +
      'We recommend you use a supported runtime while creating or updating functions.',
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionCommand(fnInput('role', { Role: 'not-a-role' }))),
    'ValidationException',
    "1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionCommand(fnInput('notzip', { Code: { ZipFile: strToU8('hello') } }))),
    'InvalidParameterValueException',
    'Could not unzip uploaded file. Please check your file, then try to upload again.',
  );
  await rejectsWith(
    ctx.lambda.send(new CreateFunctionCommand(fnInput('slow', { Timeout: 901 }))),
    'ValidationException',
    "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
  );
  // A role that does not exist is accepted, as LocalStack does.
  const ok = await ctx.lambda.send(new CreateFunctionCommand(fnInput('ghost-role', { Role: 'arn:aws:iam::000000000000:role/nope' })));
  assert.is(ok.State, 'Pending');
});

test('a zip-slip entry is rejected and nothing is created', async (ctx) => {
  for (const evil of ['../evil.js', '/etc/evil.js', 'a/../../evil.js']) {
    await rejectsWith(
      ctx.lambda.send(
        new CreateFunctionCommand(fnInput('slip', { Code: { ZipFile: lambdaZip({ 'index.js': 'exports.handler=()=>1', [evil]: 'x' }) } })),
      ),
      'InvalidParameterValueException',
      `Could not unzip uploaded file. Please check your file, then try to upload again. Entry '${evil}' would be extracted outside the function's folder.`,
      400,
    );
  }
  await rejectsWith(ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'slip' })), 'ResourceNotFoundException', /Function not found/);
});

test('Get, GetConfiguration, List and Delete; unknown functions are 404 with the ARN', async (ctx) => {
  await create(ctx, 'b-fn');
  await create(ctx, 'a-fn', { MemorySize: 256, Timeout: 10 });
  const cfg = await ctx.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:a-fn' }),
  );
  assert.is(cfg.MemorySize, 256);
  assert.is(cfg.Timeout, 10);
  const list = await ctx.lambda.send(new ListFunctionsCommand({}));
  assert.equal(
    list.Functions?.map((f) => f.FunctionName),
    ['a-fn', 'b-fn'],
  );
  const paged = await ctx.lambda.send(new ListFunctionsCommand({ MaxItems: 1 }));
  assert.equal(
    paged.Functions?.map((f) => f.FunctionName),
    ['a-fn'],
  );
  const rest = await ctx.lambda.send(new ListFunctionsCommand({ Marker: paged.NextMarker }));
  assert.equal(
    rest.Functions?.map((f) => f.FunctionName),
    ['b-fn'],
  );
  // Other regions see nothing.
  const eu = lambdaClient(ctx.emu, 'eu-central-1');
  assert.equal((await eu.send(new ListFunctionsCommand({}))).Functions, []);
  eu.destroy();

  const deleted = await ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'a-fn' }));
  assert.is(deleted.$metadata.httpStatusCode, 204);
  const gone = 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:a-fn';
  await rejectsWith(ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'a-fn' })), 'ResourceNotFoundException', gone, 404);
  await rejectsWith(ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'a-fn' })), 'ResourceNotFoundException', gone, 404);
  // Invoke names the version it looked for: an unqualified name is `$LATEST`.
  await rejectsWith(ctx.lambda.send(new InvokeCommand({ FunctionName: 'a-fn' })), 'ResourceNotFoundException', `${gone}:$LATEST`, 404);
});

test('Invoke: RequestResponse, Event, DryRun, Tail logs, function errors', async (ctx) => {
  await create(ctx, 'echo');
  const out = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ n: 1 }), LogType: 'Tail' }));
  assert.is(out.StatusCode, 200);
  assert.is(out.ExecutedVersion, '$LATEST');
  assert.is(out.FunctionError, undefined);
  assert.equal(decode(out.Payload), { event: { n: 1 }, name: 'echo', env: null });
  const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
  assert.match(log, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
  assert.match(log, /\tINFO\tevent {"n":1}\n/);
  assert.match(
    log,
    /END RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB/,
  );

  const noTail = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
  assert.is(noTail.LogResult, undefined);
  assert.equal(decode(noTail.Payload).event, {});

  // Event runs in the background after the 202; DryRun only checks and never runs. The writer
  // waits for a gate the test opens only after the 202, so it cannot have finished before.
  const writer = `const { existsSync, writeFileSync } = require('fs');
    exports.handler = async (e) => {
      for (const giveUp = Date.now() + 15000; e.gate && !existsSync(e.gate) && Date.now() < giveUp; ) await new Promise((r) => setTimeout(r, 10));
      writeFileSync(e.path, !e.gate || existsSync(e.gate) ? 'ran' : 'the gate never opened');
    };`;
  await create(ctx, 'writer', { Code: { ZipFile: lambdaZip({ 'index.js': writer }) }, Timeout: 20 });
  const dir = await mkdtemp(join(tmpdir(), 'lambda-event-'));
  // Handlers run as nobody when the tests run as root: the folder must be theirs to write.
  await chmod(dir, 0o777);
  try {
    const eventMarker = join(dir, 'event');
    const gate = join(dir, 'gate');
    const event = await ctx.lambda.send(
      new InvokeCommand({ FunctionName: 'writer', InvocationType: 'Event', Payload: JSON.stringify({ path: eventMarker, gate }) }),
    );
    assert.is(event.StatusCode, 202);
    assert.is(Buffer.from(event.Payload ?? []).length, 0);
    assert.not.ok(existsSync(eventMarker), 'answered before the handler finished');
    await writeFile(gate, '');
    // The sandbox is a real process: wait for it, with a limit only against hanging.
    for (const giveUp = Date.now() + 20_000; !existsSync(eventMarker) && Date.now() < giveUp; ) await new Promise((r) => setTimeout(r, 10));
    assert.ok(existsSync(eventMarker), 'the Event invocation ran');
    assert.is(await readFile(eventMarker, 'utf8'), 'ran');

    const dryMarker = join(dir, 'dry');
    const dry = await ctx.lambda.send(
      new InvokeCommand({ FunctionName: 'writer', InvocationType: 'DryRun', Payload: JSON.stringify({ path: dryMarker }) }),
    );
    assert.is(dry.StatusCode, 204);
    await new Promise((r) => setTimeout(r, 150));
    assert.not.ok(existsSync(dryMarker), 'DryRun never runs the handler');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: 'not json' })),
    'InvalidRequestContentException',
    /^Could not parse request body into json: Could not parse payload into json: /,
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '7' })),
    'ResourceNotFoundException',
    'Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo:7',
  );

  await create(ctx, 'boom', {
    Code: { ZipFile: lambdaZip({ 'index.js': "exports.handler = async () => { throw new TypeError('boom'); };" }) },
  });
  const failed = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'boom' }));
  assert.is(failed.StatusCode, 200);
  assert.is(failed.FunctionError, 'Unhandled');
  const body = decode(failed.Payload);
  assert.equal(Object.keys(body), ['errorType', 'errorMessage', 'trace']);
  assert.is(body.errorType, 'TypeError');
  assert.is(body.errorMessage, 'boom');
  assert.is(body.trace[0], 'TypeError: boom');
});

test('UpdateFunctionCode and UpdateFunctionConfiguration take effect on the warm function', async (ctx) => {
  await create(ctx, 'echo', { Environment: { Variables: { GREETING: 'hello' } } });
  assert.is(decode((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload).env, 'hello');

  const updated = await ctx.lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: 'echo',
      Environment: { Variables: { GREETING: 'bonjour' } },
      Timeout: 5,
      MemorySize: 256,
    }),
  );
  assert.is(updated.LastUpdateStatus, 'InProgress');
  assert.is(updated.Timeout, 5);
  assert.is(updated.MemorySize, 256);
  assert.is(decode((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload).env, 'bonjour');
  await ctx.clock.advance(100);
  assert.is((await ctx.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }))).LastUpdateStatus, 'Successful');

  const v2 = lambdaZip({ 'index.js': "exports.handler = async () => 'v2:' + process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;" });
  const code = await ctx.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'echo', ZipFile: v2 }));
  assert.is(code.CodeSha256, createHash('sha256').update(v2).digest('base64'));
  assert.is(code.CodeSize, v2.length);
  assert.is(decode((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload), 'v2:256');

  await rejectsWith(
    ctx.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'echo', RevisionId: 'stale' })),
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    412,
  );
});

test('AddPermission stores and returns the statement; GetPolicy and RemovePermission', async (ctx) => {
  await create(ctx, 'echo');
  const added = await ctx.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'echo',
      StatementId: 'apigw',
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: 'arn:aws:execute-api:us-east-1:000000000000:12345/*/*/productApi',
    }),
  );
  assert.is(added.$metadata.httpStatusCode, 201);
  assert.equal(JSON.parse(added.Statement ?? ''), {
    Sid: 'apigw',
    Effect: 'Allow',
    Action: 'lambda:InvokeFunction',
    Resource: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
    Principal: { Service: 'apigateway.amazonaws.com' },
    Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1:000000000000:12345/*/*/productApi' } },
  });
  await rejectsWith(
    ctx.lambda.send(
      new AddPermissionCommand({ FunctionName: 'echo', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: '*' }),
    ),
    'ResourceConflictException',
    'The statement id (apigw) provided already exists. Please provide a new statement id, or remove the existing statement.',
    409,
  );
  const policy = JSON.parse((await ctx.lambda.send(new GetPolicyCommand({ FunctionName: 'echo' }))).Policy ?? '');
  assert.is(policy.Statement.length, 1);
  await ctx.lambda.send(new RemovePermissionCommand({ FunctionName: 'echo', StatementId: 'apigw' }));
  await rejectsWith(
    ctx.lambda.send(new GetPolicyCommand({ FunctionName: 'echo' })),
    'ResourceNotFoundException',
    'The resource you requested does not exist.',
  );
  await rejectsWith(
    ctx.lambda.send(new AddPermissionCommand({ FunctionName: 'nope', StatementId: 's', Action: 'lambda:InvokeFunction', Principal: '*' })),
    'ResourceNotFoundException',
    'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
  );
});

test("errors come in Lambda's {Type, Message} body with x-amzn-ErrorType", async (ctx) => {
  const res = await fetch(`${ctx.emu.endpoint}/2015-03-31/functions/missing`, {
    headers: {
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/eu-central-1/lambda/aws4_request, SignedHeaders=host, Signature=x',
    },
  });
  assert.is(res.status, 404);
  assert.is(res.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
  assert.equal(await res.json(), {
    Type: 'User',
    Message: 'Function not found: arn:aws:lambda:eu-central-1:000000000000:function:missing',
  });
});

test.run();
