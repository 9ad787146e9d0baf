import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NonRetryableError } from '../../engine/errors.ts';
import fail from '../../steps/fail.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { paramErrors } from '../helpers/validateParams.ts';

const test = suite('steps/fail');

async function error(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

test('fails with the given type and message; `times` lets later attempts succeed', async () => {
  const e = await error(fail.run({ message: 'boom', errorType: 'Throttling' }, stepContext(noTarget)));
  assert.is(e.name, 'Throttling');
  assert.is(e.message, 'boom');
  assert.ok((await error(fail.run({ times: 2 }, stepContext(noTarget, { attempt: 2 })))) instanceof Error);
  assert.equal(await fail.run({ times: 2 }, stepContext(noTarget, { attempt: 3 })), { attempt: 3 });
  assert.ok((await error(fail.run({ nonRetryable: true }, stepContext(noTarget)))) instanceof NonRetryableError);
});

test('hang waits until aborted', async () => {
  const controller = new AbortController();
  const running = fail.run({ hang: true }, stepContext(noTarget, { signal: controller.signal }));
  let settled = false;
  void running.catch(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.not.ok(settled, 'still hanging');
  controller.abort(new Error('aborted by timeout'));
  assert.is((await error(running)).message, 'aborted by timeout');
});

test('validation errors', () => {
  assert.equal(paramErrors(fail, {}), []);
  assert.ok(paramErrors(fail, { times: -1 }).some((e) => e.includes('>= 0')));
  assert.ok(paramErrors(fail, { hang: 'yes' }).some((e) => e.includes('boolean')));
  assert.ok(paramErrors(fail, { nope: 1 }).some((e) => e.includes('additional')));
});

test('compensation succeeds, or fails with rollbackError', async () => {
  await fail.rollback!({}, stepContext(noTarget), undefined);
  const e = await error(fail.rollback!({ rollbackError: 'cannot undo' }, stepContext(noTarget), undefined));
  assert.is(e.message, 'cannot undo');
  assert.is(e.name, 'DrillRollbackError');
});

test.run();
