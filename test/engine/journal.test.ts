import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, readJournal, resolveStateDir, type JournalRecord } from '../../engine/journal.ts';
import { maskSecrets } from '../../engine/mask.ts';
import { listRuns } from '../../engine/runs.ts';
import { events, startYaml, tmp } from '../helpers/engine.ts';

const journal = suite('journal');
journal.before.each(() => {
  events.length = 0;
});

journal('every line is a JSON object: run start, transitions, intent before result, run end', async () => {
  const { handle, workflow } = startYaml(`name: j
inputs: { apiToken: s3cr3t, region: eu }
steps:
  - { id: a, type: record, params: { value: { password: hunter2, user: bob } } }
  - { id: b, type: record, params: { fail: true } }
`);
  await handle.done;
  const text = readFileSync(handle.journalPath, 'utf8');
  assert.ok(text.endsWith('\n'));
  const records = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalRecord);
  assert.equal(
    records.map((r) => r.seq),
    records.map((_, i) => i + 1),
  );
  const first = records[0]!;
  assert.is(first.kind, 'run-start');
  if (first.kind === 'run-start') {
    assert.is(first.workflow.digest, workflow.digest);
    assert.equal(first.inputs, { apiToken: '***', region: 'eu' });
  }
  assert.is(records.at(-1)!.kind, 'run-end');
  assert.ok(records.some((r) => r.kind === 'transition'));
  const kinds = (id: string) => records.filter((r) => 'stepId' in r && r.stepId === id).map((r) => r.kind);
  assert.equal(kinds('a'), ['step-intent', 'step-result', 'compensation-start', 'compensation-result']);
  assert.equal(kinds('b'), ['step-intent', 'step-result', 'compensation-start', 'compensation-result']);
  const intent = records.find((r) => r.kind === 'step-intent' && r.stepId === 'a');
  assert.equal(intent && intent.kind === 'step-intent' ? [intent.type, intent.params] : [], [
    'record',
    { value: { password: '***', user: 'bob' } },
  ]);
  assert.not.ok(text.includes('hunter2') || text.includes('s3cr3t'), 'secrets never reach the journal');
  const report = readFileSync(join(handle.runDir, 'report.json'), 'utf8');
  assert.not.ok(report.includes('hunter2') || report.includes('s3cr3t'), 'nor the report');
});

journal('maskSecrets masks secret-looking keys at any depth', () => {
  assert.equal(maskSecrets({ secretKey: 1, nested: [{ Password: 'x', credentials: { a: 1 }, sessionToken: 't', ok: 2 }] }), {
    secretKey: '***',
    nested: [{ Password: '***', credentials: '***', sessionToken: '***', ok: 2 }],
  });
});

journal('a torn last line is ignored when reading, and the next append starts on a fresh line', () => {
  const path = join(tmp(), 'runs', 'r1', 'journal.jsonl');
  const j = Journal.open(path);
  j.append({ kind: 'run-dirty', reason: 'x' });
  j.append({ kind: 'step-skipped', stepId: 'a', type: 't' });
  j.close();
  appendFileSync(path, '{"kind":"step-intent","stepId":"b","ty');
  const torn = readJournal(path);
  assert.is(torn.records.length, 2);
  assert.is(torn.skipped, 1);
  const again = Journal.open(path);
  again.append({ kind: 'run-end', status: 'failed', exitCode: 1 });
  again.close();
  const after = readJournal(path);
  assert.equal(
    after.records.map((r) => [r.kind, r.seq]),
    [
      ['run-dirty', 1],
      ['step-skipped', 2],
      ['run-end', 3],
    ],
  );
  assert.is(after.skipped, 1);
});

journal('engine runs summarises runs with their status', async () => {
  const dir = tmp();
  const ok = startYaml(`name: ok\nsteps:\n  - { id: a, type: record }\n`, { dir });
  await ok.handle.done;
  const bad = startYaml(`name: bad\nsteps:\n  - { id: a, type: record, params: { fail: true } }\n`, { dir, runId: 'zz-last' });
  await bad.handle.done;
  const runs = listRuns(ok.stateDir);
  assert.equal(
    runs.map((r) => [r.workflow, r.status, r.needsRollback]),
    [
      ['ok', 'passed', false],
      ['bad', 'failed', false],
    ],
  );
});

journal('the state dir comes from the option, then ENGINE_STATE_DIR, then .engine', () => {
  assert.is(resolveStateDir('/x/y', { ENGINE_STATE_DIR: '/z' }), '/x/y');
  assert.is(resolveStateDir(undefined, { ENGINE_STATE_DIR: '/z' }), '/z');
  assert.is(resolveStateDir(undefined, {}), join(process.cwd(), '.engine'));
});

journal.run();
