import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readJournal } from '../../engine/journal.ts';
import { RunEvents, type RunEvent } from '../../engine/events.ts';
import { foldEvents } from '../../engine/foldEvents.ts';
import { ManualClock } from '../../engine/clock.ts';
import { lineProgress } from '../../engine/progress.ts';
import { events, startYaml } from '../helpers/engine.ts';

/**
 * The run's event stream: one bus, stamped events, the journal, the progress printer and the
 * report as its handlers, and a report that folds the same from the journal as live.
 */
const stream = suite('run events');
stream.before.each(() => {
  events.length = 0;
});

const SAGA = `name: saga
inputs: { token: s3cr3t }
outputs: { first: "\${{ steps.a.outputs.value }}" }
steps:
  - { id: a, type: record, params: { value: 1 } }
  - { id: skipped, type: record, if: false }
  - { id: b, type: record, params: { fail: true } }
  - { id: never, type: record }
`;

stream('every event carries seq, wall time and AWS time from the run clock, in order', async () => {
  const AWS_EPOCH = Date.UTC(2030, 0, 1);
  const clock = new ManualClock(AWS_EPOCH);
  const seen: RunEvent[] = [];
  const before = Date.now();
  const { handle } = startYaml(SAGA, { clock, progress: (e) => seen.push(e) });
  await handle.done;
  assert.equal(
    seen.map((e) => e.seq),
    seen.map((_, i) => i + 1),
  );
  for (const e of seen) {
    assert.is(e.aws, AWS_EPOCH, `${e.kind}: AWS time comes from the run's clock`);
    assert.ok(e.wall >= before && e.wall <= Date.now(), `${e.kind}: wall time is the machine's`);
  }
  const kinds = seen.map((e) => e.kind);
  assert.is(kinds[0], 'run-start');
  assert.is(kinds.at(-1), 'run-end');
  for (const k of ['transition', 'step-intent', 'step-result', 'step-skipped', 'compensation-start', 'compensation-result'])
    assert.ok(kinds.includes(k as RunEvent['kind']), k);
});

stream('the journal holds the same events, and folding it gives the live report', async () => {
  const { handle } = startYaml(SAGA);
  const live = await handle.done;
  const { records } = readJournal(handle.journalPath);
  const folded = foldEvents(records, { runDir: handle.runDir });
  assert.equal(folded, live);
  assert.equal(
    live.steps.map((s) => [s.id, s.status]),
    [
      ['a', 'succeeded'],
      ['skipped', 'skipped'],
      ['b', 'failed'],
      ['never', 'not-run'],
    ],
  );
  assert.equal(live.outputs, { first: 1 });
  assert.equal(live.inputs, { token: '***' });
});

stream('the progress printer is a handler: one line per event', async () => {
  const lines: string[] = [];
  const { handle } = startYaml(SAGA, { progress: lineProgress((l) => lines.push(l)) });
  const report = await handle.done;
  assert.equal(lines, [
    `run ${report.runId}: saga (4 steps, target embedded)`,
    'start a (record)',
    `ok a ${report.steps[0]!.durationMs}ms`,
    'skip skipped 0ms',
    'start b (record)',
    `FAIL b ${report.steps[2]!.durationMs}ms: step 'b' failed after 1 attempt(s): b failed`,
    'undo b (record)',
    `undone b ${lines[7]!.split(' ').at(-1)}`,
    'undo a (record)',
    `undone a ${lines[9]!.split(' ').at(-1)}`,
    `failed (exit 1, ${report.durationMs}ms)`,
  ]);
});

stream('the bus closes with run-end, and a failing handler goes to onHandlerError', () => {
  const failures: string[] = [];
  const got: string[] = [];
  const bus = new RunEvents(
    new ManualClock(5),
    [
      () => {
        throw new Error('disk full');
      },
      (e) => got.push(e.kind),
    ],
    { onHandlerError: (error, e) => failures.push(`${e.kind}: ${(error as Error).message}`) },
  );
  assert.is(bus.emit({ kind: 'notice', message: 'x' })?.seq, 1);
  bus.emit({ kind: 'run-end', status: 'passed', exitCode: 0 });
  assert.is(bus.emit({ kind: 'run-dirty', reason: 'late' }), undefined, 'no record after the outcome');
  assert.is(bus.emit({ kind: 'notice', message: 'late' })?.seq, 3, 'notices (never journaled) still pass');
  assert.equal(got, ['notice', 'run-end', 'notice']);
  assert.equal(failures, ['notice: disk full', 'run-end: disk full', 'notice: disk full']);
  assert.throws(
    () =>
      new RunEvents(new ManualClock(), [
        () => {
          throw new Error('boom');
        },
      ]).emit({ kind: 'notice', message: 'x' }),
    /boom/,
  );
});

stream.run();
