import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../engine/clock.ts';
import wait from '../../steps/wait.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { paramErrors } from '../helpers/validateParams.ts';

const test = suite('steps/wait');

test('sleeps on the engine clock for ms or a duration string', async () => {
  const clock = new ManualClock();
  let done = false;
  const running = wait.run({ duration: '2s' }, stepContext(noTarget, { clock })).then((out) => {
    done = true;
    return out;
  });
  await clock.nextSleep();
  assert.equal(clock.pending(), [2000]);
  await clock.advance(1999);
  assert.not.ok(done, 'still waiting at 1999 ms');
  await clock.advance(1);
  assert.equal(await running, { waitedMs: 2000 });
  const quick = wait.run({ ms: 5 }, stepContext(noTarget, { clock }));
  await clock.nextSleep();
  await clock.advance(5);
  assert.equal(await quick, { waitedMs: 5 });
});

test('an abort ends the wait with the abort reason', async () => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const running = wait.run({ ms: 60_000 }, stepContext(noTarget, { clock, signal: controller.signal }));
  await clock.nextSleep();
  controller.abort(new Error('timed out'));
  try {
    await running;
    assert.unreachable('the wait should have been aborted');
  } catch (error) {
    assert.is((error as Error).message, 'timed out');
  }
});

test('validation: exactly one of ms or duration, well-formed', () => {
  assert.equal(paramErrors(wait, { ms: 10 }), []);
  assert.equal(paramErrors(wait, { duration: '1.5m' }), []);
  assert.ok(paramErrors(wait, {}).length > 0, 'neither given');
  assert.ok(paramErrors(wait, { ms: 1, duration: '1s' }).length > 0, 'both given');
  assert.ok(paramErrors(wait, { ms: -1 }).some((e) => e.includes('>= 0')));
  assert.ok(paramErrors(wait, { duration: 'soon' }).some((e) => e.includes('pattern')));
  assert.ok(paramErrors(wait, { ms: 1, extra: true }).some((e) => e.includes('additional')));
});

test('nothing to compensate: wait has no rollback', () => {
  assert.is(wait.rollback, undefined);
});

test.run();
