import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnEngine, tmp } from '../helpers/engine.ts';
import { outputsOf, readJournal, type RunResult } from './drillJournal.ts';

/**
 * LocalStack's route53-dns-failover sample as a workflow: breaking the health check (FQDN →
 * a host that does not exist) flips test.hello-localstack.com from target1 to target2, and
 * repairing it flips it back. Embedded target, on its default (idle-skipping) clock.
 */
const test = suite('e2e/dns-failover');

test('breaking the health check flips DNS to target2, repairing it flips back; everything is cleaned up', async () => {
  const stateDir = tmp('dns-drill-');
  const spawned = await spawnEngine(['run', 'workflows/dns-failover.yaml', '--json', '--state-dir', stateDir]);
  assert.is(spawned.code, 0, spawned.stderr.slice(-3000));
  const result = JSON.parse(spawned.stdout) as RunResult;
  const journal = readJournal(stateDir, result.runId);
  assert.is(outputsOf(journal, 'awaitPrimary').answer, 'target1.example.com');
  const previous = outputsOf(journal, 'breakHealthCheck').previous as { fqdn: string; port: number; resourcePath: string };
  assert.is(previous.fqdn, '12345.execute-api.localhost.localstack.cloud');
  assert.is(previous.resourcePath, '/dev/healthcheck');
  assert.equal(result.outputs.answersDuringFailover, ['target1.example.com', 'target2.example.com']);
  assert.equal(outputsOf(journal, 'awaitFailback').answersSeen, ['target2.example.com', 'target1.example.com']);
  const failoverAwsMs = result.outputs.failoverAwsMs as number;
  assert.ok(failoverAwsMs >= 20_000, `failover took ${failoverAwsMs} ms of AWS time: not before the third failed probe`);
  const compensations = journal.filter((e) => e.kind === 'compensation-result');
  assert.ok(compensations.length >= 5 && compensations.every((e) => e.status === 'succeeded'));
  assert.not.ok(
    compensations.some((e) => e.stepId === 'repairHealthCheck'),
    'the repair is not undone (rollback: false)',
  );
});

test.run();
