import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../engine/clock.ts';
import { NonRetryableError } from '../../engine/errors.ts';
import exec from '../../steps/exec.ts';
import { ExpectationFailedError } from '../../steps/support/errors.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = suite<{ dir: string }>('steps/exec', { dir: '' });
test.before.each((ctx) => void (ctx.dir = mkdtempSync(join(tmpdir(), 'exec-'))));
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

test('runs an argv list without a shell: nothing is expanded; cwd is relative to the workflow folder', async ({ dir }) => {
  const out = await runStep(
    exec,
    { argv: ['sh', '-c', 'echo "$0 $GREETING"; pwd', '$HOME'], env: { GREETING: 'hello' }, cwd: '.' },
    stepContext(noTarget, { workflowDir: dir }),
  );
  assert.equal(out, { exitCode: 0, stdout: `$HOME hello\n${dir}\n`, stderr: '', truncated: false });
});

test('shell: true runs the joined line through /bin/sh', async ({ dir }) => {
  const out = await runStep(exec, { argv: ['echo', 'a', '|', 'tr', 'a', 'b'], shell: true }, stepContext(noTarget, { workflowDir: dir }));
  assert.is(out.stdout, 'b\n');
});

test('an unexpected exit code fails with a retryable error holding the output; expectExitCodes widens it', async ({ dir }) => {
  const ctx = stepContext(noTarget, { workflowDir: dir });
  const error = await failure(runStep(exec, { argv: ['sh', '-c', 'echo broken >&2; exit 3'] }, ctx));
  assert.instance(error, ExpectationFailedError);
  assert.is(error.message, 'sh -c echo broken >&2; exit 3 exited 3 (expected 0): broken');
  assert.is((await runStep(exec, { argv: ['sh', '-c', 'exit 3'], expectExitCodes: [0, 3] }, ctx)).exitCode, 3);
});

test('output is bounded by maxOutputBytes', async ({ dir }) => {
  const out = await runStep(
    exec,
    { argv: ['sh', '-c', 'printf 0123456789'], maxOutputBytes: 4 },
    stepContext(noTarget, { workflowDir: dir }),
  );
  assert.is(out.stdout, '0123');
  assert.ok(out.truncated);
});

test('the timeout runs on the engine clock and kills the command', async ({ dir }) => {
  const clock = new ManualClock();
  const running = runStep(exec, { argv: ['sleep', '30'], timeout: '5s' }, stepContext(noTarget, { workflowDir: dir, clock }));
  // Handled from the start: the kill's exit may arrive while the clock advances.
  const failed = failure(running);
  await clock.nextSleep();
  assert.equal(clock.pending(), [5000]);
  await clock.advance(5000);
  const error = await failed;
  assert.is((error as ExpectationFailedError).code, 'E_EXEC_TIMEOUT');
  assert.is(error.message, 'sleep 30 was killed by its timeout');
});

test('a command that cannot start fails for good', async ({ dir }) => {
  const error = await failure(runStep(exec, { argv: ['no-such-command-xyz'] }, stepContext(noTarget, { workflowDir: dir })));
  assert.instance(error, NonRetryableError);
  assert.match(error.message, 'exec: cannot start no-such-command-xyz');
});

test('a failing undo fails the rollback; without undo the rollback does nothing', async ({ dir }) => {
  const ctx = stepContext(noTarget, { workflowDir: dir });
  writeFileSync(join(dir, 'kept.txt'), 'x');
  await rollbackStep(exec, { argv: ['true'] }, ctx, undefined);
  assert.ok(existsSync(join(dir, 'kept.txt')));
  const error = await failure(rollbackStep(exec, { argv: ['true'], undo: ['sh', '-c', 'exit 1'] }, ctx, undefined));
  assert.is(error.message, 'sh -c exit 1 exited 1 (expected 0)');
});

testStep(test, exec, {
  valid: [
    { argv: ['kubectl', 'get', 'pods'] },
    {
      argv: ['echo $HOME'],
      shell: true,
      env: { A: 'b' },
      cwd: 'scripts',
      timeout: '30s',
      expectExitCodes: [0, 1],
      maxOutputBytes: 10,
      undo: ['true'],
    },
  ],
  invalid: [
    { params: {}, errors: ["/: must have required property 'argv'"] },
    { params: { argv: [] }, errors: ['/argv: must NOT have fewer than 1 items'] },
    { params: { argv: ['ls'], command: 'ls' }, errors: ['/: must NOT have additional properties'] },
    { params: { argv: ['ls'], expectExitCodes: [256] }, errors: ['/expectExitCodes/0: must be <= 255'] },
  ],
  runThenRollback: {
    params: { argv: ['sh', '-c', 'echo made > made.txt'], undo: ['rm', '-f', 'made.txt'] },
    context: ({ dir }) => ({ workflowDir: dir }),
    leftovers: async ({ dir }) => (existsSync(join(dir, 'made.txt')) ? ['made.txt'] : []),
  },
});

test.run();
