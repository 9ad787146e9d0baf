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
import { paramErrors } from '../helpers/validateParams.ts';

const test = emulatorSuite('steps/awaitItem');
test.before.each(async (ctx) => {
  await ctx.target.client(DynamoDBClient, 'eu-central-1').send(new CreateTableCommand(productsTable()));
});

const put = (target: Target, id: string) =>
  target.client(DynamoDBClient, 'eu-central-1').send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: id }, price: { N: '29.99' } } }));

test('returns the item at once when it is there (plain-string key)', async ({ target }) => {
  await put(target, 'prod-1088');
  const out = await awaitItem.run({ region: 'eu-central-1', table: 'Products', key: { id: 'prod-1088' } }, stepContext(target));
  assert.equal(out.item, { id: { S: 'prod-1088' }, price: { N: '29.99' } });
  assert.is(out.polls, 1);
});

test('polls on the engine clock until the item appears (DynamoDB JSON key)', async ({ target }) => {
  const clock = new ManualClock();
  const pending = awaitItem.run(
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
  const pending = awaitItem.run({ region: 'eu-central-1', table: 'Nope', key: { id: 'x' } }, stepContext(target, { clock, signal: controller.signal }));
  await clock.nextSleep();
  controller.abort(new StepTimeoutError('awaitReplica', 100));
  try {
    await pending;
    assert.unreachable('should time out');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is((error as ExpectationFailedError).code, 'E_TIMEOUT');
    assert.is((error as Error).message, 'Nope in eu-central-1 still had no item {"id":"x"} after 1 reads in 0ms (last: table Nope not found)');
  }
});

test('params: region, table and key required; key values strings or typed values', () => {
  assert.equal(paramErrors(awaitItem, { region: 'r', table: 'Products', key: { id: 'a' } }), []);
  assert.equal(paramErrors(awaitItem, { region: 'r', table: 'Products', key: { id: { S: 'a' } } }), []);
  assert.equal(paramErrors(awaitItem, { region: 'r', table: 'Products' }), ["/: must have required property 'key'"]);
  assert.ok(paramErrors(awaitItem, { region: 'r', table: 'Products', key: { id: 5 } }).includes('/key/id: must match exactly one schema in oneOf'));
  assert.equal(paramErrors(awaitItem, { region: 'r', table: 'Products', key: {} }), ['/key: must NOT have fewer than 1 properties']);
});

test.run();
