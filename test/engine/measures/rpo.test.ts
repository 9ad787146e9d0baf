import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rpo } from '../../../engine/measures/rpo.ts';
import type { EvidenceSample } from '../../../engine/evidence.ts';
import { PRIMARY, s, STANDBY } from './streams.ts';

const test = suite('measures/rpo');

/** Writes 1..n to `region` every second from `from`, acknowledged unless listed, then readbacks from `readFrom`. */
function ledger(region: string, from: number, n: number, readFrom: string, missing: number[], unacked: number[] = []): EvidenceSample[] {
  const out: EvidenceSample[] = [];
  for (let record = 1; record <= n; record++) {
    const acknowledged = !unacked.includes(record);
    out.push({
      kind: 'write-ack',
      aws: s(from + record),
      probe: 'ledger',
      record: record + (region === PRIMARY ? 0 : 1000),
      region,
      acknowledged,
      status: acknowledged ? 200 : 502,
    });
  }
  for (let record = 1; record <= n; record++) {
    out.push({
      kind: 'write-readback',
      aws: s(from + 500),
      probe: 'ledger',
      record: record + (region === PRIMARY ? 0 : 1000),
      region: readFrom,
      found: !missing.includes(record),
    });
  }
  return out;
}

test('nothing lost: 0 lost writes, span 0', () => {
  assert.equal(rpo(ledger(PRIMARY, 0, 10, STANDBY, []), 'failover'), { lostWrites: 0, spanMs: 0, acknowledged: 10, checked: 10, lost: [] });
});

test('replication paused: every acknowledged write missing from the standby is lost, with the span it covers', () => {
  const result = rpo(ledger(PRIMARY, 0, 10, STANDBY, [6, 7, 8, 10]), 'failover');
  assert.is(result.lostWrites, 4);
  assert.is(result.spanMs, 4000, 'first lost acknowledged at 6 s, last at 10 s');
  assert.equal(
    result.lost.map((l) => l.record),
    [6, 7, 8, 10],
  );
  assert.equal(result.lost[0], { probe: 'ledger', record: 6, aws: s(6) });
});

test('unacknowledged writes are not owed; unread writes are not counted; no readback at all is not measured', () => {
  const partial = rpo(ledger(PRIMARY, 0, 5, STANDBY, [2, 3], [3]), 'failover');
  assert.equal([partial.lostWrites, partial.acknowledged, partial.checked], [1, 4, 4]);
  const writesOnly = ledger(PRIMARY, 0, 5, STANDBY, []).filter((e) => e.kind === 'write-ack');
  assert.equal(rpo(writesOnly, 'failover'), { lostWrites: null, spanMs: null, acknowledged: 5, checked: 0, lost: [] });
});

test('failback: writes acknowledged by the standby, read back from the primary; readbacks from the primary do not count for failover', () => {
  const events = [...ledger(PRIMARY, 0, 3, STANDBY, []), ...ledger(STANDBY, 100, 4, PRIMARY, [1, 2, 3, 4])];
  assert.equal(rpo(events, 'failover').lostWrites, 0);
  const back = rpo(events, 'failback');
  assert.equal([back.lostWrites, back.spanMs, back.acknowledged], [4, 3000, 4]);
});

test('a record found by any readback from the right region is not lost (a later retry saw it replicated)', () => {
  const events: EvidenceSample[] = [
    ...ledger(PRIMARY, 0, 2, STANDBY, [2]),
    { kind: 'write-readback', aws: s(900), probe: 'ledger', record: 2, region: STANDBY, found: true },
  ];
  assert.is(rpo(events, 'failover').lostWrites, 0);
});

test.run();
