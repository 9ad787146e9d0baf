import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { childRuns } from './childRuns.ts';
import { exitOf } from './leftovers.ts';

/**
 * Drills side by side on the embedded target: each run has its own emulator, so four drills at
 * once all pass. Each runs on its default idle-skipping clock (AWS time stands still while
 * anything computes), so a loaded machine stretches their wall time, not their figures, and
 * the file runs beside others. Drills sharing one `engine serve` are e2e/concurrent.
 */
const test = suite('e2e/concurrent-embedded');

const RUN_TIMEOUT_MS = 240_000;
const { children, stateDir, report } = childRuns(test);

test('four embedded drills at once all pass: each run has its own emulator', async () => {
  const runs = [0, 1, 2, 3].map((i) =>
    children.engine(['run', 'workflows/dns-failover.yaml', '--state-dir', stateDir(`embedded${i}`), '--json']),
  );
  const exits = await Promise.all(runs.map((run) => exitOf(run, RUN_TIMEOUT_MS * 2)));
  for (const [i, exit] of exits.entries()) assert.is(exit.code, 0, runs[i]!.output.stderr.slice(-3000));
  const results = runs.map(report);
  assert.equal(
    results.map((r) => r.status),
    ['passed', 'passed', 'passed', 'passed'],
  );
  assert.is(new Set(results.map((r) => r.runId)).size, 4);
  assert.is(new Set(results.map((r) => (r.target as { endpoint?: string }).endpoint)).size, 4, 'four emulators');
});

test.run();
