import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertStory, runDrill } from './route53FailoverStory.ts';

/**
 * The whole drill, as a user runs it: `engine run workflows/route53-failover.yaml --json`, on
 * the embedded target (its default idle-skipping clock: AWS time stands still while anything
 * computes, so a loaded machine changes none of its figures, and the file runs beside others).
 * The same drill against a separately started `engine serve` is e2e/route53-failover-endpoint.
 */
const test = suite('e2e/route53-failover');

test("embedded target: the drill passes and its journal tells the tutorial's story", async () => {
  const { result, journal } = await runDrill(['--seed', '7']);
  assert.is(result.target.kind, 'embedded');
  assert.is(result.target.clock, 'idle-skipping (seed 7)');
  assertStory(result, journal);
  // On the idle-skipping clock the bound is exact: within 30 s and one 250 ms await poll.
  for (const key of ['failoverAwsMs', 'failbackAwsMs']) {
    const ms = result.outputs[key] as number;
    assert.ok(ms >= 20_000 && ms <= 30_250, `${key} ${ms} ms of AWS time`);
  }
});

test.run();
