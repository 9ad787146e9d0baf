import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../engine/journal.ts';
import { LONG_WORKFLOW, onlyRun, spawnEngine, tmp, waitUntil } from '../helpers/engine.ts';

const cli = suite('cli');



function started(stateDir: string, stepId: string): boolean {
  const j = onlyRun(stateDir);
  return Boolean(j && readJournal(j.path).records.some((r) => r.kind === 'step-intent' && r.stepId === stepId));
}

cli('validate: five mistakes give five located lines, exit 2, no stack trace', async () => {
  const r = await spawnEngine(['validate', 'test/engine/fixtures/five-mistakes.yaml']);
  assert.is(r.code, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 5, r.stderr);
  for (const line of lines) assert.match(line, /^test\/engine\/fixtures\/five-mistakes\.yaml:\d+:\d+: \/steps\/\d+\/\S+: .+/);
  assert.not.match(r.stderr, /\n\s+at /);
  assert.is(r.stdout, '');
});

cli('validate: a valid example passes', async () => {
  const r = await spawnEngine(['validate', 'workflows/examples/generic-saga.yaml']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /ok \(5 steps\)/);
});

cli('usage errors: one line, exit 2', async () => {
  for (const args of [[], ['frobnicate'], ['run'], ['validate', 'a', 'b'], ['run', 'x.yaml', '--bogus'], ['graph', 'workflows/examples/generic-saga.yaml', '--format', 'png']]) {
    const r = await spawnEngine(args);
    assert.is(r.code, 2, `engine ${args.join(' ')}`);
    if (args.length) assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.not.match(r.stderr, /\n\s+at /);
  }
  const dir = tmp();
  const file = join(dir, 'wf.yaml');
  writeFileSync(file, 'name: i\ninputs:\n  n: { type: integer }\nsteps:\n  - { id: a, type: wait, params: { ms: "${{ inputs.n }}" } }\n');
  const missing = await spawnEngine(['run', file, '--state-dir', join(dir, 's')]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /missing required input 'n'/);
  const bad = await spawnEngine(['run', file, '--input', 'n=abc', '--state-dir', join(dir, 's')]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /input 'n' must be an integer/);
});

cli('steps lists every type with its params; graph prints mermaid and dot', async () => {
  const steps = await spawnEngine(['steps']);
  assert.is(steps.code, 0);
  for (const t of ['wait', 'fail', 'writeFile']) assert.match(steps.stdout, new RegExp(`^${t}`, 'm'));
  assert.match(steps.stdout, /path: string \(required\)/);
  const mermaid = await spawnEngine(['graph', 'workflows/examples/generic-saga.yaml']);
  assert.is(mermaid.code, 0);
  assert.match(mermaid.stdout, /^stateDiagram-v2/);
  const dot = await spawnEngine(['graph', 'workflows/examples/generic-saga.yaml', '--format', 'dot']);
  assert.match(dot.stdout, /^digraph workflow \{/);
});

cli('run --json prints the report; report.md and report.json are written; runs lists it', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const r = await spawnEngine(['run', 'workflows/examples/generic-saga.yaml', '--json', '--state-dir', state, '--input', 'failAtEnd=true']);
  assert.is(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { status: string; exitCode: number; outputs: Record<string, unknown>; runDir: string };
  assert.is(report.status, 'failed');
  assert.is(report.outputs.waitedMs, 200);
  assert.ok(existsSync(join(report.runDir, 'report.md')) && existsSync(join(report.runDir, 'report.json')));
  assert.match(r.stderr, /retry flaky attempt 1 failed/);
  assert.match(r.stderr, /undone writeFirst/);
  assert.not.match(r.stderr, /\u001b\[/, 'NO_COLOR: no escape codes');
  const runs = await spawnEngine(['runs'], { env: { ENGINE_STATE_DIR: state } });
  assert.match(runs.stdout, /failed\s+generic-saga/);
});

cli('SIGINT during a long step compensates and exits 130', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const file = join(dir, 'long.yaml');
  writeFileSync(file, LONG_WORKFLOW(dir));
  const r = await spawnEngine(['run', file, '--state-dir', state, '--time-scale', '1'], {
    onStart: (child) => {
      void waitUntil(() => started(state, 'long'), 20_000, 'the long step').then(() => child.kill('SIGINT'));
    },
  });
  assert.is(r.code, 130, r.stderr);
  assert.match(r.stdout, /INTERRUPTED \(exit 130\)/);
  assert.not.ok(existsSync(join(dir, 'first.txt')) || existsSync(join(dir, 'second.txt')), 'files compensated');
  assert.not.ok(existsSync(join(dir, 'after.txt')));
});

cli('kill -9, then engine rollback completes the compensation from the journal; twice is fine', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const file = join(dir, 'long.yaml');
  writeFileSync(file, LONG_WORKFLOW(dir));
  const r = await spawnEngine(['run', file, '--state-dir', state, '--time-scale', '1'], {
    onStart: (child) => {
      void waitUntil(() => started(state, 'long'), 20_000, 'the long step').then(() => child.kill('SIGKILL'));
    },
  });
  assert.is(r.signal, 'SIGKILL');
  assert.ok(existsSync(join(dir, 'first.txt')) && existsSync(join(dir, 'second.txt')));
  const { runId } = onlyRun(state)!;
  const runs = await spawnEngine(['runs', '--state-dir', state]);
  assert.match(runs.stdout, new RegExp(`${runId}\\s+unfinished`));
  const first = await spawnEngine(['rollback', runId, '--state-dir', state]);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /compensated 2 step\(s\): second, first/);
  assert.not.ok(existsSync(join(dir, 'first.txt')) || existsSync(join(dir, 'second.txt')));
  const second = await spawnEngine(['rollback', runId, '--state-dir', state]);
  assert.is(second.code, 0);
  assert.match(second.stdout, /nothing left to do/);
  const unknown = await spawnEngine(['rollback', 'no-such-run', '--state-dir', state]);
  assert.is(unknown.code, 2);
});

cli.run();
