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

test('engine prove: every broken setup turns the verdict red, and compensates', async () => {
  const stateDir = tmp('prove-');
  const spawned = await spawnEngine(['prove', DRILL, '--json', '--state-dir', stateDir]);
  assert.is(spawned.code, 0, spawned.stdout + spawned.stderr.slice(-3000));
  const results = JSON.parse(spawned.stdout) as ProveResult[];
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

test.run();
