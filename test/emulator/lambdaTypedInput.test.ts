import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionEventInvokeConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  type LambdaClient,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { assertError, rejects } from '../helpers/awsErrors.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/**
 * Members of the wrong JSON type, sent through the real SDK client (its types forbid them, so
 * they are cast): Lambda's InvalidParameterValueException naming the member, and nothing changed.
 */
const clock = new ManualClock();
const test = emulatorSuite<{ clock: ManualClock; lambda: LambdaClient }>('lambda typed input', {
  emulator: { clock },
  context: { clock },
});

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const ROLE = 'arn:aws:iam::000000000000:role/r';
const ZIP = lambdaZip('exports.handler = async () => 1;');
const BASE = { Runtime: 'nodejs20.x' as const, Handler: 'index.handler', Role: ROLE, Code: { ZipFile: ZIP } };

test.before((ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
});
test.before.each(async (ctx) => {
  await ctx.lambda.send(new CreateFunctionCommand({ FunctionName: 'typed', ...BASE, Description: 'kept', Tags: { team: 'a' } }));
  await ctx.clock.advance(1000);
});
test.after((ctx) => {
  ctx.lambda.destroy();
});

async function refused(promise: Promise<unknown>, message: string): Promise<void> {
  assertError(await rejects(promise), 'InvalidParameterValueException', 400, message);
}

test('CreateFunction: Tags, Code, Environment and Publish of the wrong type are refused, naming the member', async (ctx) => {
  const create = (input: Record<string, unknown>) =>
    ctx.lambda.send(new CreateFunctionCommand({ FunctionName: 'bad', ...BASE, ...input } as never));
  await refused(create({ Tags: { team: 5 } }), 'Tags.team must be a string.');
  await refused(create({ Tags: ['team'] }), 'Tags must be a map of strings.');
  await refused(create({ Code: { ZipFile: ZIP, S3Bucket: 7 } }), 'Code.S3Bucket must be a string.');
  await refused(create({ Environment: { Variables: 'A=1' } }), 'Environment.Variables must be a map of strings.');
  await refused(create({ Environment: { Variables: { A: 1 } } }), 'Environment.Variables.A must be a string.');
  await refused(create({ Publish: 'yes' }), 'Publish must be a boolean.');
  await refused(create({ Description: 42 }), 'Description must be a string.');
  assert.is(
    (await rejects(ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'bad' })))).name,
    'ResourceNotFoundException',
    'no function was created',
  );
});

test('CreateFunction: members sent as JSON null read as absent', async (ctx) => {
  const created = await ctx.lambda.send(
    new CreateFunctionCommand({ FunctionName: 'nulls', ...BASE, Tags: null, Description: null, Environment: null } as never),
  );
  assert.is(created.Description, '');
  const tags = await ctx.lambda.send(new ListTagsCommand({ Resource: `${ARN}:nulls` }));
  assert.equal(tags.Tags, {});
});

test('UpdateFunctionCode and UpdateFunctionConfiguration: a member of the wrong type changes nothing', async (ctx) => {
  await refused(
    ctx.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'typed', ZipFile: ZIP, Publish: 'yes' } as never)),
    'Publish must be a boolean.',
  );
  await refused(
    ctx.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'typed', ZipFile: ZIP, RevisionId: 3 } as never)),
    'RevisionId must be a string.',
  );
  await refused(
    ctx.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'typed', Timeout: 10, Environment: 'A=1' } as never)),
    'Environment must be an object.',
  );
  const got = await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'typed' }));
  assert.is(got.Configuration?.Timeout, 3);
  assert.is(got.Configuration?.Description, 'kept');
  assert.is(got.Configuration?.Version, '$LATEST');
});

test('TagResource: a tag value that is not a string is refused and no tag is added', async (ctx) => {
  await refused(
    ctx.lambda.send(new TagResourceCommand({ Resource: `${ARN}:typed`, Tags: { env: true } } as never)),
    'Tags.env must be a string.',
  );
  const tags = await ctx.lambda.send(new ListTagsCommand({ Resource: `${ARN}:typed` }));
  assert.equal(tags.Tags, { team: 'a' });
});

test('aliases and PublishVersion: Description, RoutingConfig and CodeSha256 of the wrong type are refused', async (ctx) => {
  await refused(
    ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'typed', Name: 'live', FunctionVersion: '$LATEST', Description: 5 } as never)),
    'Description must be a string.',
  );
  await ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'typed', Name: 'live', FunctionVersion: '$LATEST', Description: 'a' }));
  await refused(
    ctx.lambda.send(new UpdateAliasCommand({ FunctionName: 'typed', Name: 'live', Description: 'b', RoutingConfig: 'half' } as never)),
    'RoutingConfig must be an object.',
  );
  assert.is((await ctx.lambda.send(new GetAliasCommand({ FunctionName: 'typed', Name: 'live' }))).Description, 'a');
  await refused(
    ctx.lambda.send(new PublishVersionCommand({ FunctionName: 'typed', CodeSha256: 5 } as never)),
    'CodeSha256 must be a string.',
  );
  const versions = await ctx.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'typed' }));
  assert.equal(
    versions.Versions?.map((v) => v.Version),
    ['$LATEST'],
    'nothing was published',
  );
});

test('event source mappings: Enabled must be a boolean', async (ctx) => {
  await refused(
    ctx.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'typed',
        EventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2026-01-01T00:00:00.000',
        StartingPosition: 'LATEST',
        Enabled: 'false',
      } as never),
    ),
    'Enabled must be a boolean.',
  );
  await refused(
    ctx.lambda.send(new UpdateEventSourceMappingCommand({ UUID: 'no-such-mapping', Enabled: 1 } as never)),
    'Enabled must be a boolean.',
  );
});

test('AddPermission: Principal, SourceArn and InvokedViaFunctionUrl of the wrong type are refused and no statement is added', async (ctx) => {
  const add = (input: Record<string, unknown>) =>
    ctx.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'typed',
        StatementId: 's1',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        ...input,
      } as never),
    );
  await refused(add({ Principal: 123456789012 }), 'Principal must be a string.');
  await refused(add({ SourceArn: ['arn:aws:s3:::b'] }), 'SourceArn must be a string.');
  await refused(add({ Action: { name: 'lambda:InvokeFunction' } }), 'Action must be a string.');
  await refused(add({ InvokedViaFunctionUrl: 'true' }), 'InvokedViaFunctionUrl must be a boolean.');
  assert.is(
    (await rejects(ctx.lambda.send(new GetPolicyCommand({ FunctionName: 'typed' })))).name,
    'ResourceNotFoundException',
    'no policy',
  );
  await add({ SourceAccount: null });
  const policy = JSON.parse((await ctx.lambda.send(new GetPolicyCommand({ FunctionName: 'typed' }))).Policy ?? '{}');
  assert.equal(policy.Statement[0].Condition, undefined, 'a null member reads as absent');
});

test('PutFunctionConcurrency: a reservation that is not a number keeps AWS message naming it, and reserves nothing', async (ctx) => {
  assertError(
    await rejects(
      ctx.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'typed', ReservedConcurrentExecutions: '5' } as never)),
    ),
    'ValidationException',
    400,
    "1 validation error detected: Value '5' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0",
  );
  const got = await ctx.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'typed' }));
  assert.is(got.ReservedConcurrentExecutions, undefined);
});

test('event invoke configs: DestinationConfig of the wrong shape is refused and the config stays as it was', async (ctx) => {
  const put = (input: Record<string, unknown>) =>
    ctx.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'typed', ...input } as never));
  await refused(put({ DestinationConfig: 'arn:aws:sqs:us-east-1:000000000000:q' }), 'DestinationConfig must be an object.');
  await refused(put({ DestinationConfig: { OnFailure: { Destination: 7 } } }), 'DestinationConfig.OnFailure.Destination must be a string.');
  assert.is(
    (await rejects(ctx.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'typed' })))).name,
    'ResourceNotFoundException',
    'no config was stored',
  );
  await put({ MaximumRetryAttempts: 1 });
  await refused(
    ctx.lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({
        FunctionName: 'typed',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnSuccess: 'q' },
      } as never),
    ),
    'DestinationConfig.OnSuccess must be an object.',
  );
  const got = await ctx.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'typed' }));
  assert.is(got.MaximumRetryAttempts, 1);
});

test('function URLs: Cors members of the wrong type are refused and the config stays as it was', async (ctx) => {
  const create = (cors: unknown) =>
    ctx.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'typed', AuthType: 'NONE', Cors: cors } as never));
  await refused(create({ AllowOrigins: '*' }), 'Cors.AllowOrigins must be a list.');
  await refused(create({ AllowCredentials: 'true' }), 'Cors.AllowCredentials must be a boolean.');
  await refused(create('*'), 'Cors must be an object.');
  assert.is(
    (await rejects(ctx.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'typed' })))).name,
    'ResourceNotFoundException',
    'no URL was created',
  );
  await create({ AllowOrigins: ['*'], MaxAge: 60 });
  await refused(
    ctx.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'typed', Cors: { MaxAge: 1.5, AllowOrigins: ['x'] } } as never)),
    'Cors.MaxAge must be an integer.',
  );
  const got = await ctx.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'typed' }));
  assert.equal(got.Cors, { AllowOrigins: ['*'], MaxAge: 60 });
});

test.run();
