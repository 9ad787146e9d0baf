import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../helpers/engine.ts';
import { Children, Clients, exitOf, journalIn, leftovers, poll, serveReady, soleRunId } from './leftovers.ts';

/**
 * `kill -9` of a run on `engine serve --time-scale idle`, then `engine rollback`: the rollback
 * joins the emulator's shared clock too. Its compensations wait on AWS time (deleting the stream's
 * event source mapping waits until the emulator has removed it); on a clock of its own they would
 * poll forever, since the emulator's time only moves while someone takes part in it.
 */
const test = suite('e2e/rollback-shared-clock');
const children = new Children();
const TIMEOUT_MS = 60_000;

const WORKFLOW = `name: shared-clock-rollback
steps:
  - { id: primary, type: provisionRegion, params: { region: us-east-1, apiId: "12345", replicateTo: eu-central-1 } }
  # Real work, not a wait: on the idle-skipping clock a wait is over at once; a process holds time still.
  - { id: hold, type: exec, params: { argv: [sleep, "60"] } }
`;

test.after(async () => {
  await children.killAll();
});

test('a run killed on engine serve --time-scale idle, then engine rollback: it finishes, and nothing is left', async () => {
  const serve = children.engine(['serve', '--port', '0', '--dns-port', '0', '--time-scale', 'idle']);
  const { endpoint, dns } = await serveReady(serve);
  const clients = new Clients(endpoint);
  try {
    const dir = tmp('rollback-shared-');
    const file = join(dir, 'workflow.yaml');
    writeFileSync(file, WORKFLOW);
    const stateDir = join(dir, 'state');
    const run = children.engine(['run', file, '--endpoint', endpoint, '--dns', dns, '--state-dir', stateDir]);
    await poll(
      () => (journalIn(stateDir).some((e) => e.kind === 'step-intent' && e.stepId === 'hold') ? true : undefined),
      TIMEOUT_MS,
      'the run to start its command',
      () => run.output.stderr,
    );
    run.child.kill('SIGKILL');
    await exitOf(run, TIMEOUT_MS);
    const rollback = children.engine(['rollback', soleRunId(stateDir)!, '--state-dir', stateDir]);
    const exit = await exitOf(rollback, TIMEOUT_MS);
    assert.is(exit.code, 0, rollback.output.stderr.slice(-3000));
    const left = await leftovers(clients);
    assert.equal(left, [], `left behind:\n  ${left.join('\n  ')}`);
  } finally {
    clients.destroy();
  }
});

test.run();
