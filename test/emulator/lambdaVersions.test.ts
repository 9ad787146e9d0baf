import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  type LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** Versions and aliases (PublishVersion, aliases with routing weights, Invoke by qualifier) through the real SDK client. */
const clock = new ManualClock();
const test = emulatorSuite<{ clock: ManualClock; lambda: LambdaClient }>('lambda versions and aliases', {
  emulator: { clock },
  context: { clock },
});

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const code = (tag: string) =>
  lambdaZip(
    `exports.handler = async (e, c) => ({ tag: '${tag}', version: process.env.AWS_LAMBDA_FUNCTION_VERSION, arn: c.invokedFunctionArn });`,
  );
const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));

test.before((ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
});
test.after((ctx) => {
  ctx.lambda.destroy();
});

/** `fn` with version 1 (code v1) and version 2 (code v2); $LATEST holds v2. */
async function twoVersions(ctx: { lambda: LambdaClient; clock: ManualClock }, name: string) {
  await ctx.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: code('v1') },
    }),
  );
  await ctx.clock.advance(1000);
  const v1 = await ctx.lambda.send(new PublishVersionCommand({ FunctionName: name, Description: 'first' }));
  await ctx.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: code('v2') }));
  await ctx.clock.advance(1000);
  const v2 = await ctx.lambda.send(new PublishVersionCommand({ FunctionName: name }));
  return { v1, v2 };
}

test('PublishVersion freezes code and configuration; unchanged functions are not republished', async (ctx) => {
  const { v1, v2 } = await twoVersions(ctx, 'pv');
  assert.is(v1.$metadata.httpStatusCode, 201);
  assert.is(v1.Version, '1');
  assert.is(v1.FunctionArn, `${ARN}:pv:1`);
  assert.is(v1.Description, 'first');
  assert.is(v1.State, 'Active');
  assert.is(v2.Version, '2');
  assert.is.not(v1.CodeSha256, v2.CodeSha256);
  const again = await ctx.lambda.send(new PublishVersionCommand({ FunctionName: 'pv' }));
  assert.is(again.Version, '2');

  const listed = await ctx.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'pv' }));
  assert.equal(
    listed.Versions?.map((v) => [v.Version, v.FunctionArn]),
    [
      ['$LATEST', `${ARN}:pv`],
      ['1', `${ARN}:pv:1`],
      ['2', `${ARN}:pv:2`],
    ],
  );

  for (const [qualifier, tag] of [
    ['1', 'v1'],
    ['2', 'v2'],
    ['$LATEST', 'v2'],
  ] as const) {
    const out = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'pv', Qualifier: qualifier }));
    assert.is(out.ExecutedVersion, qualifier);
    assert.equal(decode(out.Payload), { tag, version: qualifier, arn: `${ARN}:pv:${qualifier}` });
  }
  const all = await ctx.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
  assert.equal(
    all.Functions?.map((f) => f.Version),
    ['$LATEST', '1', '2'],
  );
  const paged = await ctx.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 2 }));
  const rest = await ctx.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: paged.NextMarker }));
  assert.equal(
    [...paged.Functions!, ...rest.Functions!].map((f) => f.Version),
    ['$LATEST', '1', '2'],
  );
  assert.equal(
    (await ctx.lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.Version),
    ['$LATEST'],
  );
  const byArn = await ctx.lambda.send(new InvokeCommand({ FunctionName: `${ARN}:pv:1` }));
  assert.is(decode(byArn.Payload).tag, 'v1');

  // GetFunction of a version hands out that version's package.
  const got1 = await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'pv', Qualifier: '1' }));
  const zip1 = Buffer.from(await (await fetch(got1.Code!.Location!)).arrayBuffer());
  assert.is(createHash('sha256').update(zip1).digest('base64'), v1.CodeSha256);
  const config = await ctx.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'pv', Qualifier: '1' }));
  assert.is(config.Version, '1');
  assert.is(config.CodeSha256, v1.CodeSha256);

  await rejectsWith(
    ctx.lambda.send(new PublishVersionCommand({ FunctionName: 'pv', CodeSha256: 'nope' })),
    'InvalidParameterValueException',
    `CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST (${v2.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'pv', Qualifier: '9' })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:pv:9`,
    404,
  );
});

test('CreateFunction with Publish answers version 1, Pending like its function until both are Active', async (ctx) => {
  const created = await ctx.lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'pub',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: code('p') },
      Publish: true,
    }),
  );
  assert.is(created.Version, '1');
  assert.is(created.FunctionArn, `${ARN}:pub:1`);
  assert.is(created.State, 'Pending');
  await ctx.clock.advance(1000);
  assert.is((await ctx.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'pub', Qualifier: '1' }))).State, 'Active');
  assert.is((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'pub', Qualifier: '1' }))).ExecutedVersion, '1');
});

test('aliases: create, get, update, list, delete; Invoke through an alias runs its version', async (ctx) => {
  await twoVersions(ctx, 'al');
  const created = await ctx.lambda.send(
    new CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1', Description: 'prod' }),
  );
  assert.is(created.$metadata.httpStatusCode, 201);
  assert.is(created.AliasArn, `${ARN}:al:live`);
  assert.is(created.FunctionVersion, '1');
  assert.type(created.RevisionId, 'string');

  const out = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'al', Qualifier: 'live' }));
  assert.is(out.ExecutedVersion, '1');
  assert.equal(decode(out.Payload), { tag: 'v1', version: '1', arn: `${ARN}:al:live` });
  const viaName = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'al:live' }));
  assert.is(viaName.ExecutedVersion, '1');

  const config = await ctx.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'al', Qualifier: 'live' }));
  assert.is(config.Version, '1');
  assert.is(config.FunctionArn, `${ARN}:al:live`);

  const updated = await ctx.lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '2' }));
  assert.is(updated.FunctionVersion, '2');
  assert.is(updated.Description, 'prod');
  assert.is((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'al', Qualifier: 'live' }))).ExecutedVersion, '2');
  assert.equal(
    await ctx.lambda.send(new GetAliasCommand({ FunctionName: 'al', Name: 'live' })).then((a) => a.RevisionId),
    updated.RevisionId,
  );

  await ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'canary', FunctionVersion: '$LATEST' }));
  const listed = await ctx.lambda.send(new ListAliasesCommand({ FunctionName: 'al' }));
  assert.equal(
    listed.Aliases?.map((a) => [a.Name, a.FunctionVersion]),
    [
      ['canary', '$LATEST'],
      ['live', '2'],
    ],
  );
  const only2 = await ctx.lambda.send(new ListAliasesCommand({ FunctionName: 'al', FunctionVersion: '2' }));
  assert.equal(
    only2.Aliases?.map((a) => a.Name),
    ['live'],
  );

  await rejectsWith(
    ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1' })),
    'ResourceConflictException',
    `Alias already exists: ${ARN}:al:live`,
    409,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'x', FunctionVersion: '7' })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:al:7`,
    404,
  );
  await rejectsWith(
    ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'al', Name: '12', FunctionVersion: '1' })),
    'ValidationException',
    "1 validation error detected: Value '12' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' })),
    'ResourceConflictException',
    'Unable to delete version because the following aliases reference it: [live]',
    409,
  );
  // An alias has a resource policy of its own, naming the alias ARN.
  const added = await ctx.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'al',
      Qualifier: 'live',
      StatementId: 'apigw',
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    }),
  );
  assert.is(JSON.parse(added.Statement!).Resource, `${ARN}:al:live`);
  const policy = JSON.parse((await ctx.lambda.send(new GetPolicyCommand({ FunctionName: 'al', Qualifier: 'live' }))).Policy!);
  assert.equal(
    policy.Statement.map((s: { Sid: string }) => s.Sid),
    ['apigw'],
  );
  await rejectsWith(
    ctx.lambda.send(new GetPolicyCommand({ FunctionName: 'al' })),
    'ResourceNotFoundException',
    'The resource you requested does not exist.',
    404,
  );
  await rejectsWith(
    ctx.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'al',
        Qualifier: 'gone',
        StatementId: 's',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
      }),
    ),
    'ResourceNotFoundException',
    `Cannot find alias arn: ${ARN}:al:gone`,
    404,
  );
  await ctx.lambda.send(new DeleteAliasCommand({ FunctionName: 'al', Name: 'live' }));
  await rejectsWith(
    ctx.lambda.send(new GetAliasCommand({ FunctionName: 'al', Name: 'live' })),
    'ResourceNotFoundException',
    `Cannot find alias arn: ${ARN}:al:live`,
    404,
  );
  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'al', Qualifier: 'live' })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:al:live`,
    404,
  );
  const deleted = await ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' }));
  assert.is(deleted.$metadata.httpStatusCode, 204);
  assert.equal(
    (await ctx.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'al' }))).Versions?.map((v) => v.Version),
    ['$LATEST', '1'],
  );
});

test('alias routing: AdditionalVersionWeights split invocations between two versions', async (ctx) => {
  await twoVersions(ctx, 'rt');
  const all2 = await ctx.lambda.send(
    new CreateAliasCommand({
      FunctionName: 'rt',
      Name: 'all2',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 1 } },
    }),
  );
  assert.equal(all2.RoutingConfig, { AdditionalVersionWeights: { '2': 1 } });
  await ctx.lambda.send(
    new CreateAliasCommand({
      FunctionName: 'rt',
      Name: 'none2',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0 } },
    }),
  );
  for (let i = 0; i < 5; i++) {
    assert.is((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'rt', Qualifier: 'all2' }))).ExecutedVersion, '2');
    assert.is((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'rt', Qualifier: 'none2' }))).ExecutedVersion, '1');
  }

  // A seeded draw makes a 30% canary repeatable: the same seed gives the same sequence.
  await ctx.lambda.send(
    new CreateAliasCommand({
      FunctionName: 'rt',
      Name: 'canary',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } },
    }),
  );
  const run = async () => {
    const seen: string[] = [];
    for (let i = 0; i < 40; i++)
      seen.push((await ctx.lambda.send(new InvokeCommand({ FunctionName: 'rt', Qualifier: 'canary' }))).ExecutedVersion!);
    return seen;
  };
  const routing = ctx.emu.api('lambda');
  routing.seedAliasRouting(7);
  const first = await run();
  routing.seedAliasRouting(7);
  const second = await run();
  routing.seedAliasRouting(undefined);
  assert.equal(first, second);
  const twos = first.filter((v) => v === '2').length;
  assert.ok(twos > 0 && twos < 40, `both versions serve (${twos} of 40 on version 2)`);

  await rejectsWith(
    ctx.lambda.send(
      new CreateAliasCommand({
        FunctionName: 'rt',
        Name: 'bad',
        FunctionVersion: '$LATEST',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      }),
    ),
    'InvalidParameterValueException',
    '$LATEST is not supported for an alias pointing to more than 1 version',
    400,
  );
  await rejectsWith(
    ctx.lambda.send(
      new UpdateAliasCommand({ FunctionName: 'rt', Name: 'canary', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }),
    ),
    'InvalidParameterValueException',
    'Invalid function version 1. Function version 1 is already included in routing configuration.',
    400,
  );
  const cleared = await ctx.lambda.send(
    new UpdateAliasCommand({ FunctionName: 'rt', Name: 'canary', RoutingConfig: { AdditionalVersionWeights: {} } }),
  );
  assert.is(cleared.RoutingConfig, undefined);
});

test('qualifiers: contradicting, invalid and $LATEST deletion answer 400 as AWS does', async (ctx) => {
  await twoVersions(ctx, 'q');
  const contradicts = 'The derived qualifier from the function name does not match the specified qualifier.';
  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'q:1', Qualifier: '2' })),
    'InvalidParameterValueException',
    contradicts,
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new GetFunctionCommand({ FunctionName: `${ARN}:q:1`, Qualifier: '$LATEST' })),
    'InvalidParameterValueException',
    contradicts,
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'q:1', Qualifier: '2' })),
    'InvalidParameterValueException',
    contradicts,
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'q', Qualifier: 'a.b' })),
    'ValidationException',
    "1 validation error detected: Value 'a.b' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)",
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'q', Qualifier: '$LATEST' })),
    'InvalidParameterValueException',
    '$LATEST version cannot be deleted without deleting the function.',
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'q', Qualifier: 'live' })),
    'InvalidParameterValueException',
    'Deletion of aliases is not currently supported.',
    400,
  );
  // The whole function goes with its versions.
  await ctx.lambda.send(new DeleteFunctionCommand({ FunctionName: 'q' }));
  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'q', Qualifier: '1' })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:q:1`,
    404,
  );
});

test.run();
