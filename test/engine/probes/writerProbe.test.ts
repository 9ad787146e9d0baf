import * as assert from 'uvu/assert';
import { LambdaClient, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { ManualClock } from '../../../engine/clock.ts';
import type { EvidenceSample, WriteAckSample } from '../../../engine/evidence.ts';
import { rpo } from '../../../engine/measures/rpo.ts';
import { startWriterProbe } from '../../../engine/probes/writerProbe.ts';
import awaitItem from '../../../steps/awaitItem.ts';
import provisionRegion from '../../../steps/provisionRegion.ts';
import { emulatorSuite } from '../../helpers/emulatorSuite.ts';
import { stepContext } from '../../helpers/emulatorTarget.ts';
import { runStep } from '../../helpers/testStep.ts';
import { settle } from './settle.ts';

const test = emulatorSuite('probes/writerProbe', { emulator: { timeScale: 10 } });

test('lost-write ledger on the tutorial app: replicated writes are found, writes after replication paused are lost', async ({ target }) => {
  const [, primary] = await Promise.all([
    runStep(provisionRegion, { region: 'eu-central-1', apiId: '67890' }, stepContext(target)),
    runStep(provisionRegion, { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' }, stepContext(target)),
  ]);
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
  const samples: EvidenceSample[] = [];
  const acks = () => samples.filter((s): s is WriteAckSample => s.kind === 'write-ack');
  const writer = startWriterProbe(
    { target, clock, emit: (s) => samples.push(s) },
    { name: 'ledger', url: `${primary.invokeUrl}/productApi`, region: 'us-east-1', intervalMs: 1000 },
  );
  const writeUntil = async (count: number) => {
    await settle(() => acks().length >= 1, 'the first write', 5_000_000);
    while (acks().length < count) {
      await clock.nextSleep();
      await clock.advance(1000);
      const expected = acks().length + 1;
      await settle(() => acks().length === expected, `write ${expected}`, 5_000_000);
    }
  };

  await writeUntil(3);
  await runStep(
    awaitItem,
    { region: 'eu-central-1', table: 'Products', key: { id: 'ledger-ledger-3' }, pollInterval: 20 },
    stepContext(target),
  );
  // Replication paused, as FIS's cross-Region scenario does: the primary still acknowledges writes.
  await target
    .client(LambdaClient, 'us-east-1')
    .send(new UpdateEventSourceMappingCommand({ UUID: primary.eventSourceMappingId!, Enabled: false }));
  await writeUntil(6);
  await writer.stop();

  assert.equal(
    acks().map((a) => [a.record, a.acknowledged, a.status, a.region]),
    [1, 2, 3, 4, 5, 6].map((n) => [n, true, 200, 'us-east-1']),
  );
  assert.equal(writer.acknowledged(), [1, 2, 3, 4, 5, 6]);
  assert.equal(await writer.readBack('us-east-1'), [], 'the primary has every acknowledged write');
  assert.equal(await writer.readBack('eu-central-1'), [4, 5, 6]);
  const measure = rpo(samples, 'failover');
  assert.equal([measure.lostWrites, measure.acknowledged, measure.checked], [3, 6, 6]);
  assert.equal(
    measure.lost.map((l) => l.record),
    [4, 5, 6],
  );
  assert.is(measure.spanMs, 2000, 'acknowledged one AWS second apart');
});

test.run();
