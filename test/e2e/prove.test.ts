import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnEngine, tmp } from '../helpers/engine.ts';
import type { ProveResult } from '../../engine/prove.ts';

/**
 * `engine prove workflows/route53-failover.yaml` as a user runs it: the drill once per broken
 * setup on the embedded target; every setup must turn a verdict red and compensate cleanly.
 */
const test = suite('e2e/prove');

const DRILL = 'workflows/route53-failover.yaml';

/** What a broken setup's run showed, without its run id and its emulator's port. */
const verdictOf = (r: ProveResult) => ({ ...r, runId: undefined, failedStep: r.failedStep?.replace(/:\d+\//g, ':PORT/') });

let results: ProveResult[] = [];

test('engine prove: every broken setup turns the verdict red, and compensates', async () => {
  const stateDir = tmp('prove-');
  const spawned = await spawnEngine(['prove', DRILL, '--seed', '1234', '--json', '--state-dir', stateDir]);
  assert.is(spawned.code, 0, spawned.stdout + spawned.stderr.slice(-3000));
  results = JSON.parse(spawned.stdout) as ProveResult[];
  assert.equal(
    results.map((r) => r.setup),
    ['health-check-missing', 'no-secondary', 'replication-paused', 'ttl-one-day', 'standby-broken', 'fault-not-applied'],
  );
  for (const r of results) {
    assert.ok(r.caught, `${r.setup} not caught: ${JSON.stringify(r)}`);
    assert.ok(r.failedObjectives.length > 0);
    assert.ok(r.compensatedCleanly, `${r.setup} did not compensate cleanly`);
  }
  assert.match(results.find((r) => r.setup === 'replication-paused')!.failedObjectives.join('\n'), /RPO \(lost writes\) \d+ ≤ 2 {2}FAIL/);
  assert.is(results.find((r) => r.setup === 'ttl-one-day')!.exitCode, 4);
});

// Runs go side by side (as many as the machine has cores, up to 4), each on its own emulator and
// clock: with the same seed, a setup's run must show the same whatever runs beside it.
test('with --seed, a setup shows the same verdict whichever setups run beside it', async () => {
  const only = ['standby-broken', 'replication-paused'];
  const spawned = await spawnEngine([
    'prove',
    DRILL,
    '--seed',
    '1234',
    '--json',
    '--state-dir',
    tmp('prove-'),
    ...only.flatMap((o) => ['--only', o]),
  ]);
  assert.is(spawned.code, 0, spawned.stdout + spawned.stderr.slice(-3000));
  const again = JSON.parse(spawned.stdout) as ProveResult[];
  assert.equal(again.map(verdictOf), results.filter((r) => only.includes(r.setup)).map(verdictOf));
});

test.run();
