import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator, type Emulator } from '../../emulator/index.ts';

/** The AWS CLI v2 (/usr/bin/aws) against the emulator's Lambda: create-function from a file, invoke. */
const test = suite<{ emu: Emulator; dir: string }>('lambda via the AWS CLI');

const AWS = '/usr/bin/aws';

function aws(ctx: { emu: Emulator }, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      AWS,
      ['--endpoint-url', ctx.emu.endpoint, '--region', 'us-east-1', '--output', 'json', ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test.before(async (ctx) => {
  ctx.emu = await startEmulator({ timeScale: 100 });
  ctx.dir = await mkdtemp(join(tmpdir(), 'lambda-cli-test-'));
});

test.after(async (ctx) => {
  await ctx.emu.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

test('create-function --zip-file fileb:// and invoke --cli-binary-format raw-in-base64-out', async (ctx) => {
  if (!existsSync(AWS)) {
    console.log(`  (skipped: ${AWS} is not installed)`);
    return;
  }
  const zipPath = join(ctx.dir, 'function.zip');
  await writeFile(
    zipPath,
    zipSync({ 'index.js': strToU8("exports.handler = async (event) => { if (event.fail) throw new Error('asked to fail'); return { hello: event.name, region: process.env.AWS_REGION }; };") }),
  );
  const created = await aws(ctx, [
    'lambda', 'create-function',
    '--function-name', 'cli-fn',
    '--runtime', 'nodejs20.x',
    '--handler', 'index.handler',
    '--role', 'arn:aws:iam::000000000000:role/lambda-role',
    '--zip-file', `fileb://${zipPath}`,
  ]);
  assert.is(created.code, 0, created.stderr);
  const config = JSON.parse(created.stdout);
  assert.is(config.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:cli-fn');
  assert.is(config.State, 'Pending');

  const lambda = new LambdaClient({ endpoint: ctx.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  while ((await lambda.send(new GetFunctionCommand({ FunctionName: 'cli-fn' }))).Configuration?.State !== 'Active') {
    await new Promise((r) => setTimeout(r, 5));
  }
  lambda.destroy();

  const outFile = join(ctx.dir, 'out.json');
  const invoked = await aws(ctx, [
    'lambda', 'invoke',
    '--function-name', 'cli-fn',
    '--cli-binary-format', 'raw-in-base64-out',
    '--payload', '{"name":"cli"}',
    outFile,
  ]);
  assert.is(invoked.code, 0, invoked.stderr);
  assert.equal(JSON.parse(invoked.stdout), { StatusCode: 200, ExecutedVersion: '$LATEST' });
  assert.equal(JSON.parse(await readFile(outFile, 'utf8')), { hello: 'cli', region: 'us-east-1' });

  const failed = await aws(ctx, [
    'lambda', 'invoke', '--function-name', 'cli-fn', '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"fail":true}', outFile,
  ]);
  assert.is(failed.code, 0, failed.stderr);
  assert.equal(JSON.parse(failed.stdout), { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
  assert.is(JSON.parse(await readFile(outFile, 'utf8')).errorMessage, 'asked to fail');

  // The seed tutorial's mapping: no --region beyond the default, LATEST.
  const ddb = new DynamoDBClient({ endpoint: ctx.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const table = await ddb
    .send(
      new CreateTableCommand({
        TableName: 'Products',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    )
    .catch((err: Error) => err);
  ddb.destroy();
  if (table instanceof Error || !table.TableDescription?.LatestStreamArn) {
    console.log(`  (skipped create-event-source-mapping: no DynamoDB stream: ${table instanceof Error ? table.message : 'no LatestStreamArn'})`);
  } else {
    const streamArn = table.TableDescription.LatestStreamArn;
    const mapped = await aws(ctx, [
      'lambda', 'create-event-source-mapping', '--function-name', 'cli-fn', '--event-source-arn', streamArn, '--starting-position', 'LATEST',
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
    'An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
  );
});

test.run();
