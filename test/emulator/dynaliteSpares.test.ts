import * as assert from 'uvu/assert';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../emulator/clock.ts';
import { dynamodbClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * Spare dynalite workers (`DynamoDbApi.warm`, which the engine's embedded target asks for): each
 * loads dynalite before any region needs it and becomes the next region's. What a spare must get
 * right is the region dynalite writes into its ARNs, which it reads only when it is created.
 */

const test = emulatorSuite('emulator/dynaliteSpares', { emulator: { clock: new ManualClock() } });

test('the next regions take the spares, and their tables carry their own region in every ARN', async ({ emu }) => {
  const dynamodb = emu.api('dynamodb');
  dynamodb.warm(2);
  assert.is(dynamodb.spares(), 2);
  // eu-central-1 first: a spare left on dynalite's default region would say us-east-1.
  for (const [region, sparesLeft] of [
    ['eu-central-1', 1],
    ['ap-southeast-2', 0],
    ['us-west-2', 0], // no spare left: a worker of its own, as without warm()
  ] as const) {
    const client = dynamodbClient(emu, region);
    const created = await client.send(new CreateTableCommand(productsTable('Products', { onDemand: true, stream: 'NEW_IMAGE' })));
    assert.is(dynamodb.spares(), sparesLeft, region);
    assert.is(created.TableDescription?.TableArn, `arn:aws:dynamodb:${region}:000000000000:table/Products`);
    assert.match(
      created.TableDescription?.LatestStreamArn ?? '',
      new RegExp(`^arn:aws:dynamodb:${region}:000000000000:table/Products/stream/`),
    );
    await client.send(new PutItemCommand({ TableName: 'Products', Item: { id: { S: region } } }));
    const got = await client.send(new GetItemCommand({ TableName: 'Products', Key: { id: { S: region } } }));
    assert.equal(got.Item, { id: { S: region } });
  }
});

test('a reset ends unused spares with the regions; warm() again starts new ones', async ({ emu }) => {
  const dynamodb = emu.api('dynamodb');
  dynamodb.warm(1);
  assert.is(dynamodb.spares(), 1);
  await emu.reset();
  assert.is(dynamodb.spares(), 0);
  dynamodb.warm(1);
  const client = dynamodbClient(emu, 'eu-west-1');
  const created = await client.send(new CreateTableCommand(productsTable('Products', { onDemand: true })));
  assert.is(created.TableDescription?.TableArn, 'arn:aws:dynamodb:eu-west-1:000000000000:table/Products');
  assert.is(dynamodb.spares(), 0);
});

test.run();
