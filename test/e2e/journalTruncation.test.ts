import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScaledClock } from '../../emulator/clock.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import provisionRegion from '../../steps/provisionRegion.ts';
import { emulatorTarget, stepContext } from '../helpers/emulatorTarget.ts';
import { runCli, tmp } from '../helpers/engine.ts';
import { runStep } from '../helpers/testStep.ts';
import { Clients, leftovers, soleRunId } from './leftovers.ts';

/**
 * Issue 14, Must show: the journal of a real run, truncated at every record boundary, then
 * `engine rollback`, leaves nothing in either region. The run provisions both regions and
 * stops with everything kept (`cleanup: never`); before each truncated rollback the same run's
 * steps provision the stack again (same run id, so the same tags), since the previous
 * rollback removed it. What the truncated journal no longer shows, the sweep by tag finds. An
 * empty journal (boundary 0) is refused as untrusted (test/engine/journalDamage.test.ts) and
 * touches nothing.
 */
const test = suite('e2e/journalTruncation');

/** The emulator's speed (AWS seconds per wall second): the stack's waits are AWS-time waits. */
const TIME_SCALE = 20;

const WORKFLOW = `name: provision-kept
description: Both regions' stacks, kept (the run stops after provisioning).
cleanup: never
steps:
  - id: provision
    parallel:
      standbyRegion:
        - { id: standby, type: provisionRegion, params: { region: eu-central-1, apiId: "67890" } }
      primaryRegion:
        - { id: primary, type: provisionRegion, params: { region: us-east-1, apiId: "12345", replicateTo: eu-central-1 } }
  - { id: stop, type: fail, params: { message: "stop here, keeping the stacks", nonRetryable: true } }
`;

let emu: Emulator;
let clients: Clients;
let dir: string;

test.before(async () => {
  emu = await startEmulator({ timeScale: TIME_SCALE });
  clients = new Clients(emu.endpoint);
  dir = tmp('journal-truncation-');
});

test.after(async () => {
  clients?.destroy();
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The run's stack again, by the run's own steps under its id (what the previous rollback removed). */
async function provisionAgain(runId: string): Promise<void> {
  const target = emulatorTarget(emu, 'endpoint');
  const clock = createScaledClock(TIME_SCALE);
  await Promise.all([
    runStep(
      provisionRegion,
      { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' },
      stepContext(target, { runId, stepId: 'primary', clock }),
    ),
    runStep(provisionRegion, { region: 'eu-central-1', apiId: '67890' }, stepContext(target, { runId, stepId: 'standby', clock })),
  ]);
}

test('a real run’s journal truncated at every record boundary, then engine rollback: nothing is left', async () => {
  const workflowFile = join(dir, 'provision-kept.yaml');
  writeFileSync(workflowFile, WORKFLOW);
  const runState = join(dir, 'run');
  const run = await runCli(['run', workflowFile, '--endpoint', emu.endpoint, '--state-dir', runState]);
  assert.is(run.code, 1, `the run stops at its fail step:\n${run.stderr}`);
  const runId = soleRunId(runState)!;
  const lines = readFileSync(join(runState, 'runs', runId, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
  assert.ok(lines.length > 8, `a real journal (${lines.length} records)`);
  const stack = await leftovers(clients);
  assert.ok(stack.length >= 10, `the run kept its stack:\n  ${stack.join('\n  ')}`);

  for (let boundary = 0; boundary <= lines.length; boundary++) {
    if ((await leftovers(clients)).length === 0) await provisionAgain(runId);
    const stateDir = join(dir, `cut-${boundary}`);
    mkdirSync(join(stateDir, 'runs', runId), { recursive: true });
    writeFileSync(
      join(stateDir, 'runs', runId, 'journal.jsonl'),
      lines
        .slice(0, boundary)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const rollback = await runCli(['rollback', runId, '--state-dir', stateDir, '--endpoint', emu.endpoint]);
    const said = `${rollback.stdout}${rollback.stderr}`;
    if (boundary === 0) {
      assert.is(rollback.code, 3, `an empty journal is refused:\n${said}`);
      assert.match(said, /cannot be trusted/);
      assert.equal(await leftovers(clients), stack, 'a refused rollback touches nothing');
      continue;
    }
    assert.is(rollback.code, 0, `journal cut after ${boundary} of ${lines.length} records: exit ${rollback.code}:\n${said}`);
    const left = await leftovers(clients);
    assert.equal(left, [], `journal cut after ${boundary} of ${lines.length} records: left\n  ${left.join('\n  ')}\n${said}`);
  }
});

test.run();
