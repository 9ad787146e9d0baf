import {
  CreateTableCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  PublishVersionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { rejectsWith } from '../helpers/awsErrors.ts';
import { dynamodbClient, lambdaClient, perRegion } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { createNodeFunction, waitUntilActive } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/** DynamoDB stream → Lambda event source mappings: control plane and the poller, end to end. */
const test = emulatorSuite<{ lambda: LambdaClient; ddb: Record<string, DynamoDBClient>; streamArn?: string }>(
  'lambda event source mappings',
  { emulator: { timeScale: 50 }, reset: false },
);

const FAKE_STREAM = 'arn:aws:dynamodb:us-east-1:000000000000:table/Nope/stream/2024-01-01T00:00:00.000';

/** Copies INSERT and MODIFY images to TABLE_NAME in TARGET_REGION; REMOVE is not replicated. */
const REPLICATE = lambdaZip(`const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
  exports.handler = async (event) => {
    const client = new DynamoDBClient({ region: process.env.TARGET_REGION });
    for (const record of event.Records) {
      if (record.eventSourceARN !== process.env.EXPECTED_SOURCE) throw new Error('bad eventSourceARN ' + record.eventSourceARN);
      if (typeof record.dynamodb.ApproximateCreationDateTime !== 'number') throw new Error('ApproximateCreationDateTime not in seconds');
      if (record.eventName === 'INSERT' || record.eventName === 'MODIFY') {
        await client.send(new PutItemCommand({ TableName: 'Products', Item: record.dynamodb.NewImage }));
      }
    }
    return 'Successfully processed ' + event.Records.length + ' records.';
  };`);

/**
 * Polls until `probe` returns a value. Deliveries cross real sandbox processes, so this waits
 * in real time; the limit only stops a broken emulator from hanging the suite (a cold sandbox
 * on a loaded CI machine can take seconds), it is not a speed requirement.
 */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const item = (id: string, name: string) => ({ id: { S: id }, name: { S: name } });

test.before(async (ctx) => {
  ctx.lambda = lambdaClient(ctx.emu);
  ctx.ddb = perRegion(dynamodbClient, ctx.emu, ['us-east-1', 'eu-central-1']);
  // The emulator's own DynamoDB: a failure here fails the suite (it is never skipped).
  const created = await ctx.ddb['us-east-1']!.send(
    new CreateTableCommand(productsTable('Products', { onDemand: true, stream: 'NEW_AND_OLD_IMAGES' })),
  );
  ctx.streamArn = created.TableDescription?.LatestStreamArn;
  await ctx.ddb['eu-central-1']!.send(new CreateTableCommand(productsTable('Products', { onDemand: true })));
  assert.ok(ctx.streamArn, 'CreateTable with a stream returns its LatestStreamArn');
  await createNodeFunction(ctx.lambda, {
    FunctionName: 'dynamodb-streams-to-lambda',
    Code: { ZipFile: REPLICATE },
    Environment: { Variables: { TARGET_REGION: 'eu-central-1', EXPECTED_SOURCE: ctx.streamArn! } },
  });
  await waitUntilActive(ctx.lambda, 'dynamodb-streams-to-lambda', 30_000);
});

test.after((ctx) => {
  ctx.lambda.destroy();
  for (const client of Object.values(ctx.ddb)) client.destroy();
});

test('CreateEventSourceMapping validates like AWS', async (ctx) => {
  await rejectsWith(
    ctx.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'dynamodb-streams-to-lambda', EventSourceArn: FAKE_STREAM })),
    'InvalidParameterValueException',
    "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
  );
  await rejectsWith(
    ctx.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'dynamodb-streams-to-lambda',
        EventSourceArn: FAKE_STREAM,
        StartingPosition: 'LATEST',
      }),
    ),
    'InvalidParameterValueException',
    `Stream not found: ${FAKE_STREAM}`,
  );
  await rejectsWith(
    ctx.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'nope', EventSourceArn: ctx.streamArn, StartingPosition: 'LATEST' }),
    ),
    'ResourceNotFoundException',
    'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
  );
  // A mapping on an alias keeps the alias: batches follow its version (and routing).
  await rejectsWith(
    ctx.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'dynamodb-streams-to-lambda:live',
        EventSourceArn: ctx.streamArn,
        StartingPosition: 'LATEST',
      }),
    ),
    'ResourceNotFoundException',
    'Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:dynamodb-streams-to-lambda:live',
  );
  await ctx.lambda.send(new PublishVersionCommand({ FunctionName: 'dynamodb-streams-to-lambda' }));
  await ctx.lambda.send(new CreateAliasCommand({ FunctionName: 'dynamodb-streams-to-lambda', Name: 'live', FunctionVersion: '1' }));
  const onAlias = await ctx.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: 'dynamodb-streams-to-lambda:live',
      EventSourceArn: ctx.streamArn,
      StartingPosition: 'LATEST',
      Enabled: false,
    }),
  );
  assert.is(onAlias.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:dynamodb-streams-to-lambda:live');
  await ctx.lambda.send(new DeleteEventSourceMappingCommand({ UUID: onAlias.UUID }));
  await rejectsWith(
    ctx.lambda.send(new GetEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' })),
    'ResourceNotFoundException',
    'The resource you requested does not exist.',
  );
});

test('the poller replicates INSERT and MODIFY from us-east-1 to eu-central-1, retries failures, stops on delete', async (ctx) => {
  const [us, eu] = [ctx.ddb['us-east-1']!, ctx.ddb['eu-central-1']!];
  const created = await ctx.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: 'dynamodb-streams-to-lambda',
      EventSourceArn: ctx.streamArn,
      StartingPosition: 'LATEST',
    }),
  );
  assert.is(created.$metadata.httpStatusCode, 202);
  assert.is(created.State, 'Creating');
  assert.is(created.BatchSize, 100);
  assert.is(created.StartingPosition, 'LATEST');
  assert.is(created.StateTransitionReason, 'User action');
  assert.is(created.LastProcessingResult, 'No records processed');
  assert.is(created.MaximumRetryAttempts, -1);
  assert.is(created.MaximumRecordAgeInSeconds, -1);
  assert.is(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:dynamodb-streams-to-lambda');
  assert.is(created.EventSourceArn, ctx.streamArn);
  assert.is(created.EventSourceMappingArn, `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`);
  assert.instance(created.LastModified, Date);
  await rejectsWith(
    ctx.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'dynamodb-streams-to-lambda',
        EventSourceArn: ctx.streamArn,
        StartingPosition: 'LATEST',
      }),
    ),
    'ResourceConflictException',
    `The event source arn (" ${ctx.streamArn} ") and function (" dynamodb-streams-to-lambda ") provided mapping already exists. ` +
      `Please update or delete the existing mapping with UUID ${created.UUID}`,
  );

  // Written right after CreateEventSourceMapping returned: LATEST starts before it.
  await us.send(new PutItemCommand({ TableName: 'Products', Item: item('1', 'first') }));
  await eventually('Enabled', async () =>
    (await ctx.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).State === 'Enabled' ? true : undefined,
  );
  await us.send(
    new UpdateItemCommand({
      TableName: 'Products',
      Key: { id: { S: '1' } },
      UpdateExpression: 'SET #n = :n',
      ExpressionAttributeNames: { '#n': 'name' },
      ExpressionAttributeValues: { ':n': { S: 'renamed' } },
    }),
  );
  await us.send(new PutItemCommand({ TableName: 'Products', Item: item('2', 'second') }));
  await eventually('replicated items', async () => {
    const one = (await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: '1' } } }))).Item;
    const two = (await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: '2' } } }))).Item;
    return one?.name?.S === 'renamed' && two?.name?.S === 'second' ? true : undefined;
  });
  assert.is((await ctx.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).LastProcessingResult, 'OK');

  // REMOVE is not replicated by this function.
  await us.send(new DeleteItemCommand({ TableName: 'Products', Key: { id: { S: '2' } } }));
  await us.send(new PutItemCommand({ TableName: 'Products', Item: item('marker', 'after-delete') }));
  await eventually('the marker', async () =>
    (await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'marker' } } }))).Item ? true : undefined,
  );
  assert.ok((await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: '2' } } }))).Item, 'item 2 still in eu-central-1');

  // While Lambda fails in us-east-1 the batch is retried, not skipped.
  ctx.emu.faults.add({
    service: 'lambda',
    operation: 'Invoke',
    region: 'us-east-1',
    percentage: 100,
    effect: { kind: 'error', status: 500, code: 'InternalServerError', message: 'Internal Server Error' },
    owner: 'esm-test',
  });
  await us.send(new PutItemCommand({ TableName: 'Products', Item: item('3', 'during-fault') }));
  await eventually('a failed delivery', async () =>
    (await ctx.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).LastProcessingResult ===
    'PROBLEM: Function call failed'
      ? true
      : undefined,
  );
  await new Promise((r) => setTimeout(r, 150)); // several polls (1 s emulated = 20 ms)
  assert.is((await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: '3' } } }))).Item, undefined);
  ctx.emu.faults.removeOwner('esm-test');
  await eventually('item 3 after the fault', async () =>
    (await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: '3' } } }))).Item ? true : undefined,
  );

  const listed = await ctx.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'dynamodb-streams-to-lambda' }));
  assert.equal(
    listed.EventSourceMappings?.map((m) => m.UUID),
    [created.UUID],
  );
  const byArn = await ctx.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: FAKE_STREAM }));
  assert.equal(byArn.EventSourceMappings, []);

  const deleted = await ctx.lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  assert.is(deleted.$metadata.httpStatusCode, 202);
  assert.is(deleted.State, 'Deleting');
  await us.send(new PutItemCommand({ TableName: 'Products', Item: item('4', 'after-mapping-deleted') }));
  await eventually('the mapping to disappear', async () => {
    try {
      await ctx.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
      return undefined;
    } catch (err) {
      return (err as Error).name === 'ResourceNotFoundException' ? true : undefined;
    }
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.is((await eu.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: '4' } } }))).Item, undefined);
  const scanned = await eu.send(new ScanCommand({ TableName: 'Products' }));
  assert.equal(scanned.Items?.map((i) => i.id?.S).sort(), ['1', '2', '3', 'marker']);
});

test.run();
