import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { runCli, tmp } from '../helpers/engine.ts';
import { repeatExitCode, spreads, type MeasureSpread, type RepeatRun } from '../../engine/repeat.ts';
import { renderRepeat } from '../../engine/repeatCommand.ts';

/**
 * `engine repeat`: the drill N times with consecutive seeds, every measure's spread over the
 * runs (nearest rank), and the worst run's exit code.
 */
const test = suite('repeat');

const run = (seed: number, rto: number | null, extra: Partial<RepeatRun> = {}): RepeatRun => ({
  seed,
  runId: `r${seed}`,
  status: 'passed',
  exitCode: 0,
  measures: { 'failover.rto': rto, 'failover.rpo.lostWrites': 0, 'availability.all': 0.5 },
  verdicts: [{ name: 'failover RTO', expression: 'measures.failover.rto <= 2m', pass: rto !== null && rto <= 120_000, actual: rto }],
  ...extra,
});

test('spreads: min, p50, p95, max by nearest rank over the runs that measured it', () => {
  const runs = [20, 10, 40, 30, 50, 60, 70, 80, 90, 100].map((s, i) => run(i, s * 1000));
  runs.push(run(10, null));
  const [rto] = spreads(runs);
  assert.equal(rto, { measure: 'failover.rto', measured: 10, runs: 11, min: 10_000, p50: 50_000, p95: 100_000, max: 100_000 });
  const objective = spreads(runs).find((s) => s.measure === 'objective failover RTO')!;
  assert.equal([objective.expression, objective.measured, objective.p50], ['measures.failover.rto <= 2m', 10, 50_000]);
});

test('the exit code is the worst run’s: compensation incomplete, then failed, interrupted, breached', () => {
  assert.is(repeatExitCode([run(1, 1), run(2, 1)]), 0);
  assert.is(repeatExitCode([run(1, 1), run(2, 1, { status: 'breached', exitCode: 4 })]), 4);
  assert.is(repeatExitCode([run(1, 1, { status: 'failed', exitCode: 1 }), run(2, 1, { status: 'breached', exitCode: 4 })]), 1);
  assert.is(
    repeatExitCode([run(1, 1, { status: 'compensation-incomplete', exitCode: 3 }), run(2, 1, { status: 'failed', exitCode: 1 })]),
    3,
  );
});

test('the table prints each figure in its unit, and how often each objective held', () => {
  const runs = [run(7, 75_000), run(8, 130_000)];
  const text = renderRepeat(runs, spreads(runs));
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^measure +measured +min +p50 +p95 +max$/);
  assert.match(text, /^failover\.rto +2\/2 +75\.0 s +75\.0 s +130\.0 s +130\.0 s$/m);
  assert.match(text, /^failover\.rpo\.lostWrites +2\/2 +0 +0 +0 +0$/m);
  assert.match(text, /^availability\.all +2\/2 +50\.0% +/m);
  assert.match(
    text,
    /^objective failover RTO +2\/2 +1\.25 min +1\.25 min +2\.167 min +2\.167 min$/m,
    'in the unit of the limit, as verdicts print',
  );
  assert.match(text, /^objectives held: failover RTO 1\/2$/m);
  assert.is(lines.at(-1), '2 runs, seeds 7–8: 2 passed');
});

/** `engine repeat --json` in this process; the runs' spreads and results. */
async function repeat(args: string[]): Promise<{ runs: RepeatRun[]; spreads: MeasureSpread[] }> {
  const r = await runCli([
    'repeat',
    'workflows/examples/weighted-blue-green.yaml',
    '--json',
    '--state-dir',
    join(tmp('repeat-'), 'state'),
    ...args,
  ]);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { runs: RepeatRun[]; spreads: MeasureSpread[] };
}

test('engine repeat: consecutive seeds, each run reproducible by its seed alone', async () => {
  const two = await repeat(['--runs', '2', '--seed', '7']);
  assert.equal(
    two.runs.map((r) => [r.seed, r.status]),
    [
      [7, 'passed'],
      [8, 'passed'],
    ],
  );
  const detected = two.spreads.find((s) => s.measure === "objective blue's outage detected")!;
  assert.is(detected.measured, 2);
  assert.ok(detected.min! > 0 && detected.min! <= detected.max!, JSON.stringify(detected));
  const again = await repeat(['--runs', '1', '--seed', '8']);
  assert.equal(again.runs[0]!.verdicts, two.runs[1]!.verdicts, 'seed 8 alone measures what it measured beside seed 7');
});

test.run();
