import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, ListTablesCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
} from '@aws-sdk/client-route-53';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { sweepRun } from '../../engine/sweep.ts';
import { idempotencyToken } from '../../steps/support/callerReference.ts';
import { apigatewayClient, dynamodbClient, route53Client } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorTarget, stepContext } from '../helpers/emulatorTarget.ts';
import { runCli, tmp } from '../helpers/engine.ts';
import { soleRunId } from '../e2e/leftovers.ts';

/**
 * The sweep by tag (engine/sweep.ts) through the real SDK against the emulator: it removes what
 * carries the run's tag or caller-reference prefix and nothing else (another run's, untagged,
 * the old key of another run), and a resource it cannot delete makes `engine rollback` exit 3
 * with one line naming it.
 */
const test = suite('engine/sweep');

let emu: Emulator;
const dirs: string[] = [];

test.before(async () => {
  emu = await startEmulator({ timeScale: 20 });
});

test.after(async () => {
  await emu?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('the sweep removes what carries the run’s mark, and only that', async () => {
  const dynamo = dynamodbClient(emu);
  const euApis = apigatewayClient(emu, 'eu-central-1');
  const route53 = route53Client(emu);
  const tag = (runId: string) => [{ Key: 'failover-engine:run', Value: runId }];
  await dynamo.send(new CreateTableCommand({ ...productsTable('Mine'), Tags: tag('run-a') }));
  await dynamo.send(new CreateTableCommand({ ...productsTable('MineOldKey'), Tags: [{ Key: 'failover-engine:run-id', Value: 'run-a' }] }));
  await dynamo.send(new CreateTableCommand({ ...productsTable('Theirs'), Tags: tag('run-b') }));
  await dynamo.send(new CreateTableCommand(productsTable('Untagged')));
  await euApis.send(new CreateRestApiCommand({ name: 'mine', tags: { 'failover-engine:run': 'run-a' } }));
  await euApis.send(new CreateRestApiCommand({ name: 'theirs', tags: { 'failover-engine:run': 'run-b' } }));
  const check = { Type: 'TCP' as const, IPAddress: '127.0.0.1', Port: 9 };
  await route53.send(
    new CreateHealthCheckCommand({ CallerReference: idempotencyToken({ runId: 'run-a', stepId: 'hc' }), HealthCheckConfig: check }),
  );
  await route53.send(
    new CreateHealthCheckCommand({ CallerReference: idempotencyToken({ runId: 'run-b', stepId: 'hc' }), HealthCheckConfig: check }),
  );
  await route53.send(new CreateHealthCheckCommand({ CallerReference: 'foobar', HealthCheckConfig: check }));
  await route53.send(
    new CreateHostedZoneCommand({ Name: 'mine.test', CallerReference: idempotencyToken({ runId: 'run-a', stepId: 'zone' }) }),
  );
  await route53.send(new CreateHostedZoneCommand({ Name: 'theirs.test', CallerReference: 'theirs' }));

  const target = emulatorTarget(emu, 'endpoint');
  const result = await sweepRun({ ...stepContext(target, { runId: 'run-a' }), regions: ['eu-central-1'] });
  assert.equal(result.failed, []);
  assert.equal(result.swept.length, 5, result.swept.join('\n'));
  assert.equal((await dynamo.send(new ListTablesCommand({}))).TableNames, ['Theirs', 'Untagged']);
  assert.equal(
    ((await euApis.send(new GetRestApisCommand({}))).items ?? []).map((api) => api.name),
    ['theirs'],
  );
  const references = ((await route53.send(new ListHealthChecksCommand({}))).HealthChecks ?? []).map((c) => c.CallerReference).sort();
  assert.equal(references, ['foobar', idempotencyToken({ runId: 'run-b', stepId: 'hc' })].sort());
  const zones = ((await route53.send(new ListHostedZonesCommand({}))).HostedZones ?? []).map((z) => z.Name);
  assert.not.ok(zones.includes('mine.test.'), 'the run’s zone is gone');
  assert.ok(zones.includes('theirs.test.'), 'the other zone stays');
  for (const client of [dynamo, euApis, route53]) client.destroy();
});

test('a resource the sweep cannot delete: engine rollback exits 3 with one line naming it; once deletable, the next rollback sweeps it', async () => {
  const dir = tmp('sweep-');
  dirs.push(dir);
  const workflow = join(dir, 'zone.yaml');
  writeFileSync(
    workflow,
    `name: zone-kept
cleanup: never
steps:
  - { id: zone, type: createZone, params: { name: kept.test } }
  - { id: stop, type: fail, params: { nonRetryable: true } }
`,
  );
  const stateDir = join(dir, 'state');
  const run = await runCli(['run', workflow, '--endpoint', emu.endpoint, '--state-dir', stateDir]);
  assert.is(run.code, 1, run.stderr);
  const runId = soleRunId(stateDir)!;
  // A table of this run that the journal does not know, protected against deletion.
  const dynamo = dynamodbClient(emu);
  await dynamo.send(
    new CreateTableCommand({
      ...productsTable('Protected'),
      DeletionProtectionEnabled: true,
      Tags: [{ Key: 'failover-engine:run', Value: runId }],
    }),
  );
  const refused = await runCli(['rollback', runId, '--state-dir', stateDir]);
  assert.is(refused.code, 3, refused.stdout + refused.stderr);
  const line = refused.stdout.trim().split('\n').at(-1) ?? '';
  assert.match(line, /could not sweep 1: DynamoDB table Protected \(us-east-1\): .*protected against deletion/);
  await dynamo.send(new UpdateTableCommand({ TableName: 'Protected', DeletionProtectionEnabled: false }));
  const again = await runCli(['rollback', runId, '--state-dir', stateDir]);
  assert.is(again.code, 0, again.stdout + again.stderr);
  assert.match(
    again.stdout,
    /swept 1 resource\(s\) tagged failover-engine:run=\S+ that the journal did not account for: DynamoDB table Protected \(us-east-1\)/,
  );
  assert.not.ok((await dynamo.send(new ListTablesCommand({}))).TableNames?.includes('Protected'), 'the protected table is gone');
  dynamo.destroy();
});

test.run();
