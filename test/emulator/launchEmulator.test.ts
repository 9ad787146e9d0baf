import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeySigningKeyCommand, GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { ManualClock } from '../../emulator/clock.ts';
import { launchEmulator, type LoadedServices } from '../../emulator/index.ts';
import type { AwsError } from '../helpers/awsErrors.ts';
import { dynamodbClient, route53Client } from '../helpers/clients.ts';

/**
 * `engine serve`'s start (emulator/index.ts `launchEmulator`): the HTTP server answers before
 * the services' code is loaded. The health document says `available` until they run, then
 * `running`; a request that arrives in between waits and gets exactly the answer it gets later.
 * The services' loader is held back by the test, so "before" is certain, not a race.
 */

const test = suite('emulator/launchEmulator');

/** A ManualClock that reports each request the HTTP server starts on (`http METHOD URL`). */
class WatchedClock extends ManualClock {
  private readonly seen: string[] = [];
  private wake: () => void = () => {};

  override activity<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.seen.push(name);
    this.wake();
    return super.activity(name, fn);
  }

  /** Resolves once `count` requests whose activity name starts with `prefix` have arrived. */
  async arrived(prefix: string, count: number): Promise<void> {
    while (this.seen.filter((name) => name.startsWith(prefix)).length < count) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** A loader that imports the services only once `release()` is called. */
function heldLoader(): { load: () => Promise<LoadedServices>; release: () => void } {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const load = async () => {
    await released;
    return (await import('../../emulator/services.ts')).loadServices();
  };
  return { load, release };
}

async function health(launched: { endpoint: string }): Promise<{ services: Record<string, string>; dns: unknown }> {
  return (await (await fetch(`${launched.endpoint}/_localstack/health`)).json()) as { services: Record<string, string>; dns: unknown };
}

/** What an SDK call came back with, comparable across calls (the request id differs). */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    const output = (await call) as { $metadata?: unknown };
    return { output: { ...output, $metadata: undefined } };
  } catch (err) {
    const e = err as AwsError;
    return { error: e.name, status: e.$metadata.httpStatusCode, message: e.message };
  }
}

test('health lists every service as available while their code loads, then as running; DNS only once it listens', async () => {
  const loader = heldLoader();
  const launched = await launchEmulator({ clock: new ManualClock() }, loader.load);
  try {
    const before = await health(launched);
    assert.equal(before.services, {
      route53: 'available',
      fis: 'available',
      lambda: 'available',
      apigateway: 'available',
      dynamodb: 'available',
      dynamodbstreams: 'available',
    });
    loader.release();
    const after = await health(await launched.ready);
    assert.ok(
      Object.values(after.services).every((state) => state === 'running'),
      JSON.stringify(after.services),
    );
    assert.equal(Object.keys(after.services), Object.keys(before.services));
    assert.equal(after.dns, { host: '127.0.0.1', port: (await launched.ready).dns.port });
  } finally {
    loader.release();
    await (await launched.ready).stop();
  }
});

test('requests that arrive before the services are loaded get the answers they get once they run', async () => {
  const clock = new WatchedClock();
  const loader = heldLoader();
  const launched = await launchEmulator({ clock }, loader.load);
  const r53 = route53Client(launched.endpoint);
  const ddb = dynamodbClient(launched.endpoint);
  const calls = () => [
    outcome(r53.send(new GetHostedZoneCommand({ Id: 'Z0000000000NOPE' }))),
    outcome(
      r53.send(
        new CreateKeySigningKeyCommand({
          CallerReference: 'r',
          HostedZoneId: 'Z1',
          KeyManagementServiceArn: 'a',
          Name: 'k',
          Status: 'ACTIVE',
        }),
      ),
    ),
    outcome(ddb.send(new ListTablesCommand({}))),
  ];
  try {
    const early = Promise.all(calls());
    // All three are in the server, held by the gateway, before the services' code is loaded.
    await clock.arrived('http ', 3);
    for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(Object.values((await health(launched)).services)[0], 'available');
    loader.release();
    const first = await early;
    await launched.ready;
    assert.equal(first, await Promise.all(calls()));
    assert.equal(first[0], { error: 'NoSuchHostedZone', status: 404, message: 'No hosted zone found with ID: Z0000000000NOPE' });
    assert.equal((first[1] as { status: number }).status, 501);
    assert.equal(first[2], { output: { TableNames: [], $metadata: undefined } });
  } finally {
    loader.release();
    await (await launched.ready).stop();
    r53.destroy();
    ddb.destroy();
  }
});

test.run();
