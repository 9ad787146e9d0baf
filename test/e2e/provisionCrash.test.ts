import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createScaledClock } from '../../emulator/clock.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { sweepRun } from '../../engine/sweep.ts';
import provisionRegion from '../../steps/provisionRegion.ts';
import { emulatorTarget, stepContext } from '../helpers/emulatorTarget.ts';
import { runCli, startYaml, tmp } from '../helpers/engine.ts';
import { createTargetSession } from '../../engine/target.ts';
import type { RunHandle } from '../../engine/run.ts';
import { runStep } from '../helpers/testStep.ts';
import { Children, Clients, exitOf, leftovers, soleRunId } from './leftovers.ts';

/**
 * Issue 14, "Interrupted provisioning leaks tables": a run killed (kill -9) at every 10 ms from
 * 0 to 150 ms after provisionRegion's intent is journaled, then `engine rollback`, leaves
 * nothing in us-east-1 or eu-central-1 (asked through the SDK); and, in process and at every
 * IN_PROCESS_STEP_MS ms, a provisionRegion aborted at that offset then the sweep
 * by tag alone leaves nothing either. One emulator for the file; nothing waits for a drill.
 */
const test = suite('e2e/provisionCrash');

/** Offsets of the kill after the intent, in ms (the thing under test: these are wall-clock waits). */
const KILL_OFFSETS_MS = Array.from({ length: 16 }, (_, i) => i * 10);
/** Offsets of the in-process interrupts after the intent, in ms. */
const SIGNAL_OFFSETS_MS = [0, 50, 100, 150];
/** The in-process variant's step between offsets, 0–150 ms. */
const IN_PROCESS_STEP_MS = 10;
const EXIT_TIMEOUT_MS = 30_000;
/** The emulator's speed (AWS seconds per wall second): the stack's waits are AWS-time waits. */
const TIME_SCALE = 20;

const WORKFLOW = `name: provision-crash
description: Both regions' stacks, provisioned in parallel (the drill's first step).
steps:
  - id: provision
    parallel:
      standbyRegion:
        - { id: standby, type: provisionRegion, params: { region: eu-central-1, apiId: "67890" } }
      primaryRegion:
        - { id: primary, type: provisionRegion, params: { region: us-east-1, apiId: "12345", replicateTo: eu-central-1 } }
  # Still running whenever the signal comes, however fast the machine provisions.
  - { id: hold, type: wait, params: { duration: 10m } }
`;

const children = new Children();
const dirs: string[] = [];
let emu: Emulator;
let clients: Clients;
let workflowFile: string;

test.before(async () => {
  emu = await startEmulator({ timeScale: TIME_SCALE });
  clients = new Clients(emu.endpoint);
  const dir = tmp('provision-crash-');
  dirs.push(dir);
  workflowFile = join(dir, 'provision.yaml');
  writeFileSync(workflowFile, WORKFLOW);
});

test.after(async () => {
  clients?.destroy();
  await children.killAll();
  await emu?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves as soon as the run's journal holds a provisionRegion intent (polled every millisecond). */
async function intentJournaled(stateDir: string, exited: () => boolean): Promise<void> {
  for (;;) {
    const runId = soleRunId(stateDir);
    if (runId) {
      let text = '';
      try {
        text = readFileSync(join(stateDir, 'runs', runId, 'journal.jsonl'), 'utf8');
      } catch {
        // not created yet
      }
      if (/"kind":"step-intent"[^\n]*"type":"provisionRegion"/.test(text)) return;
    }
    if (exited()) throw new Error('engine run exited before provisionRegion started');
    await pause(1);
  }
}

async function assertNothingLeft(context: string): Promise<void> {
  await emu.requestsSettled();
  const left = await leftovers(clients);
  assert.equal(left, [], `${context}: ${left.length} resource(s) left:\n  ${left.join('\n  ')}`);
}

test('kill -9 at 0–150 ms (every 10 ms) after provisionRegion’s intent, then engine rollback: nothing is left in either region', async () => {
  for (const offset of KILL_OFFSETS_MS) {
    const dir = tmp('provision-kill-');
    dirs.push(dir);
    const stateDir = join(dir, 'state');
    const run = children.engine(['run', workflowFile, '--endpoint', emu.endpoint, '--state-dir', stateDir]);
    let exited = false;
    void run.exited.then(() => (exited = true));
    await intentJournaled(stateDir, () => exited);
    await pause(offset);
    run.child.kill('SIGKILL');
    await exitOf(run, EXIT_TIMEOUT_MS);
    // What the emulator received before the kill is still carried out, as on AWS.
    await emu.requestsSettled();
    const runId = soleRunId(stateDir)!;
    const rollback = await runCli(['rollback', runId, '--state-dir', stateDir]);
    assert.is(rollback.code, 0, `offset ${offset} ms: engine rollback exited ${rollback.code}:\n${rollback.stdout}${rollback.stderr}`);
    await assertNothingLeft(`kill -9 ${offset} ms after the intent, then engine rollback`);
  }
});

test('in process, provisionRegion aborted at every ms 0–150 after it starts, then the sweep by tag alone: nothing is left', async () => {
  const target = emulatorTarget(emu, 'endpoint');
  const clock = createScaledClock(TIME_SCALE);
  for (let offset = 0; offset <= 150; offset += IN_PROCESS_STEP_MS) {
    const runId = `crash-${offset}`;
    const controller = new AbortController();
    const params = { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' };
    const running = Promise.allSettled([
      runStep(provisionRegion, params, stepContext(target, { runId, signal: controller.signal, stepId: 'primary', clock })),
      runStep(
        provisionRegion,
        { region: 'eu-central-1', apiId: '67890' },
        stepContext(target, { runId, signal: controller.signal, stepId: 'standby', clock }),
      ),
    ]);
    await pause(offset);
    controller.abort(new Error('crash'));
    await running;
    await emu.requestsSettled();
    const swept = await sweepRun({ ...stepContext(target, { runId, clock }), regions: ['us-east-1', 'eu-central-1'] });
    assert.equal(swept.failed, [], `offset ${offset} ms: the sweep failed`);
    await assertNothingLeft(`provisionRegion aborted ${offset} ms in, then the sweep`);
  }
});

/** Starts the workflow in this process; resolves with the run once provisionRegion's intent is on the bus. */
async function startInProcess(): Promise<{ handle: RunHandle; stateDir: string }> {
  const session = createTargetSession({ kind: 'endpoint', endpoint: emu.endpoint });
  let intent!: () => void;
  const intended = new Promise<void>((resolve) => (intent = resolve));
  const { handle, stateDir } = startYaml(WORKFLOW, {
    target: session,
    ...(session.clock ? { clock: session.clock } : {}),
    progress: (event) => void (event.kind === 'step-intent' && event.type === 'provisionRegion' && intent()),
    writeReport: false,
  });
  dirs.push(dirname(stateDir));
  await intended;
  return { handle, stateDir };
}

test('a single interrupt at 0–150 ms after the intent: the run compensates and sweeps, nothing is left', async () => {
  for (const offset of SIGNAL_OFFSETS_MS) {
    const { handle } = await startInProcess();
    await pause(offset);
    handle.interrupt();
    const report = await handle.done;
    assert.is(report.exitCode, 130, `offset ${offset} ms: exit ${report.exitCode} (${report.status})`);
    await assertNothingLeft(`interrupt ${offset} ms after the intent`);
  }
});

test('two interrupts at 0–150 ms after the intent (the run stops at once, dirty), then engine rollback: nothing is left', async () => {
  for (const offset of SIGNAL_OFFSETS_MS) {
    const { handle, stateDir } = await startInProcess();
    await pause(offset);
    handle.interrupt();
    const report = await handle.abortNow();
    assert.is(report.status, 'dirty', `offset ${offset} ms`);
    await emu.requestsSettled();
    const rollback = await runCli(['rollback', handle.runId, '--state-dir', stateDir]);
    assert.is(rollback.code, 0, `offset ${offset} ms: engine rollback exited ${rollback.code}:\n${rollback.stdout}${rollback.stderr}`);
    await assertNothingLeft(`two interrupts ${offset} ms after the intent, then engine rollback`);
  }
});

test.run();
