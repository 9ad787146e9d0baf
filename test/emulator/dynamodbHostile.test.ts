import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { CreateTableCommand, GetItemCommand, ListTablesCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../emulator/clock.ts';
import { dynamodbClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';

/**
 * Hostile DynamoDB requests (docs/fidelity/dynamodb.md, "How dynalite runs"): each gets an
 * AWS-shaped error or is dropped, and the emulator keeps serving with its data intact. The last
 * tests go around the gateway, straight at a region's dynalite, to show that even what would crash
 * dynalite in-process stays inside its worker.
 */

const test = emulatorSuite('emulator/dynamodbHostile', { emulator: { clock: new ManualClock() } });
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

async function post(url: string, target: string, body: string | Buffer, auth = AUTH) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization: auth,
      'x-amz-date': '20260101T000000Z',
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as { __type?: string; message?: string }) : {} };
}

/** Sends headers and half a body on a raw socket, then vanishes. */
function abortMidBody(port: number, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: ${target}\r\n` +
          `authorization: ${AUTH}\r\nx-amz-date: 20260101T000000Z\r\ncontent-length: 100000\r\n\r\n{"TableName":"Products","Item":{"id":{"S":"`,
      );
      setTimeout(() => {
        socket.destroy();
        setTimeout(resolve, 50);
      }, 20);
    });
    socket.on('error', reject);
  });
}

async function seed(ctx: EmulatorContext): Promise<void> {
  const client = dynamodbClient(ctx.emu);
  await client.send(new CreateTableCommand(productsTable('Products', { onDemand: true, stream: 'NEW_AND_OLD_IMAGES' })));
  await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'survivor' } } }));
}

async function stillServing(ctx: EmulatorContext): Promise<void> {
  const got = await dynamodbClient(ctx.emu).send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'survivor' } } }));
  assert.equal(got.Item, { id: { S: 'survivor' } });
  await dynamodbClient(ctx.emu).send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'after' } } }));
}

const nested = (levels: number) => '{"M":{"a":'.repeat(levels) + '{"S":"x"}' + '}}'.repeat(levels);

test.before.each(async (ctx) => {
  await seed(ctx);
});

test('10,000 levels of nesting: SerializationException from the gateway, dynalite never sees it', async (ctx) => {
  const r = await post(
    ctx.emu.endpoint,
    'DynamoDB_20120810.PutItem',
    `{"TableName":"Products","Item":{"id":{"S":"deep"},"v":${nested(10_000)}}}`,
  );
  assert.is(r.status, 400);
  assert.equal(r.json, { __type: 'com.amazon.coral.service#SerializationException', message: 'Request body nesting exceeds 64 levels' });
  await stillServing(ctx);
});

test('nesting within the bound reaches dynalite and is stored', async (ctx) => {
  let value: AttributeValue = { S: 'x' };
  for (let i = 0; i < 25; i++) value = { M: { a: value } };
  await dynamodbClient(ctx.emu).send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'nested' }, v: value } }));
  const got = await dynamodbClient(ctx.emu).send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: 'nested' } } }));
  assert.equal(got.Item?.v, value);
});

test('garbage JSON and a non-object body: SerializationException', async (ctx) => {
  const garbage = await post(ctx.emu.endpoint, 'DynamoDB_20120810.GetItem', '{"TableName": "Products", ');
  assert.is(garbage.status, 400);
  // AWS's (and dynalite's) answer to a body it cannot read: the Coral type, no message.
  assert.equal(garbage.json, { __type: 'com.amazon.coral.service#SerializationException' });
  const array = await post(ctx.emu.endpoint, 'DynamoDB_20120810.GetItem', '[1,2,3]');
  assert.equal(array.json, { __type: 'com.amazon.coral.service#SerializationException' });
  await stillServing(ctx);
});

test('SSESpecification or WarmThroughput that is not an object: SerializationException, and no table', async (ctx) => {
  const table = (extra: string) =>
    `{"TableName":"Typed","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],` +
    `"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",${extra}}`;
  const cases: Array<[string, string]> = [
    ['"SSESpecification":"yes"', 'Unexpected field type'],
    ['"WarmThroughput":12', 'Unexpected field type'],
    ['"WarmThroughput":[1]', 'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.WarmThroughput'],
    ['"SSESpecification":{"Enabled":"maybe"}', 'Unexpected token received from parser'],
  ];
  for (const [member, message] of cases) {
    const r = await post(ctx.emu.endpoint, 'DynamoDB_20120810.CreateTable', table(member));
    assert.is(r.status, 400, member);
    assert.equal(r.json, { __type: 'com.amazon.coral.service#SerializationException', Message: message }, member);
  }
  const tables = await dynamodbClient(ctx.emu).send(new ListTablesCommand({}));
  assert.not.ok(tables.TableNames?.includes('Typed'), 'no table was created');
  await stillServing(ctx);
});

test('a PutItem without Item on a streamed table asking ALL_NEW: the ValidationException dynalite gives, not a 500', async (ctx) => {
  const r = await post(ctx.emu.endpoint, 'DynamoDB_20120810.PutItem', '{"TableName":"Products","ReturnValues":"ALL_NEW"}');
  assert.is(r.status, 400);
  assert.equal(r.json, {
    __type: 'com.amazon.coral.validate#ValidationException',
    message: "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
  });
  await stillServing(ctx);
});

test("oversized: a 17 MB request is refused with 413, an item over 400 KB with dynalite's ValidationException", async (ctx) => {
  const big = await post(
    ctx.emu.endpoint,
    'DynamoDB_20120810.PutItem',
    JSON.stringify({ TableName: 'Products', Item: { id: { S: 'big' }, v: { S: 'x'.repeat(17 * 1024 * 1024) } } }),
  );
  assert.is(big.status, 413);
  assert.equal(big.json, {
    __type: 'com.amazonaws.dynamodb.v20120810#RequestEntityTooLargeException',
    message: 'Request body exceeds 16777216 bytes',
  });
  const err = await dynamodbClient(ctx.emu)
    .send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'big' }, v: { S: 'x'.repeat(500 * 1024) } } }))
    .catch((e: Error) => e);
  assert.is((err as Error).name, 'ValidationException');
  assert.is((err as Error).message, 'Item size has exceeded the maximum allowed size');
  await stillServing(ctx);
});

test('a client aborting mid-body is dropped and the emulator keeps serving', async (ctx) => {
  for (let i = 0; i < 5; i++) await abortMidBody(ctx.emu.port, 'DynamoDB_20120810.PutItem');
  await stillServing(ctx);
});

test('a region that is not one gets InvalidSignatureException and no dynalite', async (ctx) => {
  const r = await post(ctx.emu.endpoint, 'DynamoDB_20120810.ListTables', '{}', AUTH.replace('us-east-1', 'mars-north-99x'));
  assert.is(r.status, 400);
  assert.equal(r.json, {
    __type: 'com.amazon.coral.service#InvalidSignatureException',
    message: "Credential should be scoped to a valid region, not 'mars-north-99x'. ",
  });
});

test('straight at dynalite: a stack overflow and a mid-body abort stay inside its worker; tables survive', async (ctx) => {
  const dynalite = await ctx.emu.api('dynamodb').dynaliteEndpoint('us-east-1');
  // In-process, this overflows dynalite's stack in an event handler and ends the process.
  const deep = await post(
    dynalite,
    'DynamoDB_20120810.PutItem',
    `{"TableName":"Products","Item":{"id":{"S":"deep"},"v":${nested(20_000)}}}`,
  );
  assert.is(deep.status, 500);
  assert.equal(deep.json, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
  // In-process, dynalite's `req.on('error', err => { throw err })` ends the process here.
  await abortMidBody(Number(new URL(dynalite).port), 'DynamoDB_20120810.PutItem');
  await stillServing(ctx);
  assert.equal((await dynamodbClient(ctx.emu).send(new ListTablesCommand({}))).TableNames, ['Products']);
});

test.run();
