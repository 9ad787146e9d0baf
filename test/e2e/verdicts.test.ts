import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, spawnEngine, tmp } from '../helpers/engine.ts';
import type { RunReport } from '../../engine/report.ts';

/**
 * The drill's verdicts as a user gets them: `engine run workflows/route53-failover.yaml` on the
 * embedded target with its probes and objectives, and the same drill with replication paused
 * (exit 4, the lost writes named). `engine prove` has a file of its own (e2e/prove), so that the
 * two run side by side under `npm test`.
 */
const test = suite('e2e/verdicts');

const DRILL = 'workflows/route53-failover.yaml';

async function run(file: string): Promise<{ code: number | null; report: RunReport; stderr: string }> {
  const stateDir = tmp('verdicts-');
  const spawned = await spawnEngine(['run', file, '--json', '--state-dir', stateDir]);
  let report: RunReport;
  try {
    report = JSON.parse(spawned.stdout) as RunReport;
  } catch {
    throw new Error(`engine run printed no report (exit ${spawned.code}):\n${spawned.stderr.slice(-3000)}`);
  }
  return { code: spawned.code, report, stderr: spawned.stderr };
}

test('the default drill passes its objectives and reports the RTO split, error windows and RPO', async () => {
  const { code, report, stderr } = await run(DRILL);
  assert.is(code, 0, stderr.slice(-3000));
  assert.is(report.status, 'passed');
  const drill = report.drill!;
  const names = drill.verdicts.map((v) => `${v.name}:${v.pass}`);
  assert.equal(names, [
    'failover RTO:true',
    'failback RTO:true',
    'failover RPO (lost writes):true',
    'error window (ttl):true',
    'error window (forever):true',
    'detection:true',
  ]);
  const m = drill.measures!;
  // The split adds up to the RTO, and each phase was reached.
  const phases = [m.failover.onset, m.failover.detection, m.failover.dns, m.failover.recovery, m.failover.stable];
  assert.ok(
    phases.every((p) => typeof p === 'number'),
    JSON.stringify(phases),
  );
  assert.is(
    phases.reduce((a, b) => a! + b!, 0),
    m.failover.rto,
  );
  // Route 53 needs FailureThreshold 3 observations 10 s apart: never under 20 s of AWS time.
  assert.ok(m.failover.detection! + m.failover.onset! >= 20_000, `detection ${m.failover.detection}`);
  assert.type(m.failback.rto, 'number');
  // A client that caches forever stays on the broken primary: its window is longer.
  const ttl = m.errorWindow.ttl!;
  const forever = m.errorWindow.forever!;
  assert.ok(ttl > 0 && forever > ttl, `ttl ${ttl} ms, forever ${forever} ms`);
  // The lost-write ledger was read back from the standby.
  assert.ok(m.failover.rpo.checked > 0 && m.failover.rpo.checked === m.failover.rpo.acknowledged, JSON.stringify(m.failover.rpo));
  // Each figure comes with its resolution: the client probe samples every 2 s, the health watch every 5 s.
  const resolution = m.failover.resolution;
  assert.equal(
    [resolution.marks.onset, resolution.marks.stable, resolution.marks.detection],
    [2000, 2000, 5000],
    JSON.stringify(resolution),
  );
  assert.equal(resolution.errorWindow.ttl, { min: ttl - 2000, max: ttl + 2000 });
  const md = readFileSync(join(report.runDir, 'report.md'), 'utf8');
  const rto = (m.failover.rto! / 1000).toFixed(1);
  assert.ok(md.includes(`the RTO was between ${((m.failover.rto! - 2000) / 1000).toFixed(1)} s and ${rto} s`), md);
  for (const line of ['failover: RTO ', 'error window: ttl ', 'RPO: ', 'objectives:', 'failover RTO '])
    assert.ok(md.includes(line), `report.md lacks '${line}'`);
  // Today's outputs are still there.
  assert.is(report.outputs.servedRegion, 'eu-central-1');
});

test('replication paused: the RPO objective fails, exit 4 after compensation, the report names the lost writes', async () => {
  const dir = tmp('paused-');
  mkdirSync(join(dir, 'experiments'));
  copyFileSync(join(ROOT, 'workflows/experiments/experiment-lambda.json'), join(dir, 'experiments/experiment-lambda.json'));
  const pause = `  - id: pauseReplication
    type: awsCall
    params:
      service: lambda
      operation: UpdateEventSourceMapping
      region: us-east-1
      input:
        UUID: \${{ steps.primary.outputs.eventSourceMappingId }}
        Enabled: false

  - id: zone
`;
  const yaml = readFileSync(join(ROOT, DRILL), 'utf8').replace('  - id: zone\n', pause);
  assert.ok(yaml.includes('pauseReplication'));
  writeFileSync(join(dir, 'paused.yaml'), yaml);
  const { code, report } = await run(join(dir, 'paused.yaml'));
  assert.is(code, 4);
  assert.is(report.status, 'breached');
  assert.is(report.error?.code, 'E_OBJECTIVE_BREACHED');
  const rpo = report.drill!.verdicts.find((v) => v.name === 'failover RPO (lost writes)')!;
  assert.is(rpo.pass, false);
  const lost = report.drill!.lostWrites.failover;
  assert.ok(lost.length > 2, `lost ${lost.length}`);
  assert.is(rpo.actual, lost.length);
  assert.ok(lost.every((l) => l.probe === 'writes' && Number.isInteger(l.record)));
  // Every other objective held: the failover itself worked.
  assert.ok(report.drill!.verdicts.filter((v) => v !== rpo).every((v) => v.pass));
  // Compensated: everything that was created is torn down.
  assert.ok(report.steps.every((s) => !s.compensation || s.compensation.status === 'succeeded'));
  assert.ok(report.steps.some((s) => s.id === 'breakPrimary' && s.compensation?.status === 'succeeded'));
  const md = readFileSync(join(report.runDir, 'report.md'), 'utf8');
  assert.ok(md.includes(`writes#${lost[0]!.record} acked`), 'report.md names the lost writes');
});

test.run();
