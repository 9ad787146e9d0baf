import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { events, gate, gates, startYaml, testRegistry, tmp, waitUntil } from '../helpers/engine.ts';
import { ManualClock } from '../../engine/clock.ts';
import { ABORT_GRACE_MS } from '../../engine/run.ts';
import { rollbackRun } from '../../engine/rollback.ts';
import { createTargetSession } from '../../engine/target.ts';
import { listRuns } from '../../engine/runs.ts';
import { journalPath } from '../../engine/journal.ts';

const compensation = suite('compensation');
compensation.before.each(() => {
  events.length = 0;
  gates.clear();
});

/** Lets promise callbacks run until `check` holds (no timers: the clock is manual). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 10_000) throw new Error('condition never held');
    await new Promise((r) => setImmediate(r));
  }
}

const five = (failAt: number, extra: Record<number, string> = {}) =>
  `name: saga\nsteps:\n` +
  [1, 2, 3, 4, 5]
    .map((i) => `  - { id: s${i}, type: record, params: { fail: ${i === failAt}${extra[i] ? `, ${extra[i]}` : ''} } }`)
    .join('\n') +
  '\n';

compensation('a failure at step k compensates k..1 in reverse order, and nothing after k runs', async () => {
  const { handle } = startYaml(five(3));
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.status, 'failed');
  assert.equal(events, ['run:s1', 'end:s1', 'run:s2', 'end:s2', 'run:s3', 'undo:s3', 'undo:s2', 'undo:s1']);
  assert.equal(
    report.steps.map((s) => s.status),
    ['succeeded', 'succeeded', 'failed', 'not-run', 'not-run'],
  );
});

compensation('a failing compensation does not stop the others; exit 3', async () => {
  const { handle } = startYaml(five(4, { 2: 'rollbackFail: true', 3: 'rollbackFail: true' }));
  const report = await handle.done;
  assert.is(report.exitCode, 3);
  assert.is(report.status, 'compensation-incomplete');
  assert.equal(
    events.filter((e) => e.startsWith('undo:')),
    ['undo:s4', 'undo:s3', 'undo:s2', 'undo:s1'],
  );
  assert.equal(
    report.steps.map((s) => s.compensation?.status),
    ['succeeded', 'failed', 'failed', 'succeeded', undefined],
  );
});

compensation('rollback: false skips; a rollback override runs another step with the outputs', async () => {
  const dir = tmp();
  const { handle } = startYaml(
    `name: o
steps:
  - id: keep
    type: record
    rollback: false
  - id: custom
    type: record
    params: { value: marker.txt }
    rollback:
      type: writeFile
      params: { path: "\${{ steps.custom.outputs.value }}", content: "compensated \${{ steps.custom.outputs.stepId }}" }
  - { id: boom, type: fail, rollback: false }
`,
    { dir },
  );
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.equal(events, ['run:keep', 'end:keep', 'run:custom', 'end:custom'], 'no undo: from record rollbacks');
  assert.ok(existsSync(join(dir, 'marker.txt')), 'the override wrote its file');
});

compensation('cleanup: always tears down after success; cleanup: never leaves everything', async () => {
  const always = await startYaml(`name: a\ncleanup: always\nsteps:\n  - { id: a, type: record }\n  - { id: b, type: record }\n`).handle
    .done;
  assert.is(always.exitCode, 0);
  assert.equal(events, ['run:a', 'end:a', 'run:b', 'end:b', 'undo:b', 'undo:a']);
  events.length = 0;
  const never = await startYaml(
    `name: n\ncleanup: never\nsteps:\n  - { id: a, type: record }\n  - { id: b, type: record, params: { fail: true } }\n`,
  ).handle.done;
  assert.is(never.exitCode, 1);
  assert.equal(events, ['run:a', 'end:a', 'run:b']);
});

compensation('interrupt aborts the running step, compensates, exit 130', async () => {
  const { handle } = startYaml(
    `name: i\nsteps:\n  - { id: a, type: record }\n  - { id: b, type: fail, params: { hang: true } }\n  - { id: c, type: record }\n`,
  );
  while (!events.includes('end:a')) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.ok(handle.interrupt());
  assert.not.ok(handle.interrupt(), 'a second interrupt is not a first one');
  const report = await handle.done;
  assert.is(report.exitCode, 130);
  assert.is(report.status, 'interrupted');
  assert.equal(
    report.steps.map((s) => s.status),
    ['succeeded', 'aborted', 'not-run'],
  );
  assert.equal(events, ['run:a', 'end:a', 'undo:a']);
});

compensation('abortNow marks the run dirty; rollback from the journal finishes it, then has nothing left to do', async () => {
  const dir = tmp();
  const { handle, stateDir } = startYaml(
    `name: d
steps:
  - { id: f1, type: writeFile, params: { path: one.txt, content: "1" } }
  - { id: f2, type: writeFile, params: { path: two.txt, content: "2" } }
  - { id: held, type: record, params: { gate: never-released } }
`,
    { dir },
  );
  gate('never-released');
  while (!events.includes('run:held')) await new Promise((r) => setImmediate(r));
  const report = await handle.abortNow('test');
  assert.is(report.status, 'dirty');
  assert.is(report.exitCode, 130);
  assert.ok(existsSync(join(dir, 'one.txt')) && existsSync(join(dir, 'two.txt')), 'nothing compensated yet');
  const [summary] = listRuns(stateDir);
  assert.is(summary!.status, 'dirty');
  assert.equal(summary!.pending, ['held', 'f2', 'f1']);
  const first = await rollbackRun({ stateDir, runId: handle.runId, registry: testRegistry(), target: createTargetSession() });
  assert.is(first.status, 'completed');
  assert.equal(first.compensated, ['held', 'f2', 'f1']);
  assert.not.ok(existsSync(join(dir, 'one.txt')) || existsSync(join(dir, 'two.txt')));
  const second = await rollbackRun({ stateDir, runId: handle.runId, registry: testRegistry(), target: createTargetSession() });
  assert.is(second.status, 'nothing');
  assert.match(second.message, /nothing left to do/);
  assert.is(listRuns(stateDir)[0]!.status, 'rolled-back');
});

compensation(
  'abortNow on the embedded emulator, with only its resources pending: nothing to undo, the run is interrupted, not dirty',
  async () => {
    const progress: string[] = [];
    const { handle, stateDir } = startYaml(
      `name: moot
steps:
  - { id: zone, type: createZone, params: { name: moot.test } }
  - { id: hold, type: wait, params: { duration: 60s } }
`,
      { progress: (event) => void (event.kind === 'notice' && progress.push(event.message)) },
    );
    const path = journalPath(stateDir, handle.runId);
    await waitUntil(() => existsSync(path) && readFileSync(path, 'utf8').includes('"stepId":"hold"'), 30_000, 'the hold step');
    const report = await handle.abortNow('test');
    assert.equal([report.status, report.exitCode], ['interrupted', 130], JSON.stringify(report.error ?? report.steps));
    assert.ok(
      progress.includes(
        'stopped at once (test); nothing is left behind: what zone created was in the embedded emulator, which ends with this run',
      ),
      progress.join('\n'),
    );
    const [summary] = listRuns(stateDir);
    assert.equal([summary!.status, summary!.pending, summary!.needsRollback], ['interrupted', [], false]);
    const records = readFileSync(path, 'utf8');
    assert.not.match(records, /"run-dirty"/);
    const rollback = await rollbackRun({ stateDir, runId: handle.runId, registry: testRegistry(), target: createTargetSession() });
    assert.is(rollback.status, 'nothing');
  },
);

compensation('a sibling failure compensates an aborted step only after its work settled', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: p
steps:
  - parallel:
      a:
        - { id: slow, type: record, params: { gate: slow } }
      b:
        - { id: bad, type: record, params: { fail: true } }
`,
    { clock },
  );
  // The compensation of `slow` waits (at most ABORT_GRACE_MS of run time) for its work to settle.
  await until(() => clock.pending().includes(ABORT_GRACE_MS));
  assert.not.ok(events.includes('undo:slow'), `events: ${events.join(', ')}`);
  gate('slow').release();
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.ok(events.indexOf('end:slow') >= 0, `events: ${events.join(', ')}`);
  assert.ok(events.indexOf('undo:slow') > events.indexOf('end:slow'), `events: ${events.join(', ')}`);
});

compensation('a step whose timed-out attempts still act is compensated only after they settled', async () => {
  const clock = new ManualClock();
  const { handle } = startYaml(
    `name: t
steps:
  - id: slow
    type: record
    params: { gate: held }
    timeout: 100ms
    retry: { maximumAttempts: 2, initialInterval: 10ms }
`,
    { clock },
  );
  await clock.nextSleep();
  await clock.advance(100); // attempt 1 times out, still acting
  await clock.advance(10); // the retry delay
  await clock.advance(100); // attempt 2 times out, still acting
  await until(() => clock.pending().includes(ABORT_GRACE_MS));
  assert.equal(events, ['run:slow', 'run:slow'], 'nothing compensated while both attempts act');
  gate('held').release();
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.steps[0]!.attempts, 2);
  assert.equal(events, ['run:slow', 'run:slow', 'end:slow', 'end:slow', 'undo:slow']);
});

compensation('engine rollback refuses an override whose params are invalid after templates, like a live run', async () => {
  const { handle, stateDir } = startYaml(`name: r
cleanup: never
inputs: { n: 0 }
steps:
  - id: a
    type: record
    rollback: { type: record, params: { fail: "\${{ inputs.n }}" } }
  - { id: b, type: record, params: { fail: true }, rollback: false }
`);
  assert.is((await handle.done).exitCode, 1);
  events.length = 0;
  const result = await rollbackRun({
    stateDir,
    runId: handle.runId,
    registry: testRegistry(),
    target: createTargetSession(),
    fsync: false,
  });
  assert.is(result.status, 'incomplete');
  assert.equal(result.failed, ['a']);
  assert.equal(events, [], 'the override did not run');
  const journal = readFileSync(handle.journalPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; stepId?: string; error?: { message?: string } });
  const failed = journal.find((r) => r.kind === 'compensation-result' && r.stepId === 'a');
  assert.match(failed?.error?.message ?? '', /invalid rollback params: \/fail must be boolean/);
});

compensation.run();
