import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { awsCli, cliTest, type AwsCliResult } from '../helpers/awsCli.ts';
import { dynamodbClient, lambdaClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';
import { waitUntilActive } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** The AWS CLI v2 (/usr/bin/aws) against the emulator's Lambda: create-function from a file, invoke. */
const test = emulatorSuite<{ dir: string }>('lambda via the AWS CLI', { emulator: { timeScale: 100 }, reset: false });

const aws = (ctx: EmulatorContext, args: string[]): Promise<AwsCliResult> => awsCli(ctx.emu.endpoint, args);

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'lambda-cli-test-'));
});

test.after(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

cliTest(test)('create-function --zip-file fileb:// and invoke --cli-binary-format raw-in-base64-out', async (ctx) => {
  const zipPath = join(ctx.dir, 'function.zip');
  await writeFile(
    zipPath,
    lambdaZip(
      "exports.handler = async (event) => { if (event.fail) throw new Error('asked to fail'); return { hello: event.name, region: process.env.AWS_REGION }; };",
    ),
  );
  const created = await aws(ctx, [
    'lambda',
    'create-function',
    '--function-name',
    'cli-fn',
    '--runtime',
    'nodejs20.x',
    '--handler',
    'index.handler',
    '--role',
    'arn:aws:iam::000000000000:role/lambda-role',
    '--zip-file',
    `fileb://${zipPath}`,
  ]);
  assert.is(created.code, 0, created.stderr);
  const config = JSON.parse(created.stdout);
  assert.is(config.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:cli-fn');
  assert.is(config.State, 'Pending');

  const lambda = lambdaClient(ctx.emu);
  await waitUntilActive(lambda, 'cli-fn');
  lambda.destroy();

  const outFile = join(ctx.dir, 'out.json');
  const invoked = await aws(ctx, [
    'lambda',
    'invoke',
    '--function-name',
    'cli-fn',
    '--cli-binary-format',
    'raw-in-base64-out',
    '--payload',
    '{"name":"cli"}',
    outFile,
  ]);
  assert.is(invoked.code, 0, invoked.stderr);
  assert.equal(JSON.parse(invoked.stdout), { StatusCode: 200, ExecutedVersion: '$LATEST' });
  assert.equal(JSON.parse(await readFile(outFile, 'utf8')), { hello: 'cli', region: 'us-east-1' });

  const failed = await aws(ctx, [
    'lambda',
    'invoke',
    '--function-name',
    'cli-fn',
    '--cli-binary-format',
    'raw-in-base64-out',
    '--payload',
    '{"fail":true}',
    outFile,
  ]);
  assert.is(failed.code, 0, failed.stderr);
  assert.equal(JSON.parse(failed.stdout), { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
  assert.is(JSON.parse(await readFile(outFile, 'utf8')).errorMessage, 'asked to fail');

  // The seed tutorial's mapping: no --region beyond the default, LATEST.
  const ddb = dynamodbClient(ctx.emu);
  const table = await ddb
    .send(new CreateTableCommand(productsTable('Products', { onDemand: true, stream: 'NEW_AND_OLD_IMAGES' })))
    .catch((err: Error) => err);
  ddb.destroy();
  if (table instanceof Error || !table.TableDescription?.LatestStreamArn) {
    console.log(
      `  (skipped create-event-source-mapping: no DynamoDB stream: ${table instanceof Error ? table.message : 'no LatestStreamArn'})`,
    );
  } else {
    const streamArn = table.TableDescription.LatestStreamArn;
    const mapped = await aws(ctx, [
      'lambda',
      'create-event-source-mapping',
      '--function-name',
      'cli-fn',
      '--event-source-arn',
      streamArn,
      '--starting-position',
      'LATEST',
    ]);
    assert.is(mapped.code, 0, mapped.stderr);
    const mapping = JSON.parse(mapped.stdout);
    assert.is(mapping.State, 'Creating');
    assert.is(mapping.EventSourceArn, streamArn);
    assert.is(mapping.BatchSize, 100);
    assert.type(mapping.LastModified, 'string');
  }

  const missing = await aws(ctx, ['lambda', 'invoke', '--function-name', 'nope', outFile]);
  assert.is(missing.code, 254);
  assert.match(
    missing.stderr,
    'An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:$LATEST',
  );
});

cliTest(test)('traffic shifting from the CLI: publish-version, create-alias --routing-config, invoke --qualifier', async (ctx) => {
  const zipPath = join(ctx.dir, 'shift.zip');
  await writeFile(zipPath, lambdaZip('exports.handler = async () => process.env.AWS_LAMBDA_FUNCTION_VERSION;'));
  const created = await aws(ctx, [
    'lambda',
    'create-function',
    '--function-name',
    'shift',
    '--runtime',
    'nodejs20.x',
    '--handler',
    'index.handler',
    '--role',
    'arn:aws:iam::000000000000:role/lambda-role',
    '--zip-file',
    `fileb://${zipPath}`,
  ]);
  assert.is(created.code, 0, created.stderr);
  const lambda = lambdaClient(ctx.emu);
  await waitUntilActive(lambda, 'shift');
  lambda.destroy();

  const v1 = await aws(ctx, ['lambda', 'publish-version', '--function-name', 'shift']);
  assert.is(v1.code, 0, v1.stderr);
  assert.is(JSON.parse(v1.stdout).Version, '1');
  const desc = await aws(ctx, ['lambda', 'update-function-configuration', '--function-name', 'shift', '--description', 'second']);
  assert.is(desc.code, 0, desc.stderr);
  const v2 = await aws(ctx, ['lambda', 'publish-version', '--function-name', 'shift']);
  assert.is(JSON.parse(v2.stdout).Version, '2');

  // The CLI's shorthand for the routing map.
  const alias = await aws(ctx, [
    'lambda',
    'create-alias',
    '--function-name',
    'shift',
    '--name',
    'live',
    '--function-version',
    '1',
    '--routing-config',
    'AdditionalVersionWeights={2=1.0}',
  ]);
  assert.is(alias.code, 0, alias.stderr);
  assert.equal(JSON.parse(alias.stdout).RoutingConfig, { AdditionalVersionWeights: { '2': 1 } });
  const outFile = join(ctx.dir, 'shift.json');
  const invoked = await aws(ctx, ['lambda', 'invoke', '--function-name', 'shift', '--qualifier', 'live', outFile]);
  assert.is(invoked.code, 0, invoked.stderr);
  assert.equal(JSON.parse(invoked.stdout), { StatusCode: 200, ExecutedVersion: '2' });
  assert.is(JSON.parse(await readFile(outFile, 'utf8')), '2');

  const latest = await aws(ctx, ['lambda', 'delete-function', '--function-name', 'shift', '--qualifier', '$LATEST']);
  assert.is(latest.code, 254);
  assert.match(
    latest.stderr,
    'An error occurred (InvalidParameterValueException) when calling the DeleteFunction operation: $LATEST version cannot be deleted without deleting the function.',
  );
});

test.run();
