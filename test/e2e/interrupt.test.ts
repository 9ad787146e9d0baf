import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT, tmp } from '../helpers/engine.ts';
import { readJournal, recordsOf, type JournalEntry, type RunResult } from './drillJournal.ts';
import { Children, Clients, exitOf, journalIn, leftovers, poll, serveReady, soleRunId, stepIdsOf, type EngineChild } from './leftovers.ts';

/**
 * Interrupting the drill during the outage (issue "The failover drill", Must show): Ctrl-C
 * stops the experiment and cleans up; `kill -9` leaves the experiment running, and
 * `engine rollback <runId>` against the same `engine serve` stops it and removes everything.
 *
 * One `engine serve --time-scale 5` for the whole file: the health check needs 20–30 s of AWS
 * time to flip, 4–6 s of wall time at this scale, so a run sits in awaitFailover long enough
 * to be interrupted there (the journal is polled every few ms). The drill runs from a copy of
 * workflows/route53-failover.yaml whose 45 s steady state is cut to STEADY_STATE (the steps
 * before the outage, and what is interrupted, are the drill's own; at 5× the full steady state
 * would cost each run 9 s of wall time waiting). Each run is interrupted as soon as its journal
 * shows breakPrimary's result (the experiment runs).
 */
// npm test runs this file last, with the other real-time files: its drills run on real-time clocks, which a machine loaded by the test groups would distort.
const test = suite('e2e/interrupt');

/** Compensable steps of the drill that have started once the experiment runs, newest first. */
const COMPENSATED = ['breakPrimary', 'failoverRecords', 'healthCheck', 'zone', 'primary', 'standby'];
/** Generous waits on real processes (a loaded machine stretches provisioning and seeding). */
const OUTAGE_TIMEOUT_MS = 180_000;
const EXIT_TIMEOUT_MS = 120_000;

/** The copy's steady state before the outage (the drill's own is 45 s). */
const STEADY_STATE = '5s';

const children = new Children();
const dirs: string[] = [];
let serve: EngineChild | undefined;
let target: { endpoint: string; dns: string } | undefined;
let clients: Clients | undefined;
let drillFile: string;

test.before(async () => {
  // The drill with a shorter steady state, next to a copy of its experiments (`templateFile`).
  const dir = tmp('drill-interrupt-workflow-');
  dirs.push(dir);
  cpSync(join(ROOT, 'workflows/experiments'), join(dir, 'experiments'), { recursive: true });
  const doc = parse(readFileSync(join(ROOT, 'workflows/route53-failover.yaml'), 'utf8')) as {
    steps: Array<{ id: string; type?: string; params?: Record<string, unknown> }>;
  };
  const steady = doc.steps.find((step) => step.id === 'steadyState');
  assert.is(steady?.type, 'wait', 'the drill still has its steadyState wait');
  steady!.params = { ...steady!.params, duration: STEADY_STATE };
  drillFile = join(dir, 'route53-failover.yaml');
  writeFileSync(drillFile, stringify(doc));
  serve = children.engine(['serve', '--port', '0', '--dns-port', '0', '--time-scale', '5']);
  target = await serveReady(serve);
  clients = new Clients(target.endpoint);
});

test.after(async () => {
  clients?.destroy();
  await children.killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts the drill against `engine serve` and waits until the experiment is running. */
async function startDrillUntilOutage(): Promise<{ run: EngineChild; stateDir: string; runId: string; experimentId: string }> {
  const dir = tmp('drill-interrupt-');
  dirs.push(dir);
  const stateDir = join(dir, 'state');
  const run = children.engine(['run', drillFile, '--endpoint', target!.endpoint, '--dns', target!.dns, '--state-dir', stateDir, '--json']);
  let exited = false;
  void run.exited.then(() => (exited = true));
  const outputs = await poll(
    () => {
      if (exited) throw new Error(`engine run exited before the outage began:\n${run.output.stderr.slice(-3000)}`);
      return recordsOf(journalIn(stateDir), 'step-result').find((e) => e.stepId === 'breakPrimary' && e.status === 'succeeded')?.outputs as
        | Record<string, unknown>
        | undefined;
    },
    OUTAGE_TIMEOUT_MS,
    "breakPrimary's result in the journal (the experiment running)",
    () => run.output.stderr.slice(-3000),
  );
  // The next step is waiting for the failover (its intent is journaled right after breakPrimary's result).
  await poll(
    () => (stepIdsOf(journalIn(stateDir), 'step-intent').includes('awaitFailover') ? true : undefined),
    OUTAGE_TIMEOUT_MS,
    "awaitFailover's intent in the journal",
    () => run.output.stderr.slice(-3000),
  );
  const experimentId = outputs.experimentId as string;
  assert.type(experimentId, 'string');
  // The outage is on and the run is waiting for the failover: the moment to interrupt.
  assert.is(await clients!.experimentStatus(experimentId), 'running');
  assert.not.ok(stepIdsOf(journalIn(stateDir), 'step-result').includes('awaitFailover'), 'the run is still waiting for the failover');
  return { run, stateDir, runId: soleRunId(stateDir)!, experimentId };
}

/** Every started compensable step was compensated successfully, newest first. */
function assertCompensated(journal: JournalEntry[]): void {
  assert.equal(stepIdsOf(journal, 'compensation-start'), COMPENSATED);
  const results = journal.filter((e) => e.kind === 'compensation-result');
  assert.equal(
    results.map((e) => `${e.stepId}:${e.status}`),
    COMPENSATED.map((id) => `${id}:succeeded`),
  );
}

async function assertNothingLeft(context: string): Promise<void> {
  const left = await leftovers(clients!);
  assert.equal(left, [], `${context}: ${left.length} resource(s) left on engine serve:\n  ${left.join('\n  ')}`);
}

test('Ctrl-C during the outage: the experiment is stopped, everything is cleaned up, exit 130', async () => {
  const { run, stateDir, runId, experimentId } = await startDrillUntilOutage();
  run.child.kill('SIGINT');
  const { code, signal } = await exitOf(run, EXIT_TIMEOUT_MS);
  assert.is(signal, null);
  assert.is(code, 130, `expected exit 130 (interrupted, compensated), got ${code}:\n${run.output.stderr.slice(-3000)}`);
  const report = JSON.parse(run.output.stdout) as RunResult;
  assert.is(report.status, 'interrupted');
  assert.is(report.runId, runId);

  const journal = readJournal(stateDir, runId);
  const awaitFailover = recordsOf(journal, 'step-result').find((e) => e.stepId === 'awaitFailover');
  assert.is(awaitFailover?.status, 'aborted', 'the running step was aborted by the interrupt');
  assertCompensated(journal);
  assert.equal(
    recordsOf(journal.slice(-1), 'run-end').map((e) => e.status),
    ['interrupted'],
  );

  assert.is(await clients!.experimentStatus(experimentId), 'stopped');
  await assertNothingLeft('after Ctrl-C');
});

test('kill -9 during the outage leaves the experiment running; `engine rollback <runId>` stops it and removes everything; again is a no-op', async () => {
  const { run, stateDir, runId, experimentId } = await startDrillUntilOutage();
  run.child.kill('SIGKILL');
  const { signal } = await exitOf(run, EXIT_TIMEOUT_MS);
  assert.is(signal, 'SIGKILL');

  // Nothing was compensated: the outage goes on and the stack is still there.
  assert.is(await clients!.experimentStatus(experimentId), 'running');
  const left = await leftovers(clients!);
  for (const kind of ['hosted zone', 'health check', 'experiment template', 'function', 'event source mapping', 'REST API', 'table']) {
    assert.ok(
      left.some((line) => line.startsWith(kind)),
      `before the rollback, a ${kind} should still exist:\n  ${left.join('\n  ')}`,
    );
  }
  const runs = children.engine(['runs', '--state-dir', stateDir]);
  assert.is((await exitOf(runs, EXIT_TIMEOUT_MS)).code, 0);
  assert.match(runs.output.stdout, new RegExp(`${runId}\\s+unfinished`));

  // The rollback finds the target (engine serve's endpoint) in the journal: no target flags.
  const rollback = children.engine(['rollback', runId, '--state-dir', stateDir]);
  const rolled = await exitOf(rollback, EXIT_TIMEOUT_MS);
  assert.is(rolled.code, 0, `engine rollback failed:\n${rollback.output.stdout}\n${rollback.output.stderr.slice(-3000)}`);
  assert.match(rollback.output.stdout, `compensated ${COMPENSATED.length} step(s): ${COMPENSATED.join(', ')}`);
  const journal = readJournal(stateDir, runId);
  assertCompensated(journal);
  assert.equal(
    recordsOf(journal.slice(-1), 'rollback-end').map((e) => e.status),
    ['rolled-back'],
  );

  assert.is(await clients!.experimentStatus(experimentId), 'stopped');
  await assertNothingLeft('after kill -9 and engine rollback');

  const again = children.engine(['rollback', runId, '--state-dir', stateDir]);
  const second = await exitOf(again, EXIT_TIMEOUT_MS);
  assert.is(second.code, 0, again.output.stderr);
  assert.match(again.output.stdout, /nothing left to do/);
  assert.equal(stepIdsOf(readJournal(stateDir, runId), 'compensation-start'), COMPENSATED, 'the second rollback compensates nothing');
});

test('engine serve stops on SIGINT with exit 0', async () => {
  assert.ok(serve, 'engine serve was started');
  serve!.child.kill('SIGINT');
  const { code, signal } = await exitOf(serve!, EXIT_TIMEOUT_MS);
  assert.is(signal, null);
  assert.is(code, 0, serve!.output.stderr.slice(-3000));
  assert.match(serve!.output.stderr, /emulator stopped/);
});

test.run();
