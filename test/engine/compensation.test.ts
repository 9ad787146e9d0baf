import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { events, gate, startYaml, testRegistry, tmp } from '../helpers/engine.ts';
import { rollbackRun } from '../../engine/rollback.ts';
import { createTargetSession } from '../../engine/target.ts';
import { listRuns } from '../../engine/runs.ts';

const compensation = suite('compensation');
compensation.before.each(() => {
  events.length = 0;
});

const five = (failAt: number, extra: Record<number, string> = {}) =>
  `name: saga\nsteps:\n` +
  [1, 2, 3, 4, 5].map((i) => `  - { id: s${i}, type: record, params: { fail: ${i === failAt}${extra[i] ? `, ${extra[i]}` : ''} } }`).join('\n') +
  '\n';

compensation('a failure at step k compensates k..1 in reverse order, and nothing after k runs', async () => {
  const { handle } = startYaml(five(3));
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.status, 'failed');
  assert.equal(events, ['run:s1', 'end:s1', 'run:s2', 'end:s2', 'run:s3', 'undo:s3', 'undo:s2', 'undo:s1']);
  assert.equal(report.steps.map((s) => s.status), ['succeeded', 'succeeded', 'failed', 'not-run', 'not-run']);
});

compensation('a failing compensation does not stop the others; exit 3', async () => {
  const { handle } = startYaml(five(4, { 2: 'rollbackFail: true', 3: 'rollbackFail: true' }));
  const report = await handle.done;
  assert.is(report.exitCode, 3);
  assert.is(report.status, 'compensation-incomplete');
  assert.equal(events.filter((e) => e.startsWith('undo:')), ['undo:s4', 'undo:s3', 'undo:s2', 'undo:s1']);
  assert.equal(report.steps.map((s) => s.compensation?.status), ['succeeded', 'failed', 'failed', 'succeeded', undefined]);
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
  const always = await startYaml(`name: a\ncleanup: always\nsteps:\n  - { id: a, type: record }\n  - { id: b, type: record }\n`).handle.done;
  assert.is(always.exitCode, 0);
  assert.equal(events, ['run:a', 'end:a', 'run:b', 'end:b', 'undo:b', 'undo:a']);
  events.length = 0;
  const never = await startYaml(`name: n\ncleanup: never\nsteps:\n  - { id: a, type: record }\n  - { id: b, type: record, params: { fail: true } }\n`).handle.done;
  assert.is(never.exitCode, 1);
  assert.equal(events, ['run:a', 'end:a', 'run:b']);
});

compensation('interrupt aborts the running step, compensates, exit 130', async () => {
  const { handle } = startYaml(`name: i\nsteps:\n  - { id: a, type: record }\n  - { id: b, type: fail, params: { hang: true } }\n  - { id: c, type: record }\n`);
  while (!events.includes('end:a')) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.ok(handle.interrupt());
  assert.not.ok(handle.interrupt(), 'a second interrupt is not a first one');
  const report = await handle.done;
  assert.is(report.exitCode, 130);
  assert.is(report.status, 'interrupted');
  assert.equal(report.steps.map((s) => s.status), ['succeeded', 'aborted', 'not-run']);
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

compensation.run();
