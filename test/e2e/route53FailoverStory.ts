import * as assert from 'uvu/assert';
import { spawnEngine, tmp } from '../helpers/engine.ts';
import { outputsOf, readJournal, seqOf, type JournalEntry, type RunResult } from './drillJournal.ts';

/**
 * workflows/route53-failover.yaml run as a user runs it (`engine run ... --json`), and the
 * tutorial's story read back from its journal and outputs: what e2e/route53-failover (embedded
 * target) and e2e/route53-failover-endpoint (`engine serve`) both assert.
 */

const PRIMARY = '12345.execute-api.localhost.localstack.cloud';
const STANDBY = '67890.execute-api.localhost.localstack.cloud';
const PRODUCT =
  '{"price":"29.99","name":"Super Widget","description":"A versatile widget that can be used for a variety of purposes. Durable, reliable, and affordable.","id":"prod-1088"}';
const COMPENSATED = ['standby', 'primary', 'zone', 'healthCheck', 'failoverRecords', 'breakPrimary'];

/** Runs the drill with `engine run … --json`; it must pass. */
export async function runDrill(extraArgs: string[]): Promise<{ result: RunResult; journal: JournalEntry[]; stderr: string }> {
  const stateDir = tmp('drill-');
  const spawned = await spawnEngine(['run', 'workflows/route53-failover.yaml', '--json', '--state-dir', stateDir, ...extraArgs]);
  assert.is(spawned.code, 0, `engine run failed:\n${spawned.stderr.slice(-3000)}`);
  const result = JSON.parse(spawned.stdout) as RunResult;
  return { result, journal: readJournal(stateDir, result.runId), stderr: spawned.stderr };
}

/** The tutorial's story, read back from the journal and the run's outputs. */
export function assertStory(result: RunResult, journal: JournalEntry[]): void {
  assert.is(result.status, 'passed');
  // Before the outage: Route 53 answers the primary.
  assert.is(outputsOf(journal, 'awaitPrimary').answer, PRIMARY);
  // The experiment starts; DNS was still on the primary, then flips to the standby.
  const failover = outputsOf(journal, 'awaitFailover');
  assert.equal(failover.answersSeen, [PRIMARY, STANDBY]);
  assert.ok(seqOf(journal, 'step-result', 'breakPrimary') < seqOf(journal, 'step-intent', 'awaitFailover'));
  // RequestInterval 10 s × FailureThreshold 3: not before the third failed probe, i.e. at least
  // 2 intervals of AWS time. (How fast in wall time is for the benchmarks to say.)
  const failoverAwsMs = failover.sinceAwsMs as number;
  assert.ok(failoverAwsMs >= 20_000, `failover took ${failoverAwsMs} ms of AWS time`);
  assert.is(failoverAwsMs, failover.sinceMs as number, 'the engine clock is AWS time');
  // dns-resolver.py: the product comes from eu-central-1, byte for byte.
  const read = outputsOf(journal, 'readProduct');
  assert.is(read.resolvedHost, STANDBY);
  assert.is(read.apiId, '67890');
  assert.is(read.servedRegion, 'eu-central-1');
  assert.is(read.body, PRODUCT);
  // The experiment stops; DNS fails back to the primary.
  assert.is(outputsOf(journal, 'restorePrimary').status, 'stopped');
  const failback = outputsOf(journal, 'awaitFailback');
  assert.equal(failback.answersSeen, [STANDBY, PRIMARY]);
  // The report's outputs tell the same story.
  assert.is(result.outputs.answerBefore, PRIMARY);
  assert.is(result.outputs.answerDuringOutage, STANDBY);
  assert.is(result.outputs.answerAfter, PRIMARY);
  assert.is(result.outputs.servedRegion, 'eu-central-1');
  assert.is(result.outputs.product, PRODUCT);
  assert.is(result.outputs.failoverAwsMs, failoverAwsMs);
  assert.type(result.outputs.failbackMs, 'number');
  // cleanup: always — everything that was created is torn down, in reverse order.
  const compensated = journal.filter((e) => e.kind === 'compensation-result').map((e) => `${e.stepId}:${e.status}`);
  assert.equal(compensated.sort(), COMPENSATED.map((id) => `${id}:succeeded`).sort());
  const starts = journal.filter((e) => e.kind === 'compensation-start').map((e) => e.stepId);
  assert.equal(starts.slice(0, 4), ['breakPrimary', 'failoverRecords', 'healthCheck', 'zone']);
}
