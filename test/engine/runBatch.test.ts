import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { events, gate, gates, testRegistry, tmp, waitUntil, workflowFrom } from '../helpers/engine.ts';
import { compileWorkflow } from '../../engine/compile.ts';
import { systemClock } from '../../engine/clock.ts';
import { RunBatch } from '../../engine/runBatch.ts';
import type { RunOptions } from '../../engine/runContract.ts';
import { createTargetSession } from '../../engine/target.ts';

/**
 * The runs of `engine prove` and `engine repeat` stop together, as `engine run` stops its one run:
 * the first interrupt compensates every running run and starts no new one, the second stops them
 * at once. (The commands' own signal handling: test/engine/signals.test.ts.)
 */
const test = suite('runBatch');
test.before.each(() => {
  events.length = 0;
  gates.clear();
});

/** A run of a step that waits on gate `name`, after one with a compensation that takes `undo` of wall time. */
function options(name: string, undo = '0ms'): RunOptions {
  const dir = tmp();
  const workflow = workflowFrom(
    `name: ${name}
steps:
  - { id: ${name}Done, type: record, rollback: { type: wait, params: { duration: ${undo} } } }
  - { id: ${name}, type: record, params: { gate: ${name} } }
`,
    dir,
  );
  return {
    workflow,
    compiled: compileWorkflow(workflow),
    registry: testRegistry(),
    target: createTargetSession(),
    stateDir: join(dir, 'state'),
    inputs: {},
    clock: systemClock,
  };
}

test('first interrupt: every running run compensates, and no other starts', async () => {
  const batch = new RunBatch();
  gate('a');
  gate('b');
  const runs = [batch.start(options('a'))!, batch.start(options('b'))!];
  await waitUntil(() => events.includes('run:a') && events.includes('run:b'), 15_000, 'both runs in their gated step');
  batch.interrupt();
  // The gated steps were aborted; let their attempts settle, so that compensation need not wait for them.
  gate('a').release();
  gate('b').release();
  assert.ok(batch.interrupted);
  assert.is(batch.start(options('c')), undefined, 'no run starts after an interrupt');
  const reports = await Promise.all(runs.map((r) => r.done));
  assert.equal(
    reports.map((r) => [r.status, r.exitCode]),
    [
      ['interrupted', 130],
      ['interrupted', 130],
    ],
  );
  assert.ok(events.includes('undo:a') && events.includes('undo:b'), events.join(' '));
});

test('second interrupt: the runs stop at once, in the middle of their compensation', async () => {
  const batch = new RunBatch();
  gate('a');
  const run = batch.start(options('a', '60s'))!;
  await waitUntil(() => events.includes('run:a'), 15_000, 'the run in its gated step');
  batch.interrupt();
  gate('a').release();
  await waitUntil(() => events.includes('undo:a'), 15_000, 'the compensation under way');
  batch.interrupt();
  const report = await run.done;
  // Its compensation (a 60 s wait) acts outside any emulator: the run is left dirty for `engine rollback`.
  assert.equal([report.status, report.exitCode], ['dirty', 130]);
});

test.run();
