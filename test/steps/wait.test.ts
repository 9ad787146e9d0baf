import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../engine/clock.ts';
import wait from '../../steps/wait.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

const test = suite('steps/wait');

testStep(test, wait, {
  valid: [{ ms: 10 }, { duration: '1.5m' }, { duration: 250 }],
  invalid: [
    {
      params: {},
      errors: [
        "/: must have required property 'ms'",
        "/: must have required property 'duration'",
        '/: must match exactly one schema in oneOf',
      ],
    },
    { params: { ms: 1, duration: '1s' }, errors: ['/: must match exactly one schema in oneOf'] },
    { params: { ms: -1 }, errors: ['/ms: must be >= 0'] },
    { params: { duration: 'soon' }, errors: ['/duration: must match pattern "^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$"'] },
    { params: { ms: 1, extra: true }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: { noRollback: 'waiting changes nothing' },
});

test('sleeps on the engine clock for ms or a duration string', async () => {
  const clock = new ManualClock();
  let done = false;
  const running = runStep(wait, { duration: '2s' }, stepContext(noTarget, { clock })).then((out) => {
    done = true;
    return out;
  });
  await clock.nextSleep();
  assert.equal(clock.pending(), [2000]);
  await clock.advance(1999);
  assert.not.ok(done, 'still waiting at 1999 ms');
  await clock.advance(1);
  assert.equal(await running, { waitedMs: 2000 });
  const quick = runStep(wait, { ms: 5 }, stepContext(noTarget, { clock }));
  await clock.nextSleep();
  await clock.advance(5);
  assert.equal(await quick, { waitedMs: 5 });
});

test('an abort ends the wait with the abort reason', async () => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const running = runStep(wait, { ms: 60_000 }, stepContext(noTarget, { clock, signal: controller.signal }));
  await clock.nextSleep();
  controller.abort(new Error('timed out'));
  try {
    await running;
    assert.unreachable('the wait should have been aborted');
  } catch (error) {
    assert.is((error as Error).message, 'timed out');
  }
});

test.run();
