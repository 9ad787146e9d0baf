import {
  CreateFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionEventInvokeConfigsCommand,
  ListTagsCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** Tags, event invoke configs, and AWS's exact validation answers, through the real SDK client. */
const clock = new ManualClock();
const test = emulatorSuite<{ clock: ManualClock; lambda: LambdaClient }>('lambda fidelity', { emulator: { clock }, context: { clock } });

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const ZIP = lambdaZip('exports.handler = async () => 1;');
const NAMESPACED =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
const PLAIN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';

test.before((ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
});
test.after((ctx) => {
  ctx.lambda.destroy();
});

async function createFn(ctx: { lambda: LambdaClient; clock: ManualClock }, name: string, tags?: Record<string, string>) {
  await ctx.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: ZIP },
      Tags: tags,
    }),
  );
  await ctx.clock.advance(1000);
}

test('TagResource, UntagResource, ListTags on a function ARN', async (ctx) => {
  await createFn(ctx, 'tagged', { team: 'a' });
  await ctx.lambda.send(new TagResourceCommand({ Resource: `${ARN}:tagged`, Tags: { env: 'drill', team: 'b' } }));
  assert.equal((await ctx.lambda.send(new ListTagsCommand({ Resource: `${ARN}:tagged` }))).Tags, { team: 'b', env: 'drill' });
  await ctx.lambda.send(new UntagResourceCommand({ Resource: `${ARN}:tagged`, TagKeys: ['team'] }));
  assert.equal((await ctx.lambda.send(new ListTagsCommand({ Resource: `${ARN}:tagged` }))).Tags, { env: 'drill' });
  assert.equal((await ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags, { env: 'drill' });

  await rejectsWith(
    ctx.lambda.send(new TagResourceCommand({ Resource: `${ARN}:tagged:1`, Tags: { a: 'b' } })),
    'InvalidParameterValueException',
    'Tags on function aliases and versions are not supported. Please specify a function ARN.',
    400,
  );
  await rejectsWith(
    ctx.lambda.send(new ListTagsCommand({ Resource: `${ARN}:ghost` })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:ghost`,
    404,
  );
});

test('event invoke configs: put, update merges, get, list, delete', async (ctx) => {
  await createFn(ctx, 'async');
  const put = await ctx.lambda.send(
    new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600 }),
  );
  assert.is(put.FunctionArn, `${ARN}:async:$LATEST`);
  assert.is(put.MaximumRetryAttempts, 1);
  assert.instance(put.LastModified, Date);
  const updated = await ctx.lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'async', MaximumRetryAttempts: 0 }));
  assert.is(updated.MaximumRetryAttempts, 0);
  assert.is(updated.MaximumEventAgeInSeconds, 600);
  const got = await ctx.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'async' }));
  assert.is(got.MaximumEventAgeInSeconds, 600);
  const listed = await ctx.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'async' }));
  assert.equal(
    listed.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn),
    [`${ARN}:async:$LATEST`],
  );
  await rejectsWith(
    ctx.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async', MaximumRetryAttempts: 3 })),
    'ValidationException',
    "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
    400,
  );
  await ctx.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'async' }));
  await rejectsWith(
    ctx.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'async' })),
    'ResourceNotFoundException',
    `The function ${ARN}:async:$LATEST doesn't have an EventInvokeConfig`,
    404,
  );
});

test("name patterns are AWS's current ones: '.' in names where AWS allows it, $LATEST.PUBLISHED", async (ctx) => {
  await rejectsWith(
    ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'bad name!' })),
    'ValidationException',
    `1 validation error detected: Value 'bad name!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAMESPACED}`,
    400,
  );
  await rejectsWith(
    ctx.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'a.b',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::000000000000:role/r',
        Code: { ZipFile: ZIP },
      }),
    ),
    'ValidationException',
    `1 validation error detected: Value 'a.b' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PLAIN}`,
    400,
  );
  // Readers take dotted names and `$LATEST.PUBLISHED`: the answer is a plain 404, not a validation error.
  await rejectsWith(
    ctx.lambda.send(new GetFunctionCommand({ FunctionName: 'a.b' })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:a.b`,
    404,
  );
  await rejectsWith(
    ctx.lambda.send(new InvokeCommand({ FunctionName: 'nope:$LATEST.PUBLISHED' })),
    'ResourceNotFoundException',
    `Function not found: ${ARN}:nope:$LATEST.PUBLISHED`,
    404,
  );
});

test('code uploads over 70,167,211 bytes answer 413 RequestEntityTooLargeException', async (ctx) => {
  const huge = new Uint8Array(52_700_000); // 70,266,668 bytes once base64-encoded in the JSON body
  await rejectsWith(
    ctx.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'huge',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::000000000000:role/r',
        Code: { ZipFile: huge },
      }),
    ),
    'RequestEntityTooLargeException',
    'Request must be smaller than 70167211 bytes for the CreateFunction operation',
    413,
  );
  await createFn(ctx, 'small');
  await rejectsWith(
    ctx.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'small', ZipFile: huge })),
    'RequestEntityTooLargeException',
    'Request must be smaller than 70167211 bytes for the UpdateFunctionCode operation',
    413,
  );
  // The function is untouched and can still be published.
  assert.is((await ctx.lambda.send(new PublishVersionCommand({ FunctionName: 'small' }))).Version, '1');
});

test.run();
