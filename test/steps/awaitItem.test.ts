import * as assert from 'uvu/assert';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../engine/clock.ts';
import { StepTimeoutError } from '../../engine/errors.ts';
import type { Target } from '../../engine/types.ts';
import awaitItem from '../../steps/awaitItem.ts';
import { ExpectationFailedError } from '../../steps/support/errors.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/awaitItem');
test.before.each(async (ctx) => {
  await ctx.target.client(DynamoDBClient, 'eu-central-1').send(new CreateTableCommand(productsTable()));
});

const put = (target: Target, id: string) =>
  target
    .client(DynamoDBClient, 'eu-central-1')
    .send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: id }, price: { N: '29.99' } } }));

test('returns the item at once when it is there (plain-string key)', async ({ target }) => {
  await put(target, 'prod-1088');
  const out = await runStep(awaitItem, { region: 'eu-central-1', table: 'Products', key: { id: 'prod-1088' } }, stepContext(target));
  assert.equal(out.item, { id: 'prod-1088', price: 29.99 }, 'plain values');
  assert.equal(out.dynamodbItem, { id: { S: 'prod-1088' }, price: { N: '29.99' } }, 'DynamoDB JSON beside them');
  assert.is(out.polls, 1);
});

test('match: waits until the item has the given attribute values (an update replicated); since gives sinceMs', async ({ target }) => {
  await put(target, 'prod-1088');
  const clock = new ManualClock(10_000);
  const pending = runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Products', key: { id: 'prod-1088' }, match: { price: 30.5 }, since: 9_000, pollInterval: '1s' },
    stepContext(target, { clock }),
  );
  await clock.nextSleep();
  await target
    .client(DynamoDBClient, 'eu-central-1')
    .send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: 'prod-1088' }, price: { N: '30.5' } } }));
  await clock.advance(1000);
  const out = await pending;
  assert.equal(out.item, { id: 'prod-1088', price: 30.5 });
  assert.is(out.polls, 2);
  assert.is(out.sinceMs, 2000);
});

test('absent: waits until the item is gone; the expiry message names what was still there', async ({ target }) => {
  await put(target, 'prod-1088');
  const clock = new ManualClock(0);
  const pending = runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Products', key: { id: 'prod-1088' }, absent: true, maxWait: '2s', pollInterval: '1s' },
    stepContext(target, { clock }),
  );
  void pending.catch(() => undefined); // it rejects during the last advance
  for (let i = 0; i < 2; i++) {
    await clock.nextSleep();
    await clock.advance(1000);
  }
  try {
    await pending;
    assert.unreachable('should give up');
  } catch (error) {
    assert.is(
      (error as Error).message,
      'Products in eu-central-1: still item {"id":"prod-1088","price":29.99}; expected no item {"id":"prod-1088"} after 3 polls in 2s of AWS time',
    );
  }
  const gone = await runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Products', key: { id: 'other' }, absent: true },
    stepContext(target),
  );
  assert.is(gone.item, undefined);
  assert.is(gone.polls, 1);
});

test('polls on the engine clock until the item appears (DynamoDB JSON key)', async ({ target }) => {
  const clock = new ManualClock();
  const pending = runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Products', key: { id: { S: 'prod-1088' } }, pollInterval: '1s' },
    stepContext(target, { clock }),
  );
  await clock.nextSleep();
  await clock.advance(1000);
  await clock.nextSleep();
  await put(target, 'prod-1088');
  await clock.advance(1000);
  const out = await pending;
  assert.is(out.polls, 3);
  assert.is(out.elapsedMs, 2000);
});

test('a missing table counts as "not yet"; the timeout names what was seen', async ({ target }) => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const pending = runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Nope', key: { id: 'x' } },
    stepContext(target, { clock, signal: controller.signal }),
  );
  await clock.nextSleep();
  controller.abort(new StepTimeoutError('awaitReplica', 100));
  try {
    await pending;
    assert.unreachable('should time out');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is((error as ExpectationFailedError).code, 'E_TIMEOUT');
    assert.is(
      (error as Error).message,
      'Nope in eu-central-1 still had no item {"id":"x"} after 1 reads in 0ms (last: table Nope not found)',
    );
  }
});

test('without a timeout the step gives up after maxWait of AWS time, naming the key and what it saw', async ({ target }) => {
  const clock = new ManualClock(0);
  let settled = false;
  const pending = runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Nope', key: { id: 'x' }, pollInterval: '1m' },
    stepContext(target, { clock }),
  );
  void pending.catch(() => undefined).finally(() => (settled = true));
  while (!settled) {
    await Promise.race([clock.nextSleep(), pending.catch(() => undefined)]);
    if (!settled) await clock.advance(60_000);
  }
  try {
    await pending;
    assert.unreachable('should give up');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is((error as ExpectationFailedError).code, 'E_AWAIT_EXPIRED');
    assert.is(
      (error as Error).message,
      'Nope in eu-central-1: still table Nope not found; expected an item {"id":"x"} after 6 polls in 300s of AWS time',
    );
  }
});

testStep(test, awaitItem, {
  valid: [
    { region: 'r', table: 'Products', key: { id: 'a' } },
    { region: 'r', table: 'Products', key: { id: { S: 'a' } }, pollInterval: '1s' },
    { region: 'r', table: 'Products', key: { id: 'a' }, match: { price: '2.00', tags: ['x'] }, absent: true, since: 0, maxWait: '10m' },
  ],
  invalid: [
    { params: { region: 'r', table: 'Products' }, errors: ["/: must have required property 'key'"] },
    {
      params: { region: 'r', table: 'Products', key: { id: 5 } },
      errors: ['/key/id: must be string', '/key/id: must be object', '/key/id: must match exactly one schema in oneOf'],
    },
    { params: { region: 'r', table: 'Products', key: {} }, errors: ['/key: must NOT have fewer than 1 properties'] },
    { params: { region: 'r', table: 'Products', key: { id: 'a' }, absent: 'yes' }, errors: ['/absent: must be boolean'] },
  ],
  runThenRollback: { noRollback: 'it only reads the table' },
});

test.run();
