import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../engine/journal.ts';
import { LONG_WORKFLOW, ROOT, onlyRun, runCli, spawnEngine, tmp, waitUntil } from '../helpers/engine.ts';

/**
 * The command line, through `main(argv, io)` in this process; only the tests of the process
 * itself (its exit code, its signals, `kill -9`) spawn `bin/engine.js`.
 */
const cli = suite('cli');

function started(stateDir: string, stepId: string): boolean {
  const j = onlyRun(stateDir);
  return Boolean(j && readJournal(j.path).records.some((r) => r.kind === 'step-intent' && r.stepId === stepId));
}

cli('validate: five mistakes give five located lines, exit 2, no stack trace', async () => {
  const r = await runCli(['validate', 'test/engine/fixtures/five-mistakes.yaml']);
  assert.is(r.code, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 5, r.stderr);
  for (const line of lines) assert.match(line, /^test\/engine\/fixtures\/five-mistakes\.yaml:\d+:\d+: \/steps\/\d+\/\S+: .+/);
  assert.not.match(r.stderr, /\n\s+at /);
  assert.is(r.stdout, '');
});

cli('validate: a valid example passes', async () => {
  const r = await runCli(['validate', 'workflows/examples/generic-saga.yaml']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /ok \(5 steps\)/);
});

cli('usage errors: one line, exit 2', async () => {
  for (const args of [
    [],
    ['frobnicate'],
    ['run'],
    ['graph', 'a', 'b'],
    ['run', 'x.yaml', '--bogus'],
    ['graph', 'workflows/examples/generic-saga.yaml', '--format', 'png'],
  ]) {
    const r = await runCli(args);
    assert.is(r.code, 2, `engine ${args.join(' ')}`);
    if (args.length) assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.not.match(r.stderr, /\n\s+at /);
  }
  const dir = tmp();
  const file = join(dir, 'wf.yaml');
  writeFileSync(file, 'name: i\ninputs:\n  n: { type: integer }\nsteps:\n  - { id: a, type: wait, params: { ms: "${{ inputs.n }}" } }\n');
  const missing = await runCli(['run', file, '--state-dir', join(dir, 's')]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /missing required input 'n'/);
  const bad = await runCli(['run', file, '--input', 'n=abc', '--state-dir', join(dir, 's')]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /input 'n' must be an integer/);
});

cli('the process exits with the code main returns: 2 for an invalid workflow, 0 for --help', async () => {
  const invalid = await spawnEngine(['validate', 'test/engine/fixtures/five-mistakes.yaml']);
  assert.is(invalid.code, 2);
  assert.is(invalid.stderr.trimEnd().split('\n').length, 5, invalid.stderr);
  const help = await spawnEngine(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^usage: engine <command>/);
});

cli('steps lists every type with its params; graph prints mermaid and dot', async () => {
  const steps = await runCli(['steps']);
  assert.is(steps.code, 0);
  for (const t of ['wait', 'fail', 'writeFile']) assert.match(steps.stdout, new RegExp(`^${t}`, 'm'));
  assert.match(steps.stdout, /path: string \(required\)/);
  const mermaid = await runCli(['graph', 'workflows/examples/generic-saga.yaml']);
  assert.is(mermaid.code, 0);
  assert.match(mermaid.stdout, /^stateDiagram-v2/);
  const dot = await runCli(['graph', 'workflows/examples/generic-saga.yaml', '--format', 'dot']);
  assert.match(dot.stdout, /^digraph workflow \{/);
});

cli('run --json prints the report; report.md and report.json are written; runs lists it', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const r = await runCli(['run', 'workflows/examples/generic-saga.yaml', '--json', '--state-dir', state, '--input', 'failAtEnd=true']);
  assert.is(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { status: string; exitCode: number; outputs: Record<string, unknown>; runDir: string };
  assert.is(report.status, 'failed');
  assert.is(report.outputs.waitedMs, 200);
  assert.ok(existsSync(join(report.runDir, 'report.md')) && existsSync(join(report.runDir, 'report.json')));
  assert.match(r.stderr, /retry flaky attempt 1 failed/);
  assert.match(r.stderr, /undone writeFirst/);
  assert.not.match(r.stderr, /\u001b\[/, 'NO_COLOR: no escape codes');
  const runs = await runCli(['runs'], { env: { ENGINE_STATE_DIR: state } });
  assert.match(runs.stdout, /failed\s+generic-saga/);
});

cli("an embedded run keeps the emulator's log in its folder, stamped with AWS time; the summary names it", async () => {
  const dir = tmp();
  const file = join(dir, 'zone.yaml');
  writeFileSync(
    file,
    'name: zone-then-fail\nsteps:\n  - { id: zone, type: createZone, params: { name: log.example.test } }\n  - { id: boom, type: fail, params: { message: on purpose } }\n',
  );
  const r = await runCli(['run', file, '--state-dir', join(dir, 'state'), '--seed', '7']);
  assert.is(r.code, 1, r.stderr);
  const path = /^emulator log: (.+)$/m.exec(r.stdout)?.[1];
  assert.ok(path && existsSync(path), r.stdout);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.ok(
    lines.some((l) => / route53 CreateHostedZone 201 /.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => / route53 DeleteHostedZone 200 /.test(l)),
    'the compensation is in it too',
  );
  // The idle-skipping clock starts at 2026-01-01: the stamps are AWS time, not the wall clock.
  assert.ok(
    lines.every((l) => l.startsWith('2026-01-01T00:')),
    lines[0],
  );
});

cli('--version, and --help for every command', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = await runCli(['--version']);
  assert.equal([v.code, v.stdout], [0, `engine ${version}\n`]);
  const usage = await runCli(['--help']);
  const names = [...usage.stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]!);
  assert.equal(names, [
    'run',
    'prove',
    'repeat',
    'validate',
    'plan',
    'graph',
    'steps',
    'schema',
    'runs',
    'rollback',
    'destroy',
    'report',
    'serve',
  ]);
  for (const name of names) {
    const help = await runCli([name, '--help']);
    assert.is(help.code, 0, name);
    assert.match(help.stdout, new RegExp(`^usage: engine ${name}\\b`), name);
  }
});

cli('no doubled prefix: a usage error reads "engine: <command> ..."', async () => {
  const r = await runCli(['validate']);
  assert.is(r.code, 2);
  assert.is(r.stderr, 'engine: validate expects at least one argument, got 0\n');
  const graph = await runCli(['graph', 'a', 'b']);
  assert.is(graph.stderr, 'engine: graph expects one argument, got 2\n');
});

cli('validate takes several files and --json', async () => {
  const files = ['workflows/examples/generic-saga.yaml', 'test/engine/fixtures/five-mistakes.yaml'];
  const text = await runCli(['validate', ...files]);
  assert.is(text.code, 2);
  assert.match(text.stdout, /generic-saga\.yaml: ok \(5 steps\)/);
  assert.is(text.stderr.trimEnd().split('\n').length, 5);
  const json = await runCli(['validate', '--json', ...files]);
  assert.is(json.code, 2);
  const results = JSON.parse(json.stdout) as Array<{ file: string; valid: boolean; problems: Array<{ line: number; path: string }> }>;
  assert.equal(
    results.map((r) => [r.file, r.valid, r.problems.length]),
    [
      [files[0], true, 0],
      [files[1], false, 5],
    ],
  );
  assert.is(json.stderr, '');
});

cli('run --json of an invalid workflow prints its problems as JSON', async () => {
  const r = await runCli(['run', 'test/engine/fixtures/five-mistakes.yaml', '--json', '--state-dir', join(tmp(), 's')]);
  assert.is(r.code, 2);
  const doc = JSON.parse(r.stdout) as { status: string; exitCode: number; problems: unknown[] };
  assert.equal([doc.status, doc.exitCode, doc.problems.length], ['invalid', 2, 5]);
});

cli('runs shows a header, start, duration, exit code and what is held; destroy releases it; --prune removes settled runs', async () => {
  const state = join(tmp(), 'state');
  const passed = await runCli(['run', 'workflows/examples/generic-saga.yaml', '--json', '--state-dir', state]);
  assert.is(passed.code, 0, passed.stderr);
  const { runId, runDir } = JSON.parse(passed.stdout) as { runId: string; runDir: string };
  assert.ok(existsSync(join(runDir, 'first.txt')), 'a passed run with cleanup: onFailure keeps its files');
  const table = await runCli(['runs', '--state-dir', state]);
  const [header, row] = table.stdout.trimEnd().split('\n');
  assert.match(header!, /^RUN\s+STATUS\s+WORKFLOW\s+STARTED\s+DURATION\s+EXIT\s+HELD$/);
  assert.match(
    row!,
    new RegExp(
      `^${runId}\\s+passed\\s+generic-saga\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+\\d\\S*s\\s+0\\s+2 kept \\(engine destroy ${runId}\\)$`,
    ),
  );
  const rollback = await runCli(['rollback', runId, '--state-dir', state]);
  assert.match(rollback.stdout, /passed; nothing to roll back \(it kept 2 step\(s\)' resources: engine destroy/);
  assert.is(
    (await runCli(['runs', '--prune', '--state-dir', state])).stdout,
    'nothing to prune\n',
    'a run holding resources is not settled',
  );
  const destroy = await runCli(['destroy', runId, '--state-dir', state]);
  assert.is(destroy.code, 0, destroy.stderr);
  assert.match(destroy.stdout, /compensated 2 step\(s\): writeLeft, writeFirst/);
  assert.not.ok(existsSync(join(runDir, 'first.txt')));
  assert.is((await runCli(['runs', '--prune', '--older-than', '7d', '--state-dir', state])).stdout, 'nothing to prune\n', 'too recent');
  const prune = await runCli(['runs', '--prune', '--state-dir', state]);
  assert.is(prune.stdout, `pruned 1 settled run(s): ${runId}\n`);
  assert.not.ok(existsSync(runDir));
  assert.is((await runCli(['runs', '--older-than', '7d', '--state-dir', state])).code, 2, '--older-than needs --prune');
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
  const runs = await runCli(['runs', '--state-dir', state]);
  assert.match(runs.stdout, new RegExp(`${runId}\\s+unfinished`));
  const first = await runCli(['rollback', runId, '--state-dir', state]);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /compensated 2 step\(s\): second, first/);
  assert.not.ok(existsSync(join(dir, 'first.txt')) || existsSync(join(dir, 'second.txt')));
  const second = await runCli(['rollback', runId, '--state-dir', state]);
  assert.is(second.code, 0);
  assert.match(second.stdout, /nothing left to do/);
  const unknown = await runCli(['rollback', 'no-such-run', '--state-dir', state]);
  assert.is(unknown.code, 2);
});

cli.run();
