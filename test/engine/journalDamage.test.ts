import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalPath } from '../../engine/journal.ts';
import { events, gate, gates, runCli, startYaml, tmp } from '../helpers/engine.ts';

/**
 * A journal that cannot be written or cannot be trusted: a write failure mid-run compensates
 * from memory; rollback refuses a damaged journal with the reason; a malformed record is
 * skipped with its line number and never breaks another run.
 */
const damage = suite('journal damage');
damage.before.each(() => {
  events.length = 0;
  gates.clear();
});

/** Three files, then a failure; `cleanup: never` leaves the files for `engine rollback`. */
const THREE_FILES = (out: string) => `name: files
cleanup: never
steps:
  - { id: w1, type: writeFile, params: { path: ${out}/1.txt, content: "1" } }
  - { id: w2, type: writeFile, params: { path: ${out}/2.txt, content: "2" } }
  - { id: w3, type: writeFile, params: { path: ${out}/3.txt, content: "3" } }
  - { id: boom, type: fail, rollback: false }
`;

/** A finished run's journal lines and run id. */
async function realJournal(): Promise<{ lines: string[]; runId: string; out: string; dir: string }> {
  const dir = tmp();
  const out = join(dir, 'out');
  mkdirSync(out);
  const { handle } = startYaml(THREE_FILES(out), { dir, fsync: false });
  assert.is((await handle.done).exitCode, 1);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const lines = readFileSync(handle.journalPath, 'utf8').split('\n').filter(Boolean);
  return { lines, runId: handle.runId, out, dir };
}

/** A state dir holding one run whose journal is `lines`. */
function stateWith(dir: string, name: string, runId: string, lines: string[]): string {
  const stateDir = join(dir, name);
  mkdirSync(join(stateDir, 'runs', runId), { recursive: true });
  writeFileSync(journalPath(stateDir, runId), lines.map((l) => l + '\n').join(''));
  return stateDir;
}

damage('a journal cut at every record boundary of a real run: rollback leaves nothing behind', async () => {
  const { lines, runId, out, dir } = await realJournal();
  assert.ok(lines.length > 10, `${lines.length} records`);
  for (let k = 1; k <= lines.length; k++) {
    const prefix = lines.slice(0, k);
    // The world after a crash at record k: a step whose intent is journaled may have written its file.
    for (const line of prefix) {
      const r = JSON.parse(line) as { kind: string; params?: { path?: string } };
      if (r.kind === 'step-intent' && r.params?.path) writeFileSync(r.params.path, 'x');
    }
    const result = await runCli(['rollback', runId, '--state-dir', stateWith(dir, `s${k}`, runId, prefix)]);
    assert.is(result.code, 0, `cut after record ${k}: ${result.stdout}${result.stderr}`);
    assert.equal(readdirSync(out), [], `cut after record ${k}: ${result.stdout}`);
  }
});

damage('rollback refuses an empty journal, one without run-start and a forged run-end, and says why', async () => {
  const { lines, runId, out, dir } = await realJournal();
  const refuse = async (name: string, journal: string[], reason: RegExp) => {
    const r = await runCli(['rollback', runId, '--state-dir', stateWith(dir, name, runId, journal)]);
    assert.is(r.code, 3, `${name}: ${r.stdout}${r.stderr}`);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /the journal cannot be trusted: /);
    assert.match(r.stderr, reason);
  };
  writeFileSync(join(out, '1.txt'), 'x');
  await refuse('empty', [], /the journal is empty/);
  await refuse('headless', lines.slice(1), /does not start with its run-start record/);
  const killed = lines.slice(0, lines.findIndex((l) => l.includes('"step-intent"') && l.includes('"w2"')) + 1);
  const forged = JSON.stringify({ ts: new Date().toISOString(), kind: 'run-end', status: 'passed', exitCode: 0, seq: 999 });
  await refuse('forged', [...killed, forged], /run-end says passed, but step\(s\) w2, w3, boom never finished/);
  await refuse(
    'garbled',
    [lines[0]!, '{"kind":"step-intent","stepId":"w1","seq":2}', ...lines.slice(2)],
    /line 2: step-intent without string type/,
  );
  assert.ok(existsSync(join(out, '1.txt')), 'nothing was compensated');
});

damage('a malformed record is skipped with its line number; engine runs still lists every run', async () => {
  const { lines, runId, dir } = await realJournal();
  const stateDir = stateWith(dir, 'state', runId, lines);
  const other = startYaml('name: ok\nsteps:\n  - { id: a, type: record }\n', { dir, stateDir, fsync: false });
  await other.handle.done;
  appendFileSync(journalPath(stateDir, runId), '{"kind":"step-intent","stepId":"x"}\n');
  const table = await runCli(['runs', '--state-dir', stateDir]);
  assert.is(table.code, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`^${runId}\\s+failed\\s+files`, 'm'));
  assert.match(table.stdout, /passed\s+ok/);
  assert.is(table.stderr, `engine: run ${runId}: journal line ${lines.length + 1}: step-intent without seq (skipped)\n`);
  const json = await runCli(['runs', '--json', '--state-dir', stateDir]);
  assert.is(json.code, 0);
  assert.is((JSON.parse(json.stdout) as unknown[]).length, 2);
});

damage('the run folder deleted mid-run: the run stops, compensates from memory and says so', async () => {
  const dir = tmp();
  const out = join(dir, 'out');
  mkdirSync(out);
  const { handle } = startYaml(
    `name: gone
steps:
  - { id: w1, type: writeFile, params: { path: ${out}/1.txt, content: "1" } }
  - { id: held, type: record, params: { gate: held } }
  - { id: w2, type: writeFile, params: { path: ${out}/2.txt, content: "2" } }
`,
    { dir },
  );
  while (!events.includes('run:held')) await new Promise((r) => setImmediate(r));
  rmSync(handle.runDir, { recursive: true });
  gate('held').release();
  const report = await handle.done;
  assert.equal([report.status, report.exitCode, report.error?.code], ['failed', 1, 'E_JOURNAL']);
  assert.match(report.error?.message ?? '', /was deleted while the run was writing it/);
  assert.equal(events, ['run:held', 'end:held', 'undo:held']);
  assert.equal(readdirSync(out), [], 'w1 compensated, w2 never ran');
});

/** A 64 KiB tmpfs (Linux, root): the state dir fills up mid-run. */
const canMount = process.platform === 'linux' && process.getuid?.() === 0;
if (!canMount) console.log('  skipped "a full disk mid-run": needs Linux and root to mount a small tmpfs');
(canMount ? damage : damage.skip)('a full disk mid-run: the run compensates and exits 1 with one clear line, no stack', async () => {
  const dir = tmp();
  const out = join(dir, 'out');
  const stateDir = join(dir, 'state');
  mkdirSync(out);
  mkdirSync(stateDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', stateDir]);
  try {
    const content = 'x'.repeat(8 * 1024);
    const steps = Array.from(
      { length: 12 },
      (_, i) => `  - { id: w${i}, type: writeFile, params: { path: ${out}/${i}.txt, content: "${content}" } }`,
    );
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `name: big\nsteps:\n${steps.join('\n')}\n`);
    const r = await runCli(['run', file, '--state-dir', stateDir]);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot write the journal .*: ENOSPC: stopping, and compensating from what the run holds in memory/);
    assert.not.match(r.stderr, /\n\s+at /);
    assert.match(r.stdout, /FAILED \(exit 1\)/);
    assert.equal(readdirSync(out), [], 'every file written was deleted again');
  } finally {
    execFileSync('umount', [stateDir]);
  }
});

(canMount ? damage : damage.skip)(
  'a full disk during engine rollback: it compensates anyway and exits 3, saying the journal does not show it',
  async () => {
    const { lines, runId, out, dir } = await realJournal();
    const stateDir = join(dir, 'full');
    mkdirSync(stateDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', stateDir]);
    try {
      mkdirSync(join(stateDir, 'runs', runId), { recursive: true });
      writeFileSync(journalPath(stateDir, runId), lines.map((l) => l + '\n').join(''));
      for (const f of ['1', '2', '3']) writeFileSync(join(out, `${f}.txt`), f);
      try {
        writeFileSync(join(stateDir, 'filler'), Buffer.alloc(128 * 1024));
      } catch {
        // the filler stops where the disk is full: that is the point
      }
      const r = await runCli(['rollback', runId, '--state-dir', stateDir]);
      assert.is(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /compensated 3, but cannot write the journal .*ENOSPC: the journal does not record it/);
      assert.not.match(r.stderr, /\n\s+at /);
      assert.equal(readdirSync(out), []);
    } finally {
      execFileSync('umount', [stateDir]);
    }
  },
);

damage.run();
