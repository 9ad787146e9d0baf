import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnEngine, tmp } from '../helpers/engine.ts';
import type { RunResult } from './drillJournal.ts';

/**
 * The latency-fault drill (workflows/latency-failover.yaml): 5 s on Lambda Invoke in us-east-1
 * behind a health check with FailureThreshold 2. The fault's delay and the probe's 2 s response
 * timeout are AWS time on one clock, so the verdict, and with one seed the AWS-time figures,
 * are the same on the idle-skipping clock, at --time-scale 20 and at --time-scale 1.
 *
 * `--time-scale N` on the embedded target is the same idle-skipping scheduler, paced: AWS time
 * runs at N× wall only while everything waits, and stands still while anything computes. A
 * loaded machine therefore stretches the wall time of these runs, never their AWS-time figures:
 * the three run side by side (three processes, three emulators), and the file runs beside others.
 */
// npm test starts this file first, beside the others: its 1× drill mostly waits, for ~40 s of wall time.
const test = suite('e2e/latency-failover');

const PRIMARY = '12345.execute-api.localhost.localstack.cloud';
const STANDBY = '67890.execute-api.localhost.localstack.cloud';

async function drill(args: string[]): Promise<RunResult> {
  const spawned = await spawnEngine([
    'run',
    'workflows/latency-failover.yaml',
    '--json',
    '--seed',
    '3',
    '--state-dir',
    tmp('latency-'),
    ...args,
  ]);
  assert.is(spawned.code, 0, `engine run ${args.join(' ')} failed:\n${spawned.stderr.slice(-3000)}`);
  return JSON.parse(spawned.stdout) as RunResult;
}

test('same verdict and AWS-time figures on the idle-skipping clock, at 20× and at 1×', async () => {
  // All three settle before any failure is reported: no drill is left running behind the test.
  const settled = await Promise.allSettled([drill([]), drill(['--time-scale', '20']), drill(['--time-scale', '1'])]);
  const runs = settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
  assert.equal(
    runs.map((r) => r.target.clock),
    ['idle-skipping (seed 3)', '20× wall while idle (seed 3)', '1× wall while idle (seed 3)'],
  );
  for (const run of runs) {
    assert.is(run.status, 'passed', `${run.target.clock}: the slow primary failed over and back`);
    assert.is(run.outputs.answerDuringOutage, STANDBY);
    assert.is(run.outputs.answerAfter, PRIMARY);
    // FailureThreshold 2 × RequestInterval 10 s, each failure known 2 s after its probe started.
    const failover = run.outputs.failoverAwsMs as number;
    assert.ok(failover >= 12_000 && failover <= 22_250, `${run.target.clock}: failover after ${failover} ms of AWS time`);
  }
  assert.equal(
    runs.map((r) => [r.outputs.failoverAwsMs, r.outputs.failbackAwsMs]),
    runs.map(() => [runs[0]!.outputs.failoverAwsMs, runs[0]!.outputs.failbackAwsMs]),
    'one seed, one set of AWS-time figures, whatever the clock',
  );
});

test.run();
