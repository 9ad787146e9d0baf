import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { CreateRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { LOCK_ZONE } from '../../engine/locks.ts';
import { apigatewayClient, dynamodbClient, lambdaClient, route53Client } from '../helpers/clients.ts';
import { runCli, tmp } from '../helpers/engine.ts';

/**
 * Locks through `engine run` on an endpoint shared by several runs: a run that kept its
 * resources keeps its names until `engine destroy`; a second run claiming them is refused
 * naming it and starts nothing; and a rollback deletes only what its run recorded creating,
 * never a same-named resource made by someone else.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const test = suite('engine/runLocks');

let emu: Emulator;
test.before(async () => {
  emu = await startEmulator();
});
test.before.each(async () => emu.reset());
test.after(async () => emu.stop());

function runIds(stateDir: string): string[] {
  const runs = join(stateDir, 'runs');
  return existsSync(runs) ? readdirSync(runs) : [];
}

async function lockRecordCount(): Promise<number> {
  const r53 = route53Client(emu);
  const zones = await r53.send(new ListHostedZonesByNameCommand({ DNSName: LOCK_ZONE }));
  const zone = zones.HostedZones?.find((z) => z.Name === LOCK_ZONE);
  if (!zone) return 0;
  const sets = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }));
  return (sets.ResourceRecordSets ?? []).filter((s) => s.Type === 'TXT').length;
}

test('a run that kept its zone keeps its lock: the next run is refused naming it, until engine destroy', async () => {
  const dir = tmp('runlocks-');
  const stateDir = join(dir, 'state');
  const file = join(dir, 'keep.yaml');
  writeFileSync(file, 'name: keep\ncleanup: never\nsteps:\n  - { id: zone, type: createZone, params: { name: kept.test } }\n');
  const first = await runCli(['run', file, '--endpoint', emu.endpoint, '--state-dir', stateDir]);
  assert.is(first.code, 0, first.stderr);
  const [holder] = runIds(stateDir);
  assert.match(first.stderr, `locks kept: the run still holds 1 step(s)' resources (released by engine destroy ${holder})`);
  const second = await runCli(['run', file, '--endpoint', emu.endpoint, '--state-dir', stateDir]);
  assert.is(second.code, 2, second.stderr);
  assert.is(
    second.stderr,
    `engine: run refused: zone kept.test (step 'zone') is held by run ${holder} (pid ${process.pid} on host ${hostname()}): wait for it with --wait-lock, or settle it with engine rollback ${holder} (engine destroy if it passed and kept its resources)\n`,
  );
  assert.equal(runIds(stateDir), [holder], 'the refused run left no run folder');
  const destroy = await runCli(['destroy', holder!, '--state-dir', stateDir]);
  assert.is(destroy.code, 0, destroy.stderr);
  assert.match(destroy.stderr, 'locks released (1)');
  assert.is(await lockRecordCount(), 0);
  const third = await runCli(['run', file, '--endpoint', emu.endpoint, '--state-dir', stateDir, '--json']);
  assert.is(third.code, 0, third.stderr);
});

test('a failed, compensated run releases its locks at once', async () => {
  const dir = tmp('runlocks-');
  const file = join(dir, 'fails.yaml');
  writeFileSync(
    file,
    'name: fails\nsteps:\n  - { id: zone, type: createZone, params: { name: fails.test } }\n  - { id: boom, type: fail }\n',
  );
  for (let i = 0; i < 2; i++) {
    const run = await runCli(['run', file, '--endpoint', emu.endpoint, '--state-dir', join(dir, 'state')]);
    assert.is(run.code, 1, run.stderr);
    assert.not.match(run.stderr, 'locks kept');
  }
  assert.is(await lockRecordCount(), 0);
});

test('a rollback deletes only what its run created: a same-named stack and zone made out of band survive', async () => {
  const dir = tmp('runlocks-');
  const stateDir = join(dir, 'state');
  const file = join(dir, 'stack.yaml');
  writeFileSync(
    file,
    'name: stack\ncleanup: never\nsteps:\n  - { id: stack, type: provisionRegion, timeout: 2m, params: { region: us-east-1, apiId: "12345" } }\n  - { id: zone, type: createZone, params: { name: owned.test } }\n',
  );
  // Out of band, before the run: the stack's table and API (the tutorial's init script would make them).
  const dynamo = dynamodbClient(emu);
  const apigw = apigatewayClient(emu);
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'Products',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await apigw.send(new CreateRestApiCommand({ name: 'quote-api-gateway', tags: { _custom_id_: '12345' } }));
  const run = await runCli(['run', file, '--endpoint', emu.endpoint, '--state-dir', stateDir, '--json']);
  assert.is(run.code, 0, run.stderr);
  const [runId] = runIds(stateDir);
  // Out of band, after the run: a second zone of the same name.
  const r53 = route53Client(emu);
  const theirs = await r53.send(new CreateHostedZoneCommand({ Name: 'owned.test', CallerReference: 'out-of-band' }));
  const destroy = await runCli(['destroy', runId!, '--state-dir', stateDir]);
  assert.is(destroy.code, 0, destroy.stderr + destroy.stdout);
  const zones = await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'owned.test' }));
  assert.equal(
    zones.HostedZones?.filter((z) => z.Name === 'owned.test.').map((z) => z.Id),
    [theirs.HostedZone!.Id],
    'only the run’s own zone is gone',
  );
  assert.equal((await dynamo.send(new ListTablesCommand({}))).TableNames, ['Products'], 'the table made out of band stays');
  assert.equal(
    (await apigw.send(new GetRestApisCommand({}))).items?.map((a) => a.tags?._custom_id_),
    ['12345'],
    'the API made out of band stays',
  );
  assert.equal((await lambdaClient(emu).send(new ListFunctionsCommand({}))).Functions, [], 'the functions the run created are gone');
  assert.is(await lockRecordCount(), 0);
});

test('a rollback whose target is unreachable says so and leaves the run pending, its locks kept', async () => {
  const own = await startEmulator();
  const dir = tmp('runlocks-');
  const stateDir = join(dir, 'state');
  const file = join(dir, 'keep.yaml');
  writeFileSync(file, 'name: keep\ncleanup: never\nsteps:\n  - { id: zone, type: createZone, params: { name: away.test } }\n');
  const run = await runCli(['run', file, '--endpoint', own.endpoint, '--state-dir', stateDir]);
  assert.is(run.code, 0, run.stderr);
  const [runId] = runIds(stateDir);
  await own.stop();
  const destroy = await runCli(['destroy', runId!, '--state-dir', stateDir]);
  assert.is(destroy.code, 3, destroy.stderr + destroy.stdout);
  assert.match(destroy.stderr, `engine: cannot reach the endpoint ${own.endpoint}: connection refused`);
  assert.match(destroy.stderr, `nothing was compensated and run ${runId} stays pending`);
  const runs = await runCli(['runs', '--json', '--state-dir', stateDir]);
  const [summary] = JSON.parse(runs.stdout) as Array<{ status: string; held: string[] }>;
  assert.equal(summary!.held, ['zone'], 'still held: the zone was never deleted');
  assert.is(summary!.status, 'passed');
});

test.run();
