import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as dynamodbStreams from '@aws-sdk/client-dynamodb-streams';
import * as fis from '@aws-sdk/client-fis';
import * as route53 from '@aws-sdk/client-route-53';
import * as assert from 'uvu/assert';
import { dynamodbClient, dynamodbStreamsClient, fisClient, route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { operationNames, walkOne, type WalkResult } from '../helpers/operationWalk.ts';

/**
 * Every operation of DynamoDB, DynamoDB Streams, Route 53 and FIS, as their SDK clients list
 * them, sent with minimal input: each one works, answers a modelled 4xx, or answers 501 naming
 * itself; never 404/405/500 or a 501 about something else.
 */
const test = emulatorSuite('emulator/operation walk', { reset: false });

async function walk(sdk: Record<string, unknown>, client: { send(c: never): Promise<unknown>; destroy(): void }): Promise<WalkResult[]> {
  const results: WalkResult[] = [];
  try {
    for (const operation of operationNames(sdk)) results.push(await walkOne(sdk, client, operation));
  } finally {
    client.destroy();
  }
  return results;
}

function check(service: string, results: WalkResult[], minimum: number): void {
  const wrong = results.filter((r) => r.outcome === 'wrong').map((r) => `${r.operation}: ${r.detail}`);
  assert.equal(wrong, [], `${service}: operations answered neither as AWS nor 501`);
  assert.ok(results.length >= minimum, `${service}: only ${results.length} operations walked`);
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  console.log(
    `  ${service}: ${results.length} operations, ${count('ok')} ok, ${count('modelled')} modelled 4xx, ${count('notImplemented')} 501`,
  );
}

test('DynamoDB: every operation works, answers a modelled error, or 501 naming it', async ({ emu }) => {
  check('dynamodb', await walk(dynamodb, dynamodbClient(emu)), 60);
});

test('DynamoDB Streams: every operation works, answers a modelled error, or 501 naming it', async ({ emu }) => {
  check('dynamodbstreams', await walk(dynamodbStreams, dynamodbStreamsClient(emu)), 4);
});

test('Route 53: every operation works, answers a modelled error, or 501 naming it', async ({ emu }) => {
  check('route53', await walk(route53, route53Client(emu)), 70);
});

test('FIS: every operation works, answers a modelled error, or 501 naming it', async ({ emu }) => {
  check('fis', await walk(fis, fisClient(emu)), 24);
});

test.run();
