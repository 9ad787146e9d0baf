import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Type } from '@sinclair/typebox';
import { defineStep } from '../steps/define.ts';
import { steps } from '../steps/all.ts';
import { StepRegistry } from '../engine/registry.ts';
import { parseWorkflow } from '../engine/load.ts';
import { runWorkflow } from '../engine/run.ts';
import { createTargetSession } from '../engine/target.ts';
import { systemClock } from '../engine/clock.ts';
import type { StepContext } from '../engine/types.ts';

/** Engine overhead per step: a workflow of N no-op steps, journal included, vs a plain loop. */
export interface EngineBenchResult {
  steps: number;
  loadMs: number;
  plainLoopPerStepMs: number;
  engineFsyncPerStepMs: number;
  engineNoFsyncPerStepMs: number;
  overheadPerStepMs: number;
}

const noop = defineStep({
  type: 'noop',
  description: 'does nothing',
  needsTarget: false,
  params: Type.Object({ i: Type.Optional(Type.Integer()) }),
  outputs: Type.Object({ i: Type.Optional(Type.Integer()) }),
  run: async (p) => ({ i: p.i }),
  rollback: async () => undefined,
});

/** Runs the benchmark and prints a small table. */
export async function benchEngine(n = 1000): Promise<EngineBenchResult> {
  const registry = new StepRegistry([...steps, noop]);
  const yaml = `name: bench\nsteps:\n${Array.from({ length: n }, (_, i) => `  - { id: s${i}, type: noop, params: { i: ${i} } }`).join('\n')}\n`;
  const t0 = performance.now();
  const workflow = parseWorkflow(yaml, join(tmpdir(), 'bench.yaml'), registry);
  const loadMs = performance.now() - t0;

  const ctx: StepContext = {
    signal: new AbortController().signal,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    target: createTargetSession().idle(),
    clock: systemClock,
    runId: 'bench',
    stepId: 's',
    workflowDir: tmpdir(),
    attempt: 1,
  };
  const plainStart = performance.now();
  for (let i = 0; i < n; i++) await noop.run({ i }, ctx);
  const plainLoopPerStepMs = (performance.now() - plainStart) / n;

  const time = async (fsync: boolean) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
    try {
      const start = performance.now();
      const report = await runWorkflow({ workflow, registry, target: createTargetSession(), stateDir, fsync, writeReport: true });
      const elapsed = performance.now() - start;
      if (report.exitCode !== 0) throw new Error(`bench run failed: ${report.status}`);
      return elapsed / n;
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  };
  await time(false); // warm-up (JIT, module caches)
  const engineFsyncPerStepMs = await time(true);
  const engineNoFsyncPerStepMs = await time(false);
  const result = {
    steps: n,
    loadMs,
    plainLoopPerStepMs,
    engineFsyncPerStepMs,
    engineNoFsyncPerStepMs,
    overheadPerStepMs: engineFsyncPerStepMs - plainLoopPerStepMs,
  };
  const f = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`engine: ${n} no-op steps (load + validate ${loadMs.toFixed(1)} ms)`);
  console.log(`  plain loop calling run()             ${f(plainLoopPerStepMs)} / step`);
  console.log(`  engine, journal fsync'd per intent   ${f(engineFsyncPerStepMs)} / step`);
  console.log(`  engine, journal without fsync        ${f(engineNoFsyncPerStepMs)} / step`);
  console.log(
    `  overhead (fsync'd) vs plain loop     ${f(result.overheadPerStepMs)} / step  (target < 1000 µs: ${result.overheadPerStepMs < 1 ? 'met' : 'NOT met'})`,
  );
  return result;
}
