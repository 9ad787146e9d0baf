import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveMeasures } from '../../../engine/measures/deriveMeasures.ts';
import type { EvidenceSample } from '../../../engine/evidence.ts';
import { goodDrill, PRIMARY, s, STANDBY } from './streams.ts';

const test = suite('measures/deriveMeasures');

test('one record with every measure, as objectives read it', () => {
  const events: EvidenceSample[] = [
    ...goodDrill(),
    { kind: 'write-ack', aws: s(50), probe: 'ledger', record: 1, region: PRIMARY, acknowledged: true, status: 200 },
    { kind: 'write-ack', aws: s(55), probe: 'ledger', record: 2, region: PRIMARY, acknowledged: true, status: 200 },
    { kind: 'write-readback', aws: s(130), probe: 'ledger', record: 1, region: STANDBY, found: true },
    { kind: 'write-readback', aws: s(130), probe: 'ledger', record: 2, region: STANDBY, found: false },
  ];
  const m = deriveMeasures([...events].reverse());
  assert.is(m.referenceClient, 'ttl', 'the TTL-honouring client by default');
  assert.equal([m.faultStart, m.faultStop], [s(60), s(150)]);
  assert.equal(
    { ...m.failover, rpo: undefined },
    {
      onset: 2000,
      detection: 28_000,
      dns: 5000,
      recovery: 17_000,
      stable: 0,
      rto: 52_000,
      rpo: undefined,
      errorWindow: { ttl: 50_000, forever: 88_000 },
      resolution: {
        marks: { onset: 2000, detection: 30_000, dns: 50_000, recovery: 2000, stable: 2000 },
        errorWindow: { ttl: { min: 48_000, max: 52_000 }, forever: { min: 86_000, max: 90_000 } },
      },
    },
  );
  assert.equal(m.failover.rpo, { lostWrites: 1, spanMs: 0, acknowledged: 2, checked: 2 });
  assert.equal(m.details.lostWrites.failover, [{ probe: 'ledger', record: 2, aws: s(55) }]);
  assert.equal(m.failback.rto, 30_000);
  assert.equal(m.failback.rpo, { lostWrites: null, spanMs: null, acknowledged: 0, checked: 0 });
  assert.equal(m.errorWindow, m.failover.errorWindow);
  assert.equal(m.availability, { all: (95 + 76) / 240, ttl: 95 / 120, forever: 76 / 120 });
});

test('the reference client can be chosen', () => {
  const m = deriveMeasures(goodDrill(), { referenceClient: 'forever' });
  assert.is(m.failover.rto, null, 'the forever client never reached the standby');
});

test('client windows follow the declared order, not the order responses landed in', () => {
  const events = goodDrill();
  const landed = Object.keys(deriveMeasures(events).failover.errorWindow);
  const declared = [...landed].reverse();
  assert.equal(Object.keys(deriveMeasures(events, { clients: declared }).failover.errorWindow), declared);
  assert.equal(Object.keys(deriveMeasures([...events].reverse(), { clients: declared }).availability), ['all', ...declared]);
  assert.equal(
    Object.keys(deriveMeasures(events, { clients: ['nobody', ...declared] }).failover.errorWindow),
    declared,
    'probes without requests are left out',
  );
});

test('no evidence: everything null, nothing throws', () => {
  const m = deriveMeasures([]);
  assert.equal([m.faultStart, m.referenceClient, m.failover.rto, m.failback.rto, m.availability.all], [null, null, null, null, null]);
  assert.equal(m.failover.errorWindow, {});
});

test.run();
