import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../engine/clock.ts';
import { compileRetryPolicy, retryDelay, shouldRetry, NO_RETRY } from '../../engine/retry.ts';
import { NonRetryableError } from '../../engine/errors.ts';
import { readJournal } from '../../engine/journal.ts';
import { startYaml } from '../helpers/engine.ts';

const retry = suite('retry');

retry('Temporal defaults: 1s initial, coefficient 2, cap 100x initial', () => {
  const { policy } = compileRetryPolicy({});
  assert.equal(policy, {
    maximumAttempts: 3,
    initialInterval: 1000,
    backoffCoefficient: 2,
    maximumInterval: 100_000,
    nonRetryableErrorTypes: [],
  });
  assert.equal(
    [1, 2, 3, 4].map((a) => retryDelay(policy, a)),
    [1000, 2000, 4000, 8000],
  );
  const capped = compileRetryPolicy({ initialInterval: '1s', maximumInterval: '5s', backoffCoefficient: 3 }).policy;
  assert.equal(
    [1, 2, 3].map((a) => retryDelay(capped, a)),
    [1000, 3000, 5000],
  );
  assert.is(compileRetryPolicy({ initialInterval: 10 }).policy.maximumInterval, 1000);
});

retry('shouldRetry honours attempts, unlimited, NonRetryableError and nonRetryableErrorTypes', () => {
  const { policy } = compileRetryPolicy({ maximumAttempts: 2, nonRetryableErrorTypes: ['AccessDenied'] });
  assert.ok(shouldRetry(policy, 1, new Error('x')));
  assert.not.ok(shouldRetry(policy, 2, new Error('x')));
  assert.not.ok(shouldRetry(policy, 1, new NonRetryableError('no')));
  const denied = new Error('denied');
  denied.name = 'AccessDenied';
  assert.not.ok(shouldRetry(policy, 1, denied));
  assert.ok(shouldRetry(compileRetryPolicy({ maximumAttempts: 0 }).policy, 1000, new Error('x')));
  assert.not.ok(shouldRetry(NO_RETRY, 1, new Error('x')));
});

retry('a flaky step is retried with exponential backoff on the injected clock', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: r
steps:
  - id: flaky
    type: fail
    params: { times: 3, errorType: Throttling }
    retry: { maximumAttempts: 5 }
`,
    { clock },
  );
  for (const expected of [1000, 2000, 4000]) {
    await clock.nextSleep();
    assert.equal(clock.pending(), [expected]);
    await clock.advance(expected);
  }
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.equal(clock.requested, [1000, 2000, 4000]);
  assert.is(report.steps[0]!.attempts, 4);
  assert.is(report.steps[0]!.durationMs, 7000, 'durations come from the injected clock');
  const retries = readJournal(handle.journalPath).records.filter((r) => r.kind === 'step-retry');
  assert.equal(
    retries.map((r) => (r.kind === 'step-retry' ? [r.attempt, r.delayMs, r.error.name] : [])),
    [
      [1, 1000, 'Throttling'],
      [2, 2000, 'Throttling'],
      [3, 4000, 'Throttling'],
    ],
  );
});

retry('retries stop at maximumAttempts and the step fails', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: r\nsteps:\n  - { id: f, type: fail, retry: { maximumAttempts: 3, initialInterval: 500ms, backoffCoefficient: 3 } }\n`,
    { clock },
  );
  await clock.nextSleep();
  await clock.advance(500);
  await clock.nextSleep();
  await clock.advance(1500);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.equal(clock.requested, [500, 1500]);
  assert.is(report.steps[0]!.attempts, 3);
  assert.match(report.steps[0]!.error!.message, /failed after 3 attempt\(s\): failed on purpose/);
});

retry('nonRetryableErrorTypes and NonRetryableError fail at once', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: r
steps:
  - { id: typed, type: fail, params: { errorType: AccessDenied }, retry: { nonRetryableErrorTypes: [AccessDenied] } }
`,
    { clock },
  );
  const report = await handle.done;
  assert.is(report.steps[0]!.attempts, 1);
  assert.equal(clock.requested, []);
  const second = startYaml(`name: r\nsteps:\n  - { id: nr, type: fail, params: { nonRetryable: true }, retry: { maximumAttempts: 9 } }\n`, {
    clock,
  });
  assert.is((await second.handle.done).steps[0]!.attempts, 1);
  assert.equal(clock.requested, []);
});

retry('a timeout aborts the step through its AbortSignal (driven by the clock), then it is retried', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: t
steps:
  - id: slow
    type: fail
    params: { hang: true }
    timeout: 5s
    retry: { maximumAttempts: 2, initialInterval: 1s }
`,
    { clock },
  );
  await clock.nextSleep();
  assert.equal(clock.pending(), [5000], 'the timeout timer is on the clock');
  await clock.advance(4999);
  assert.is(clock.pending().length, 1, 'not yet timed out');
  await clock.advance(1);
  await clock.nextSleep();
  assert.equal(clock.pending(), [1000], 'timed out, now backing off');
  await clock.advance(1000);
  await clock.nextSleep();
  await clock.advance(5000);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.steps[0]!.attempts, 2);
  const cause = report.steps[0]!.error!.cause!;
  assert.is(cause.name, 'StepTimeoutError');
  assert.is(cause.code, 'E_TIMEOUT');
  assert.equal(clock.requested, [5000, 1000, 5000]);
});

retry('the wait step sleeps on the injected clock', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: w\nsteps:\n  - { id: w1, type: wait, params: { duration: 2s } }\n  - { id: w2, type: wait, params: { ms: 250 } }\n`,
    { clock },
  );
  await clock.nextSleep();
  await clock.advance(2000);
  await clock.nextSleep();
  await clock.advance(250);
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.equal(clock.requested, [2000, 250]);
});

retry.run();
