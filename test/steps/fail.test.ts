import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NonRetryableError } from '../../engine/errors.ts';
import fail from '../../steps/fail.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = suite('steps/fail');

testStep(test, fail, {
  valid: [{}, { message: 'boom', errorType: 'Throttling', times: 2, hang: false, nonRetryable: true, rollbackError: 'x' }],
  invalid: [
    { params: { times: -1 }, errors: ['/times: must be >= 0'] },
    { params: { hang: 'yes' }, errors: ['/hang: must be boolean'] },
    { params: { nope: 1 }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: { params: { times: 0 }, leftovers: { none: 'fail changes nothing; its rollback only fails on request' } },
});

async function error(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

test('fails with the given type and message; `times` lets later attempts succeed', async () => {
  const e = await error(runStep(fail, { message: 'boom', errorType: 'Throttling' }, stepContext(noTarget)));
  assert.is(e.name, 'Throttling');
  assert.is(e.message, 'boom');
  assert.ok((await error(runStep(fail, { times: 2 }, stepContext(noTarget, { attempt: 2 })))) instanceof Error);
  assert.equal(await runStep(fail, { times: 2 }, stepContext(noTarget, { attempt: 3 })), { attempt: 3 });
  assert.ok((await error(runStep(fail, { nonRetryable: true }, stepContext(noTarget)))) instanceof NonRetryableError);
});

test('hang waits until aborted', async () => {
  const controller = new AbortController();
  const running = runStep(fail, { hang: true }, stepContext(noTarget, { signal: controller.signal }));
  let settled = false;
  void running.catch(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.not.ok(settled, 'still hanging');
  controller.abort(new Error('aborted by timeout'));
  assert.is((await error(running)).message, 'aborted by timeout');
});

test('the engine hands run the schema defaults', async () => {
  const e = await error(runStep(fail, {}, stepContext(noTarget)));
  assert.is(e.name, 'DrillError');
  assert.is(e.message, 'failed on purpose');
});

test('compensation succeeds, or fails with rollbackError', async () => {
  await rollbackStep(fail, {}, stepContext(noTarget), undefined);
  const e = await error(rollbackStep(fail, { rollbackError: 'cannot undo' }, stepContext(noTarget), undefined));
  assert.is(e.message, 'cannot undo');
  assert.is(e.name, 'DrillRollbackError');
});

test.run();
