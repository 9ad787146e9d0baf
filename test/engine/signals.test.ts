import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { readJournal, type JournalRecord } from '../../engine/journal.ts';
import type { RunSummary } from '../../engine/runs.ts';
import { LONG_WORKFLOW, onlyRun, runCli, spawnEngine, startYaml, tmp, waitUntil } from '../helpers/engine.ts';
import { createTargetSession, type TargetSession } from '../../engine/target.ts';
import { PROVE_AT_ONCE } from '../../engine/prove.ts';

/**
 * Signals against a spawned `engine run` (README "Commands"): the first SIGINT or
 * SIGTERM aborts the running step and compensates (exit 130); a second one, sent while a
 * compensation is running, stops at once, marks the run dirty (exit 130) and leaves the rest to
 * `engine rollback <runId>`. Every signal is sent only once the journal shows the state it is
 * meant to hit, so nothing races.
 */
const signals = suite('signals');

/**
 * Three files around a step whose compensation is slow while the run is going
 * (`UNDO_WAIT=60s`) and quick when `engine rollback` redoes it (`UNDO_WAIT=0ms`): an override
 * is journaled unresolved and resolved again at rollback time. Compensation order after an
 * interrupt in `long` (a wait: nothing to undo): third, slowUndo (interrupted here), second, first.
 */
const SLOW_UNDO = (dir: string) => `name: slow-undo
steps:
  - { id: first, type: writeFile, params: { path: ${dir}/first.txt, content: "1" } }
  - { id: second, type: writeFile, params: { path: ${dir}/second.txt, content: "2" } }
  - id: slowUndo
    type: wait
    params: { ms: 0 }
    rollback: { type: wait, params: { duration: "\${{ env.UNDO_WAIT }}" } }
  - { id: third, type: writeFile, params: { path: ${dir}/third.txt, content: "3" } }
  - { id: long, type: wait, params: { duration: 60s } }
`;

function records(stateDir: string): JournalRecord[] {
  const run = onlyRun(stateDir);
  return run ? readJournal(run.path).records : [];
}

const journaled = (stateDir: string, kind: JournalRecord['kind'], stepId: string) => () =>
  records(stateDir).some((r) => r.kind === kind && 'stepId' in r && r.stepId === stepId);

/** Sends each signal once its condition holds; on a timeout, kills the child so the test fails instead of hanging. */
function sendWhen(child: ChildProcess, plan: Array<[() => boolean, string, NodeJS.Signals]>): void {
  void (async () => {
    for (const [condition, what, signal] of plan) {
      await waitUntil(condition, 30_000, what);
      child.kill(signal);
    }
  })().catch((error: unknown) => {
    child.kill('SIGKILL');
    console.error(error);
  });
}

const files = (dir: string) => ['first', 'second', 'third'].filter((f) => existsSync(join(dir, `${f}.txt`)));

async function runs(stateDir: string): Promise<RunSummary[]> {
  const r = await runCli(['runs', '--json', '--state-dir', stateDir]);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RunSummary[];
}

async function secondSignalMakesItDirty(first: NodeJS.Signals, second: NodeJS.Signals) {
  const dir = tmp();
  const state = join(dir, 'state');
  const file = join(dir, 'slow-undo.yaml');
  writeFileSync(file, SLOW_UNDO(dir));
  const r = await spawnEngine(['run', file, '--state-dir', state, '--time-scale', '1'], {
    env: { UNDO_WAIT: '60s' },
    onStart: (child) =>
      sendWhen(child, [
        [journaled(state, 'step-intent', 'long'), 'the long step', first],
        [journaled(state, 'compensation-start', 'slowUndo'), 'the slow compensation', second],
      ]),
  });
  const { runId } = onlyRun(state)!;

  // Exit code and output: 130, the run is dirty, and the way out is named.
  assert.is(r.signal, null, r.stderr);
  assert.is(r.code, 130, r.stderr);
  assert.match(r.stdout, /DIRTY \(exit 130\)/);
  assert.ok(r.stderr.includes(`stopped at once (second ${second}); run marked dirty: finish with 'engine rollback ${runId}'`), r.stderr);
  assert.not.match(r.stderr, /UNDO FAILED/, 'the compensation stopped on purpose is not reported as failed');

  // The journal: third was compensated, slowUndo was started but stopped, second and first were never reached.
  const recs = records(state);
  const dirty = recs.filter((x) => x.kind === 'run-dirty');
  assert.equal(
    dirty.map((x) => x.kind === 'run-dirty' && x.reason),
    [`second ${second}`],
  );
  const end = recs.at(-1)!;
  assert.equal(end.kind === 'run-end' ? [end.status, end.exitCode] : end, ['dirty', 130]);
  const compensations = recs
    .filter((x) => x.kind === 'compensation-start' || x.kind === 'compensation-result')
    .map((x) => `${x.kind}:${'stepId' in x ? x.stepId : ''}`);
  assert.equal(compensations, ['compensation-start:third', 'compensation-result:third', 'compensation-start:slowUndo']);
  assert.ok(recs.indexOf(dirty[0]!) > recs.findIndex((x) => x.kind === 'compensation-start' && x.stepId === 'slowUndo'));
  const report = JSON.parse(readFileSync(join(state, 'runs', runId, 'report.json'), 'utf8')) as { status: string; exitCode: number };
  assert.equal([report.status, report.exitCode], ['dirty', 130]);

  // Side effects: only the step compensated before the second signal is undone.
  assert.equal(files(dir), ['first', 'second']);

  // engine runs: dirty, with what is left to compensate.
  const [summary] = await runs(state);
  assert.equal(
    [summary!.runId, summary!.status, summary!.needsRollback, summary!.pending],
    [runId, 'dirty', true, ['slowUndo', 'second', 'first']],
  );
  const table = await runCli(['runs', '--state-dir', state]);
  assert.match(table.stdout, new RegExp(`^${runId}\\s+dirty\\s+slow-undo .* 3 to compensate \\(engine rollback ${runId}\\)$`, 'm'));

  // engine rollback finishes the job (the override is resolved again: no 60 s wait), then has nothing to do.
  const rollback = await runCli(['rollback', runId, '--state-dir', state], { env: { UNDO_WAIT: '0ms' } });
  assert.is(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /compensated 3 step\(s\): slowUndo, second, first/);
  assert.equal(files(dir), []);
  const again = await runCli(['rollback', runId, '--state-dir', state], { env: { UNDO_WAIT: '0ms' } });
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /nothing left to do/);
  const [after] = await runs(state);
  assert.equal([after!.status, after!.needsRollback, after!.pending], ['rolled-back', false, []]);
}

signals('second SIGINT during compensation: exit 130, run dirty, engine rollback finishes it', () =>
  secondSignalMakesItDirty('SIGINT', 'SIGINT'),
);

signals('second SIGTERM during compensation: the same', () => secondSignalMakesItDirty('SIGTERM', 'SIGTERM'));

signals('engine repeat: the first SIGINT interrupts every running run, each compensates, and no other starts (exit 130)', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const file = join(dir, 'long.yaml');
  writeFileSync(
    file,
    `name: long
steps:
  - { id: first, type: writeFile, params: { path: "${dir}/\${{ run.id }}.txt", content: "1" } }
  - { id: long, type: wait, params: { duration: 60s } }
`,
  );
  // One more run than run at once: it must never start.
  const count = PROVE_AT_ONCE + 1;
  const inLongStep = () => {
    const dirs = existsSync(join(state, 'runs')) ? readdirSync(join(state, 'runs')) : [];
    return dirs.filter((id) =>
      readJournal(join(state, 'runs', id, 'journal.jsonl')).records.some((r) => r.kind === 'step-intent' && r.stepId === 'long'),
    );
  };
  const r = await spawnEngine(['repeat', file, '--runs', String(count), '--seed', '1', '--time-scale', '1', '--state-dir', state], {
    onStart: (child) => sendWhen(child, [[() => inLongStep().length === PROVE_AT_ONCE, 'every started run in its long step', 'SIGINT']]),
  });
  assert.is(r.code, 130, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`^${PROVE_AT_ONCE} runs, seeds 1–${PROVE_AT_ONCE}: ${PROVE_AT_ONCE} interrupted; 1 not started \\(interrupted\\)$`, 'm'),
  );
  const summaries = await runs(state);
  assert.equal(
    summaries.map((s) => [s.status, s.pending]),
    Array.from({ length: PROVE_AT_ONCE }, () => ['interrupted', []]),
  );
  assert.equal(
    readdirSync(dir).filter((f) => f.endsWith('.txt')),
    [],
    "every run's file was compensated",
  );
});

signals('first SIGTERM during a long step compensates everything and exits 130', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const file = join(dir, 'long.yaml');
  writeFileSync(file, LONG_WORKFLOW(dir));
  const r = await spawnEngine(['run', file, '--state-dir', state, '--time-scale', '1'], {
    onStart: (child) => sendWhen(child, [[journaled(state, 'step-intent', 'long'), 'the long step', 'SIGTERM']]),
  });
  assert.is(r.signal, null, r.stderr);
  assert.is(r.code, 130, r.stderr);
  assert.match(r.stdout, /INTERRUPTED \(exit 130\)/);
  assert.match(r.stderr, /interrupt: aborting the running step and compensating/);
  assert.equal(files(dir), []);
  assert.not.ok(existsSync(join(dir, 'after.txt')));
  const recs = records(state);
  assert.not.ok(recs.some((x) => x.kind === 'run-dirty'));
  const end = recs.at(-1)!;
  assert.equal(end.kind === 'run-end' ? [end.status, end.exitCode] : end, ['interrupted', 130]);
  const [summary] = await runs(state);
  assert.equal([summary!.status, summary!.needsRollback, summary!.pending], ['interrupted', false, []]);
  const rollback = await runCli(['rollback', summary!.runId, '--state-dir', state]);
  assert.is(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /nothing left to do/);
});

signals('a signal while a passed run closes its target does not change the outcome', async () => {
  const real = createTargetSession();
  let release!: () => void;
  const closing = new Promise<void>((r) => (release = r));
  let closeCalled = false;
  const target: TargetSession = {
    ...real,
    close: async () => {
      closeCalled = true;
      await closing;
    },
  };
  const { handle } = startYaml('name: p\nsteps:\n  - { id: a, type: record }\n', { target });
  while (!closeCalled) await new Promise((r) => setImmediate(r));
  assert.ok(handle.finished, 'the run has its outcome while the target closes');
  assert.not.ok(handle.interrupt(), 'no interrupt after the outcome');
  release();
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.is(report.status, 'passed');
});

signals.run();
