import { CreateTableCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventSourceMappingCommand, GetEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { dynamodbClient, lambdaClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { createNodeFunction } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/**
 * The event source mapping's poller on the idle-skipping clock: an idle stream is not read four
 * times a second (the poller parks after an empty poll and a write wakes it), and a write is
 * still delivered at the first poll time after it, so replication takes the modelled lag plus
 * at most one poll interval and the invoke overheads, as a reader that never parked would see.
 */
const lines: string[] = [];
const test = emulatorSuite<{ lambda: LambdaClient; east: DynamoDBClient; west: DynamoDBClient }>('stream poller on the idle clock', {
  emulator: { timeScale: 'idle', seed: 11, log: (line) => lines.push(line) },
  reset: false,
});

const REPLICATE = lambdaZip(`const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ region: 'eu-central-1' });
  exports.handler = async (event) => {
    for (const record of event.Records) await client.send(new PutItemCommand({ TableName: 'Products', Item: record.dynamodb.NewImage }));
  };`);

const getRecordsCalls = () => lines.filter((line) => line.startsWith('dynamodbstreams GetRecords')).length;

test.before(async (ctx) => {
  ctx.lambda = lambdaClient(ctx.emu, 'us-east-1');
  ctx.east = dynamodbClient(ctx.emu, 'us-east-1');
  ctx.west = dynamodbClient(ctx.emu, 'eu-central-1');
  const clock = ctx.emu.clock;
  await clock.activity('setup', async () => {
    const made = await ctx.east.send(new CreateTableCommand(productsTable('Products', { onDemand: true, stream: 'NEW_IMAGE' })));
    await ctx.west.send(new CreateTableCommand(productsTable('Products', { onDemand: true })));
    await createNodeFunction(ctx.lambda, { FunctionName: 'replicate', Code: { ZipFile: REPLICATE } });
    const { UUID } = await ctx.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'replicate',
        EventSourceArn: made.TableDescription!.LatestStreamArn!,
        StartingPosition: 'LATEST',
      }),
    );
    while ((await ctx.lambda.send(new GetEventSourceMappingCommand({ UUID }))).State !== 'Enabled') await clock.sleep(100);
  });
});

test.after((ctx) => {
  for (const client of [ctx.lambda, ctx.east, ctx.west]) client.destroy();
});

test('an idle stream is not polled while nothing is written', async (ctx) => {
  await ctx.emu.clock.activity('idle', () => ctx.emu.clock.sleep(60_000));
  const before = getRecordsCalls();
  await ctx.emu.clock.activity('idle', () => ctx.emu.clock.sleep(60_000));
  // A reader polling every 250 ms would have made 240 calls in these 60 s.
  assert.is(getRecordsCalls() - before, 0);
});

test('a write wakes the poller: replication takes the modelled lag plus at most one poll', async (ctx) => {
  const clock = ctx.emu.clock;
  const { replicationLag, streamPollInterval, invokeOverhead } = ctx.emu.model;
  for (const id of ['a', 'b', 'c']) {
    const took = await clock.activity('write', async () => {
      await ctx.east.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: id } } }));
      const written = clock.now();
      while (!(await ctx.west.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: id } } }))).Item) await clock.sleep(10);
      return clock.now() - written;
    });
    assert.ok(took >= replicationLag, `item ${id} replicated in ${took} ms, less than the modelled lag ${replicationLag} ms`);
    assert.ok(
      took <= replicationLag + streamPollInterval + invokeOverhead + 10,
      `item ${id} replicated in ${took} ms: more than lag ${replicationLag} + one poll ${streamPollInterval} + invoke ${invokeOverhead} + one read`,
    );
    await clock.activity('idle', () => clock.sleep(5_000 + 37 * id.charCodeAt(0)));
  }
});

test.run();
