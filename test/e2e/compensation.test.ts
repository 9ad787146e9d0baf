import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { defaultRegistry } from '../../engine/commands.ts';
import { loadWorkflowFile } from '../../engine/load.ts';
import { lineProgress } from '../../engine/progress.ts';
import type { RunReport } from '../../engine/report.ts';
import { runWorkflow } from '../../engine/run.ts';
import { ROOT, tmp } from '../helpers/engine.ts';
import { sharedEmulatorSession } from '../helpers/sharedEmulatorSession.ts';
import { readJournal, recordsOf, stepIdOf, type JournalEntry } from './drillJournal.ts';
import { Clients, leftovers, stepIdsOf } from './leftovers.ts';

/**
 * The drill's compensation, end to end (issue "The failover drill", Must show): after a forced
 * failure right after each step of workflows/route53-failover.yaml (every top-level step, and
 * inside each branch of the parallel provision block), no resource created by the run is left —
 * zones, records, health checks, FIS templates and experiments, functions, event source mappings,
 * APIs, tables — the run exits 1, and its journal shows the compensations in reverse order.
 *
 * The failure is forced without touching product code: a copy of the workflow (its waits cut
 * short, see CASE_WAIT) with a `{ id: forcedFailure, type: fail }` step inserted, written to a
 * temp dir next to a copy of workflows/experiments/ (so `templateFile` resolves). The engine's
 * runner runs it in this process against an emulator this test owns, on that emulator's
 * idle-skipping clock (a case
 * costs its compute, not its AWS time; the command line and its exit codes are tested by
 * e2e/route53-failover and e2e/interrupt); what is left is asked afterwards with the real AWS
 * SDK clients. The emulator is only reset after that check: what is proven is that the ENGINE
 * cleaned up.
 */
const test = suite('e2e/compensation');

const DRILL = join(ROOT, 'workflows/route53-failover.yaml');
const EXPERIMENTS = join(ROOT, 'workflows/experiments');
const FORCED = 'forcedFailure';
const FORCED_MESSAGE = 'forced failure (e2e/compensation)';

interface StepItem {
  id: string;
  type?: string;
  parallel?: Record<string, StepItem[]>;
  [key: string]: unknown;
}
interface WorkflowDoc {
  steps: StepItem[];
  [key: string]: unknown;
}

/**
 * The forced-failure cases run the drill with its three `wait` steps (steady state 45 s, outage
 * held 90 s, failback settled 75 s) cut to this: long enough for the probes to fire a few times
 * (every 2 s), so that each case still fails and compensates with its probes at work. What those
 * waits are for, the objectives, is the passing drill's business, which runs them in full.
 * Every step, every resource and every compensation of the drill is there as written.
 */
const CASE_WAIT = '5s';

const drill = (): WorkflowDoc => parse(readFileSync(DRILL, 'utf8')) as WorkflowDoc;
/** The drill with its waits cut to CASE_WAIT (see above). */
function drillWithShortWaits(): WorkflowDoc {
  const doc = drill();
  const waits = doc.steps.filter((s) => s.type === 'wait');
  assert.equal(
    waits.map((s) => s.id),
    ['steadyState', 'holdOutage', 'settleFailback'],
    "the drill's waits",
  );
  for (const step of waits) step.params = { ...(step.params as object), duration: CASE_WAIT };
  return doc;
}
const forcedStep = (after: string): StepItem => ({ id: FORCED, type: 'fail', params: { message: `${FORCED_MESSAGE} after ${after}` } });

/** Step ids in document order, as the engine flattens them (branches in declaration order). */
function docOrder(steps: StepItem[]): string[] {
  return steps.flatMap((s) => (s.parallel ? Object.values(s.parallel).flatMap(docOrder) : [s.id]));
}

/** The drill (short waits) with the failing step inserted after top-level step `after`. */
function failingAfterTopLevel(after: string): WorkflowDoc {
  const doc = drillWithShortWaits();
  const index = doc.steps.findIndex((s) => s.id === after);
  if (index < 0) throw new Error(`no top-level step ${after}`);
  doc.steps.splice(index + 1, 0, forcedStep(after));
  return doc;
}

/** The drill (short waits) with the failing step inserted after `after` inside branch `branch` of the provision block. */
function failingInBranch(branch: string, after: string): WorkflowDoc {
  const doc = drillWithShortWaits();
  const steps = doc.steps.find((s) => s.id === 'provision')?.parallel?.[branch];
  const index = steps?.findIndex((s) => s.id === after) ?? -1;
  if (!steps || index < 0) throw new Error(`no step ${after} in provision/${branch}`);
  steps.splice(index + 1, 0, forcedStep(after));
  return doc;
}

let emu: Emulator | undefined;
let clients: Clients | undefined;
/** Request log of the emulator (`<service> <Operation> <status> <ms>`), per case. */
let requests: string[] = [];
const dirs: string[] = [];

test.before(async () => {
  emu = await startEmulator({ timeScale: 'idle', seed: 20, log: (line) => requests.push(line) });
  clients = new Clients(emu.endpoint);
});

/** Set by a case whose last check found nothing left; cleared before each case. */
let leftNothing = false;

test.before.each(() => {
  leftNothing = false;
});

// Only after a case has asserted that the engine left nothing (or has failed): a clean slate for
// the next. A case that left nothing hands the next one an emulator holding no resource, as a
// reset would; resetting it anyway would only end DynamoDB's per-region workers, which the next
// case's first table call restarts (~0.5 s each). A failed case resets.
test.after.each(async () => {
  if (!leftNothing) await emu?.reset();
  requests = [];
});

test.after(async () => {
  clients?.destroy();
  await emu?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs a workflow file with the engine's runner against the test's emulator, on its clock. */
async function runAgainstEmulator(
  file: string,
  stateDir: string,
): Promise<{ code: number; result: RunReport; journal: JournalEntry[]; stderr: string }> {
  const registry = defaultRegistry();
  const progress: string[] = [];
  const result = await runWorkflow({
    workflow: loadWorkflowFile(file, registry),
    registry,
    target: sharedEmulatorSession(emu!),
    stateDir,
    progress: lineProgress((line) => progress.push(`${line}\n`)),
  });
  return { code: result.exitCode, result, journal: readJournal(stateDir, result.runId), stderr: progress.join('') };
}

/** Asserts that the emulator holds nothing (each case's last check; else `after.each` resets the emulator). */
async function assertNothingLeft(context: string): Promise<void> {
  const left = await leftovers(clients!);
  assert.equal(left, [], `${context}: the run left ${left.length} resource(s) behind:\n  ${left.join('\n  ')}`);
  leftNothing = true;
}

/** The request log shows that the steps that succeeded really created their resources on this emulator. */
function assertCreated(succeeded: string[]): void {
  const called = (operation: string) => requests.some((line) => new RegExp(` ${operation} 2\\d\\d `).test(line));
  const expectations: Record<string, string[]> = {
    standby: ['CreateTable', 'CreateFunction', 'CreateRestApi'],
    primary: ['CreateTable', 'CreateFunction', 'CreateEventSourceMapping', 'CreateRestApi'],
    zone: ['CreateHostedZone'],
    healthCheck: ['CreateHealthCheck'],
    failoverRecords: ['ChangeResourceRecordSets'],
    breakPrimary: ['CreateExperimentTemplate', 'StartExperiment'],
  };
  for (const id of succeeded) {
    for (const operation of expectations[id] ?? [])
      assert.ok(called(operation), `step ${id} succeeded but the emulator saw no successful ${operation}`);
  }
}

/**
 * The journal's compensations: one per started compensable step, each started after the
 * previous one ended, all succeeded, in reverse document order.
 */
function assertCompensatedInReverse(journal: JournalEntry[], order: string[]): string[] {
  const intents = recordsOf(journal, 'step-intent');
  const compensable = new Set(intents.filter((e) => e.rollback.kind !== 'none').map((e) => e.stepId));
  const expected = order.filter((id) => compensable.has(id)).reverse();
  const compensations = journal.filter((e) => e.kind === 'compensation-start' || e.kind === 'compensation-result');
  assert.equal(stepIdsOf(journal, 'compensation-start'), expected, 'compensation-start records in reverse document order');
  // Strictly one after the other: start A, result A, start B, result B, ...
  assert.equal(
    compensations.map((e) => `${e.kind === 'compensation-start' ? 'start' : 'result'}:${stepIdOf(e)}`),
    expected.flatMap((id) => [`start:${id}`, `result:${id}`]),
  );
  const failed = recordsOf(journal, 'compensation-result').filter((e) => e.status !== 'succeeded');
  assert.equal(
    failed.map((e) => e.stepId),
    [],
    'every compensation succeeded',
  );
  // All compensations come after the forced failure's result.
  const failure = journal.find((e) => e.kind === 'step-result' && e.stepId === FORCED);
  if (failure && compensations[0]) assert.ok(compensations[0].seq > failure.seq, 'compensation starts after the failure');
  return expected;
}

/** One forced-failure case: run, exit 1, the failure where it was put, compensation, nothing left. */
async function forcedFailureCase(doc: WorkflowDoc, after: string, topLevel: boolean): Promise<void> {
  const dir = tmp('drill-compensation-');
  dirs.push(dir);
  cpSync(EXPERIMENTS, join(dir, 'experiments'), { recursive: true });
  const file = join(dir, 'route53-failover.yaml');
  writeFileSync(file, stringify(doc));
  const { code, result, journal, stderr } = await runAgainstEmulator(file, join(dir, 'state'));
  const context = `failure after ${after}`;
  assert.is(code, 1, `${context}: expected exit 1 (failed, compensated), got ${code}:\n${stderr.slice(-3000)}`);
  assert.is(result.status, 'failed');
  assert.is(result.exitCode, 1);
  assert.equal(result.target.kind, 'endpoint');

  const order = docOrder(doc.steps);
  const forcedAt = order.indexOf(FORCED);
  const results = new Map(recordsOf(journal, 'step-result').map((e) => [e.stepId, e]));
  const forced = results.get(FORCED);
  assert.is(forced?.status, 'failed', `${context}: the forced failure is journaled as failed`);
  assert.match(forced?.error?.message ?? '', FORCED_MESSAGE);
  // Everything before the failure succeeded (so every resource up to there was created) ...
  const before = topLevel ? order.slice(0, forcedAt) : [after];
  for (const id of before) assert.is(results.get(id)?.status, 'succeeded', `${context}: step ${id} should have succeeded`);
  // ... and nothing after it (outside the parallel block) started.
  const provisionSteps = new Set(docOrder(drill().steps.filter((s) => s.id === 'provision')));
  const later = order.slice(forcedAt + 1).filter((id) => topLevel || !provisionSteps.has(id));
  const startedLater = stepIdsOf(journal, 'step-intent').filter((id) => later.includes(id));
  assert.equal(startedLater, [], `${context}: no step after the failure starts`);
  // (A sibling branch aborted by the failure may have created only part of its stack.)
  assertCreated([...results.values()].filter((e) => e.status === 'succeeded').map((e) => e.stepId!));

  const compensated = assertCompensatedInReverse(journal, order);
  // Top level, the failed step is the newest one; in a branch, the steps of later branches come first.
  if (topLevel) assert.is(compensated[0], FORCED, 'the failed step is compensated first');
  else
    assert.ok(
      compensated.includes(FORCED) && compensated.includes('standby') && compensated.includes('primary'),
      'both regions are compensated',
    );
  const runEnd = recordsOf(journal, 'run-end')[0];
  assert.is(runEnd?.status, 'failed');
  assert.is(runEnd?.exitCode, 1);
  await assertNothingLeft(context);
}

for (const step of drill().steps.map((s) => s.id)) {
  test(`forced failure after ${step}: exit 1, compensated in reverse order, nothing left`, async () => {
    await forcedFailureCase(failingAfterTopLevel(step), step, true);
  });
}

for (const [branch, after] of [
  ['standbyRegion', 'standby'],
  ['primaryRegion', 'primary'],
] as const) {
  test(`forced failure inside the parallel provision block, after ${after} (${branch}): both regions are torn down`, async () => {
    await forcedFailureCase(failingInBranch(branch, after), after, false);
  });
}

test('the drill passes (cleanup: always) and leaves nothing', async () => {
  const dir = tmp('drill-compensation-');
  dirs.push(dir);
  const { code, result, journal, stderr } = await runAgainstEmulator(DRILL, join(dir, 'state'));
  // Every step succeeds and every objective holds: on this emulator's idle-skipping clock (seed
  // 20) the run is as deterministic as a fresh one, the 18 cases before it notwithstanding.
  assert.is(code, 0, `the drill did not pass (exit ${code}):\n${stderr.slice(-3000)}`);
  assert.is(result.status, 'passed');
  assert.is(result.outputs.servedRegion, 'eu-central-1');
  const order = docOrder(drill().steps);
  assert.equal(stepIdsOf(journal, 'step-result').sort(), [...order].sort(), 'every step ran');
  assertCreated(order);
  assert.equal(assertCompensatedInReverse(journal, order), [
    'breakPrimary',
    'failoverRecords',
    'healthCheck',
    'zone',
    'primary',
    'standby',
  ]);
  await assertNothingLeft('passing drill');
});

test.run();
