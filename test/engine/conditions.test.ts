import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { events, startYaml } from '../helpers/engine.ts';

/** A step's `if:` in a run: the same truthiness as templates, and a failing condition fails the step. */
const conditions = suite('conditions');
conditions.before.each(() => {
  events.length = 0;
});

conditions('`!` uses the same truthiness as if: (DRY_RUN=false or 0 is not dry)', async () => {
  for (const DRY_RUN of ['false', '0', 'true']) {
    events.length = 0;
    const { handle } = startYaml(`name: d\nsteps:\n  - { id: act, type: record, if: "\${{ !env.DRY_RUN }}" }\n`, { env: { DRY_RUN } });
    const report = await handle.done;
    assert.is(report.exitCode, 0);
    assert.is(report.steps[0]!.status, DRY_RUN === 'true' ? 'skipped' : 'succeeded', `DRY_RUN=${DRY_RUN}`);
  }
});

conditions('an error evaluating if: fails the step with a journaled result and a report error', async () => {
  const { handle } = startYaml(
    `name: e\nsteps:\n  - { id: first, type: record }\n  - { id: check, type: record, if: "\${{ env.NOT_SET_ANYWHERE > 'a' }}" }\n`,
    { env: {} },
  );
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.steps[1]!.status, 'failed');
  assert.match(report.steps[1]!.error?.message ?? '', /env\.NOT_SET_ANYWHERE has no value/);
  assert.match(report.error?.message ?? '', /check/);
  const journal = readFileSync(handle.journalPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; stepId?: string; status?: string });
  assert.ok(journal.some((r) => r.kind === 'step-result' && r.stepId === 'check' && r.status === 'failed'));
  assert.equal(events, ['run:first', 'end:first', 'undo:first']);
});

conditions.run();
