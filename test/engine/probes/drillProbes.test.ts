import * as assert from 'uvu/assert';
import { ManualClock } from '../../../emulator/clock.ts';
import { DrillProbes } from '../../../engine/drillProbes.ts';
import type { RunEventBody } from '../../../engine/events.ts';
import type { DeclaredProbe } from '../../../engine/probeSpecs.ts';
import { emulatorSuite } from '../../helpers/emulatorSuite.ts';
import { settle } from './settle.ts';

/**
 * Probe lifetimes as the runner drives them (engine/drillProbes.ts): `continuous` between
 * `startAfter` and `stopAfter`, `onChaos` between the fault markers the FIS steps give,
 * `startOfTest` and `endOfTest` once. DNS-answer watches against the emulator's DNS on one
 * ManualClock: each sample's AWS time says when the probe ran.
 */
const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
const test = emulatorSuite('probes/drillProbes', { emulator: { clock } });

const dns = (name: string, mode: DeclaredProbe['mode'], extra: Partial<DeclaredProbe> = {}): DeclaredProbe => ({
  name,
  type: 'dnsAnswer',
  mode,
  readBack: [],
  config: { name, dnsName: '${{ inputs.host }}', intervalMs: 10_000 },
  pointer: `/probes/${name}`,
  ...extra,
});

test('continuous, onChaos, startOfTest and endOfTest probes run when the drill says; fault markers come from the FIS steps', async ({
  target,
}) => {
  const emitted: RunEventBody[] = [];
  const probes = new DrillProbes(
    [
      dns('steady', 'continuous', { startAfter: 'setup', stopAfter: 'heal' }),
      dns('chaos', 'onChaos'),
      dns('first', 'startOfTest'),
      dns('last', 'endOfTest'),
    ],
    {
      target: () => target,
      clock,
      templates: () => ({ inputs: { host: 'nothing.example.com' }, steps: {}, env: {}, target: {}, run: {} }),
      emit: (b) => emitted.push(b),
    },
  );
  const t0 = clock.now();
  // A dns-answer sample does not name its probe: the probes are told apart by when they ran.
  await probes.beforeSteps(); // `first` ticks once; `steady` waits for its step
  await settle(() => probes.evidence.length === 1, 'startOfTest tick');
  await clock.advance(5_000);
  await probes.afterStep('setup', 'record', {});
  await settle(() => probes.evidence.length === 2, 'steady starts');
  await clock.advance(5_000);
  await probes.afterStep('break', 'startExperiment', { startedAt: clock.now() - 1_000, experimentId: 'EXP1' });
  await settle(() => probes.evidence.length === 4, 'chaos starts (and the fault marker)');
  await clock.advance(10_000);
  await settle(() => probes.evidence.length === 6, 'steady and chaos tick');
  await probes.afterStep('restore', 'stopExperiment', { stoppedAt: clock.now() });
  await clock.advance(10_000);
  await settle(() => probes.evidence.length === 8, 'steady ticks alone');
  await probes.afterStep('heal', 'record', {});
  await clock.advance(30_000);
  const before = probes.evidence.length;
  await probes.endOfSteps({ endOfTest: true });
  assert.is(probes.evidence.length, before + 1, 'endOfTest: one tick, and nothing else ran after heal');
  const marks = probes.evidence.filter((s) => s.kind === 'fault-start' || s.kind === 'fault-stop').map((s) => [s.kind, s.aws - t0]);
  assert.equal(marks, [
    ['fault-start', 9_000],
    ['fault-stop', 20_000],
  ]);
  const answers = probes.evidence.filter((s) => s.kind === 'dns-answer').map((s) => s.aws - t0);
  // first at 0; steady at 5, 15 and 25 s (stopped after heal at 30 s); chaos at 10 and 20 s
  // (fault start to fault stop); last once, at 60 s.
  assert.equal(
    answers.sort((a, b) => a - b),
    [0, 5_000, 10_000, 15_000, 20_000, 25_000, 60_000],
  );
  // Every sample went to the run's events as it is.
  assert.is(
    emitted.filter((e) => e.kind === 'dns-answer' || e.kind === 'fault-start' || e.kind === 'fault-stop').length,
    probes.evidence.length,
  );
});

test('a probe whose template cannot be resolved is a notice, not a crash', async ({ target }) => {
  const emitted: RunEventBody[] = [];
  const probes = new DrillProbes(
    [{ ...dns('broken', 'continuous'), config: { name: 'broken', dnsName: '${{ steps.nope.outputs.host }}', intervalMs: 1000 } }],
    {
      target: () => target,
      clock,
      templates: () => ({ inputs: {}, steps: {}, env: {}, target: {}, run: {} }),
      emit: (b) => emitted.push(b),
    },
  );
  await probes.beforeSteps();
  await probes.endOfSteps({ endOfTest: true });
  assert.equal(probes.evidence, []);
  assert.ok(
    emitted.some((e) => e.kind === 'notice' && e.message.startsWith("probe 'broken' could not start:")),
    JSON.stringify(emitted),
  );
});

test.run();
