import { systemClock } from '../../engine/clock.ts';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { defineStep } from '../../steps/define.ts';
import { steps } from '../../steps/all.ts';
import { StepRegistry } from '../../engine/registry.ts';
import { parseWorkflow } from '../../engine/load.ts';
import { startRun, type RunHandle, type RunOptions } from '../../engine/run.ts';
import { createTargetSession } from '../../engine/target.ts';
import type { Clock } from '../../engine/types.ts';
import type { Workflow } from '../../engine/workflow.ts';
import { resolveInputs } from '../../engine/inputs.ts';
import { compileWorkflow } from '../../engine/compile.ts';
import { main } from '../../engine/cli.ts';

/** Repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A fresh temporary folder. */
export function tmp(prefix = 'engine-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Shared event log of the `record` test step. */
export const events: string[] = [];

/** Promises that `record` steps with `gate: name` wait for (released by tests). */
export const gates = new Map<string, { promise: Promise<void>; release(): void }>();

/** Creates (or returns) a gate. */
export function gate(name: string): { promise: Promise<void>; release(): void } {
  let g = gates.get(name);
  if (!g) {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    g = { promise, release };
    gates.set(name, g);
  }
  return g;
}

/** A test-only step: logs `run:<id>` / `undo:<id>`, can fail, and echoes `value` as `outputs.value`. */
export const recordStep = defineStep({
  type: 'record',
  description: 'test step',
  needsTarget: false,
  params: Type.Object(
    {
      fail: Type.Optional(Type.Boolean()),
      rollbackFail: Type.Optional(Type.Boolean()),
      value: Type.Optional(Type.Unknown()),
      gate: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({ value: Type.Unknown(), stepId: Type.String() }),
  run: async (p, ctx) => {
    events.push(`run:${ctx.stepId}`);
    if (p.gate) await gate(p.gate).promise;
    if (p.fail) throw new Error(`${ctx.stepId} failed`);
    events.push(`end:${ctx.stepId}`);
    return { value: p.value, stepId: ctx.stepId };
  },
  rollback: async (p, ctx) => {
    events.push(`undo:${ctx.stepId}`);
    if (p.rollbackFail) throw new Error(`undo ${ctx.stepId} failed`);
  },
});

/** The real registry plus the `record` test step. */
export function testRegistry(): StepRegistry {
  return new StepRegistry([...steps, recordStep]);
}

/** Loads a workflow from YAML text written to a temp folder. */
export function workflowFrom(yaml: string, dir = tmp()): Workflow {
  const file = join(dir, 'workflow.yaml');
  writeFileSync(file, yaml);
  return parseWorkflow(yaml, file, testRegistry());
}

/** Starts a run of YAML text with a temp state dir; returns the handle and the state dir. */
export function startYaml(
  yaml: string,
  options: { clock?: Clock; inputs?: Record<string, string>; dir?: string } & Partial<Omit<RunOptions, 'compiled'>> = {},
): { handle: RunHandle; stateDir: string; workflow: Workflow } {
  const dir = options.dir ?? tmp();
  const workflow = workflowFrom(yaml, dir);
  const stateDir = join(dir, 'state');
  const handle = startRun({
    workflow,
    compiled: compileWorkflow(workflow),
    registry: testRegistry(),
    target: createTargetSession(),
    stateDir,
    ...options,
    inputs: resolveInputs(workflow.inputs, options.inputs ?? {}),
    // These runs gate steps on real-time events (gates, setTimeout), so they run on wall time
    // unless the test injects a clock; the idle-skipping clock has its own tests.
    clock: options.clock ?? systemClock,
  });
  return { handle, stateDir, workflow };
}

/** Result of a spawned CLI. */
export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node bin/engine.js ...args`; `onStart` receives the child to signal it. */
export function spawnEngine(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onStart?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Spawned> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/engine.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    options.onStart?.(child);
  });
}

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs the CLI's `main` in this process (no start-up cost): stdout and stderr are captured,
 * nothing listens to signals. Spawn ({@link spawnEngine}) only to test the process itself: its
 * exit code and its signals.
 */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, { out, err, env: { ...process.env, NO_COLOR: '1', ...options.env }, cwd: options.cwd ?? ROOT });
  return { code, stdout: out.text, stderr: err.text };
}

/** Polls `check` (for spawned processes only) until it returns true or `timeoutMs` passes. */
export async function waitUntil(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A workflow that writes two files, then waits a minute: a run to interrupt or kill. */
export const LONG_WORKFLOW = (dir: string): string => `name: long
steps:
  - { id: first, type: writeFile, params: { path: ${dir}/first.txt, content: "1" } }
  - { id: second, type: writeFile, params: { path: ${dir}/second.txt, content: "2" } }
  - { id: long, type: wait, params: { duration: 60s } }
  - { id: after, type: writeFile, params: { path: ${dir}/after.txt } }
`;

/** The one run in a state dir (tests start one run per dir), once its journal exists. */
export function onlyRun(stateDir: string): { runId: string; path: string } | undefined {
  const runs = join(stateDir, 'runs');
  if (!existsSync(runs)) return undefined;
  const [runId] = readdirSync(runs);
  return runId ? { runId, path: join(runs, runId, 'journal.jsonl') } : undefined;
}
