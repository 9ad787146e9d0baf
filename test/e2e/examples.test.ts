import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, spawnEngine, tmp } from '../helpers/engine.ts';
import { outputsOf, readJournal, stepIdOf, type RunResult } from './drillJournal.ts';

/**
 * Every workflow in workflows/examples/ runs as `engine run --json` on the embedded target (its
 * default, idle-skipping clock, as a user runs it) and ends as it is meant to: with its exit code, its outputs, and every compensation
 * succeeded. A new example must be added to EXPECTED (the test fails otherwise).
 */
const test = suite('e2e/examples');

interface Expectation {
  exitCode: number;
  check?(result: RunResult, journal: ReturnType<typeof readJournal>): void;
}

const EXPECTED: Record<string, Expectation> = {
  'generic-saga.yaml': { exitCode: 0 },
  // Designed to fail: a hanging step is cut off and retried, then the run compensates.
  'timeout-retry.yaml': { exitCode: 1 },
  'weighted-blue-green.yaml': {
    exitCode: 0,
    check(result, journal) {
      assert.is(outputsOf(journal, 'awaitBlue').answer, '10.0.0.1');
      assert.is(outputsOf(journal, 'awaitGreen').answer, '10.0.0.2');
      assert.is(outputsOf(journal, 'awaitBlueAgain').answer, '10.0.0.1');
      assert.is(outputsOf(journal, 'awaitGreenAtZero').answer, '10.0.0.2', 'green at weight 0 takes over from an unhealthy blue');
      const detected = result.outputs['blueUnhealthyAfterAwsMs'] as number;
      // One failed probe (FailureThreshold 1); a checker's first probe comes at a random phase of its 10 s interval.
      assert.ok(detected > 0 && detected <= 20_000, `blue seen unhealthy after ${detected} ms of AWS time`);
    },
  },
  'standby-broken.yaml': {
    exitCode: 0,
    check(_result, journal) {
      assert.is(outputsOf(journal, 'awaitStandby').answer, 'standby.example.net');
      assert.is(outputsOf(journal, 'backToBrokenPrimary').answer, 'primary.example.net', 'both unhealthy → Route 53 answers the primary');
      assert.ok(
        journal.some((e) => stepIdOf(e) === 'breakPrimary_break') && journal.some((e) => stepIdOf(e) === 'breakStandby_break'),
        'the block ran twice',
      );
    },
  },
  'replication-lag.yaml': {
    exitCode: 0,
    check(result) {
      const lag = result.outputs['lagAwsMs'] as number;
      assert.ok(lag > 0 && lag <= 30_000, `lag ${lag}`);
    },
  },
};

const examples = readdirSync(join(ROOT, 'workflows/examples')).filter((f) => f.endsWith('.yaml'));

test('every example has an expectation', () => {
  assert.equal(
    examples.filter((f) => !EXPECTED[f]),
    [],
    'add the new example to EXPECTED',
  );
});

for (const file of examples) {
  test(`${file} runs as designed, and every compensation succeeds`, async () => {
    const stateDir = tmp('example-');
    const spawned = await spawnEngine(['run', `workflows/examples/${file}`, '--json', '--state-dir', stateDir]);
    const expected = EXPECTED[file]!;
    assert.is(spawned.code, expected.exitCode, spawned.stderr.slice(-3000));
    const result = JSON.parse(spawned.stdout) as RunResult;
    const journal = readJournal(stateDir, result.runId);
    const compensations = journal.filter((e) => e.kind === 'compensation-result');
    assert.ok(
      compensations.every((e) => e.status === 'succeeded'),
      JSON.stringify(compensations),
    );
    expected.check?.(result, journal);
  });
}

test.run();
