import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { events, gate, gates, startYaml, testRegistry } from '../helpers/engine.ts';
import { createTargetSession, type TargetSession } from '../../engine/target.ts';
import { rollbackRun } from '../../engine/rollback.ts';

const review = suite('review fixes');
review.before.each(() => {
  events.length = 0;
  gates.clear();
});

review('a sibling failure compensates an aborted step only after its work settled', async () => {
  const { handle } = startYaml(`name: p
steps:
  - parallel:
      a:
        - { id: slow, type: record, params: { gate: slow } }
      b:
        - { id: bad, type: record, params: { fail: true } }
`);
  setTimeout(() => gate('slow').release(), 300);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.ok(events.indexOf('end:slow') >= 0, `events: ${events.join(', ')}`);
  assert.ok(events.indexOf('undo:slow') > events.indexOf('end:slow'), `events: ${events.join(', ')}`);
});

review('a step whose timed-out attempts still act is compensated only after they settled', async () => {
  const { handle } = startYaml(`name: t
steps:
  - id: slow
    type: record
    params: { gate: held }
    timeout: 100ms
    retry: { maximumAttempts: 2, initialInterval: 10ms }
`);
  setTimeout(() => gate('held').release(), 500);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.steps[0]!.attempts, 2);
  assert.equal(events, ['run:slow', 'run:slow', 'end:slow', 'end:slow', 'undo:slow']);
});

review('`!` uses the same truthiness as if: (DRY_RUN=false or 0 is not dry)', async () => {
  for (const DRY_RUN of ['false', '0', 'true']) {
    events.length = 0;
    const { handle } = startYaml(`name: d\nsteps:\n  - { id: act, type: record, if: "\${{ !env.DRY_RUN }}" }\n`, { env: { DRY_RUN } });
    const report = await handle.done;
    assert.is(report.exitCode, 0);
    assert.is(report.steps[0]!.status, DRY_RUN === 'true' ? 'skipped' : 'succeeded', `DRY_RUN=${DRY_RUN}`);
  }
});

review('an error evaluating if: fails the step with a journaled result and a report error', async () => {
  const { handle } = startYaml(`name: e\nsteps:\n  - { id: first, type: record }\n  - { id: check, type: record, if: "x-\${{ env.NOT_SET_ANYWHERE }}" }\n`, { env: {} });
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.steps[1]!.status, 'failed');
  assert.match(report.steps[1]!.error?.message ?? '', /resolved to undefined/);
  assert.match(report.error?.message ?? '', /check/);
  const journal = readFileSync(handle.journalPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; stepId?: string; status?: string });
  assert.ok(journal.some((r) => r.kind === 'step-result' && r.stepId === 'check' && r.status === 'failed'));
  assert.equal(events, ['run:first', 'end:first', 'undo:first']);
});

review('a signal while a passed run closes its target does not change the outcome', async () => {
  const real = createTargetSession();
  let release!: () => void;
  const closing = new Promise<void>((r) => (release = r));
  let closeCalled = false;
  const target: TargetSession = { ...real, close: async () => {
    closeCalled = true;
    await closing;
  } };
  const { handle } = startYaml('name: p\nsteps:\n  - { id: a, type: record }\n', { target });
  while (!closeCalled) await new Promise((r) => setImmediate(r));
  assert.ok(handle.finished, 'the run has its outcome while the target closes');
  assert.not.ok(handle.interrupt(), 'no interrupt after the outcome');
  release();
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.is(report.status, 'passed');
});

review('engine rollback refuses an override whose params are invalid after templates, like a live run', async () => {
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
  const result = await rollbackRun({ stateDir, runId: handle.runId, registry: testRegistry(), target: createTargetSession(), fsync: false });
  assert.is(result.status, 'incomplete');
  assert.equal(result.failed, ['a']);
  assert.equal(events, [], 'the override did not run');
  const journal = readFileSync(handle.journalPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; stepId?: string; error?: { message?: string } });
  const failed = journal.find((r) => r.kind === 'compensation-result' && r.stepId === 'a');
  assert.match(failed?.error?.message ?? '', /invalid rollback params: \/fail must be boolean/);
});

review.run();
