import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, journalPath, readJournal } from '../../engine/journal.ts';
import { isAlive, processStart, summarizeJournal, type RunSummary } from '../../engine/runs.ts';
import { runCli, startYaml, tmp, waitUntil } from '../helpers/engine.ts';

/**
 * `engine runs` calls a run "running" only while the process that wrote its journal is: the
 * pid recorded in run-start must be alive, not a zombie, and started when that process did
 * (`pidStart`). A reused pid is not the run, so `engine rollback` goes ahead.
 */
const liveness = suite('liveness');
const children: ChildProcess[] = [];
liveness.after.each(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A live process that is not an engine run (its pid stands in for a reused one). */
async function bystander(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child as ChildProcess & { pid: number };
}

/** A journal as a run killed after writing `made.txt` leaves it, written by `pid` (started `pidStart`). */
function fabricate(pid: number, pidStart: string | undefined): { dir: string; stateDir: string; runId: string; made: string } {
  const dir = tmp();
  const stateDir = join(dir, 'state');
  const runId = '20260101T000000Z-abcdef';
  const made = join(dir, 'made.txt');
  writeFileSync(made, 'x');
  const journal = Journal.open(journalPath(stateDir, runId), { fsync: false });
  journal.append({
    kind: 'run-start',
    runId,
    workflow: { file: join(dir, 'wf.yaml'), name: 'fabricated', digest: '0', dir },
    inputs: {},
    target: { kind: 'embedded', timeScale: 20 },
    cleanup: 'onFailure',
    pid,
    ...(pidStart !== undefined ? { pidStart } : {}),
  });
  journal.append({
    kind: 'step-intent',
    stepId: 'made',
    type: 'writeFile',
    params: { path: made, content: 'x' },
    rollback: { kind: 'default' },
    needsTarget: false,
  });
  journal.append({
    kind: 'step-result',
    stepId: 'made',
    status: 'succeeded',
    attempts: 1,
    durationMs: 1,
    outputs: { path: made, bytes: 1 },
  });
  journal.close();
  return { dir, stateDir, runId, made };
}

async function runsOf(stateDir: string): Promise<RunSummary[]> {
  const r = await runCli(['runs', '--json', '--state-dir', stateDir]);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RunSummary[];
}

liveness('a run records the identity of its process next to its pid', async () => {
  const { handle } = startYaml('name: p\nsteps:\n  - { id: a, type: record }\n');
  await handle.done;
  const start = readJournal(handle.journalPath).records[0]!;
  assert.is(start.kind, 'run-start');
  if (start.kind !== 'run-start') return;
  assert.is(start.pid, process.pid);
  assert.type(start.pidStart, 'string');
  assert.is(start.pidStart, processStart(process.pid));
});

liveness('processStart tells processes apart and is stable for one process', async () => {
  const child = await bystander();
  const mine = processStart(process.pid) as string;
  const theirs = processStart(child.pid) as string;
  assert.type(mine, 'string');
  assert.type(theirs, 'string');
  assert.is.not(mine, theirs);
  assert.is(processStart(child.pid), theirs);
  assert.ok(isAlive(child.pid, theirs));
  assert.not.ok(isAlive(child.pid, mine), 'same pid, different start: another process');
  assert.ok(isAlive(child.pid), 'nothing recorded (an older journal): the pid alone decides');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.is(processStart(child.pid), null);
  assert.not.ok(isAlive(child.pid, theirs));
  const viaPs = processStart(process.pid, 'ps');
  if (viaPs !== undefined) {
    assert.match(String(viaPs), /^ps:\S/);
    assert.is(processStart(process.pid, 'ps'), viaPs);
  }
});

liveness('a live pid that belongs to another process: engine runs says unfinished, engine rollback proceeds', async () => {
  const child = await bystander();
  const recorded = processStart(process.pid)!; // the run's process, long gone; its pid now belongs to `child`
  assert.is.not(recorded, processStart(child.pid));
  const { stateDir, runId, made } = fabricate(child.pid, recorded);
  const [summary] = await runsOf(stateDir);
  assert.equal(
    [summary!.runId, summary!.pid, summary!.status, summary!.needsRollback, summary!.pending],
    [runId, child.pid, 'unfinished', true, ['made']],
  );
  const table = await runCli(['runs', '--state-dir', stateDir]);
  assert.match(table.stdout, new RegExp(`^${runId}\\s+unfinished\\s+fabricated .*1 to compensate`, 'm'));
  const rollback = await runCli(['rollback', runId, '--state-dir', stateDir]);
  assert.is(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /compensated 1 step\(s\): made/);
  assert.not.ok(existsSync(made));
  assert.is(child.exitCode, null, 'the bystander was left alone');
});

liveness('the process that wrote the journal still running: running, and rollback refuses until it is gone', async () => {
  const child = await bystander();
  const { stateDir, runId, made } = fabricate(child.pid, processStart(child.pid)!);
  assert.is((await runsOf(stateDir))[0]!.status, 'running');
  const refused = await runCli(['rollback', runId, '--state-dir', stateDir]);
  assert.is(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`run ${runId} is still in progress \\(pid ${child.pid}\\)`));
  assert.ok(existsSync(made));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.is((await runsOf(stateDir))[0]!.status, 'unfinished');
  const rollback = await runCli(['rollback', runId, '--state-dir', stateDir]);
  assert.is(rollback.code, 0, rollback.stderr);
  assert.not.ok(existsSync(made));
});

// Without /proc the test is reported as skipped, not passed.
(existsSync('/proc/self/stat') ? liveness : liveness.skip)('a zombie is not running (Linux)', async () => {
  // `sh` forks a short sleep, then becomes a long sleep that never reaps it: a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 120'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  let out = '';
  parent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(() => out.includes('\n'), 10_000, 'the zombie-to-be');
  const pid = Number(out.trim());
  const start = processStart(pid);
  assert.type(start, 'string', 'alive at first');
  const state = () => (existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] : 'gone');
  await waitUntil(() => state() !== 'S' && state() !== 'R', 10_000, 'the sleep to end');
  assert.is(state(), 'Z', 'the test needs an unreaped child');
  assert.is(processStart(pid), null);
  assert.not.ok(isAlive(pid, start!), 'kill(pid, 0) succeeds on a zombie, but it is not running');
  const { stateDir } = fabricate(pid, start!);
  assert.is(summarizeJournal('x', readJournal(journalPath(stateDir, '20260101T000000Z-abcdef')).records).status, 'unfinished');
});

liveness.run();
