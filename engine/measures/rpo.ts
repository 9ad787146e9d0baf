import { samplesOf, type EvidenceSample } from '../evidence.ts';
import type { Direction } from './rtoSplit.ts';

/** Lost writes of one direction, from the writer probe's ledger. */
export interface RpoMeasure {
  /** Acknowledged writes read back and not found; null when none was read back (not measured). */
  lostWrites: number | null;
  /** AWS ms from the first lost write's acknowledgement to the last's (0 for one lost write). */
  spanMs: number | null;
  /** Acknowledged writes in this direction. */
  acknowledged: number;
  /** Of those, how many were read back. */
  checked: number;
  /** Ledger sequence numbers of the lost writes, with their acknowledgement times. */
  lost: Array<{ probe: string; record: number; aws: number }>;
}

/**
 * RPO as lost writes. The primary is the region of the first acknowledged write. Failover:
 * writes acknowledged by the primary, read back from any other region. Failback: writes
 * acknowledged by another region, read back from the primary. A write is lost when a readback
 * from the right region says it is not there; a write never read back is not counted either
 * way (`checked` says how many were).
 */
export function rpo(events: readonly EvidenceSample[], direction: Direction): RpoMeasure {
  const acks = samplesOf(events, 'write-ack').filter((a) => a.acknowledged);
  const primary = acks[0]?.region;
  const mine = acks.filter((a) => (direction === 'failover' ? a.region === primary : a.region !== primary));
  const readbacks = samplesOf(events, 'write-readback').filter((r) =>
    direction === 'failover' ? r.region !== primary : r.region === primary,
  );
  const found = new Map<string, boolean>();
  for (const r of readbacks) {
    const key = `${r.probe}\u0000${r.record}`;
    found.set(key, (found.get(key) ?? false) || r.found);
  }
  const lost: RpoMeasure['lost'] = [];
  let checked = 0;
  for (const ack of mine) {
    const seen = found.get(`${ack.probe}\u0000${ack.record}`);
    if (seen === undefined) continue;
    checked++;
    if (!seen) lost.push({ probe: ack.probe, record: ack.record, aws: ack.aws });
  }
  if (checked === 0) return { lostWrites: null, spanMs: null, acknowledged: mine.length, checked, lost };
  const span = lost.length === 0 ? 0 : lost[lost.length - 1]!.aws - lost[0]!.aws;
  return { lostWrites: lost.length, spanMs: span, acknowledged: mine.length, checked, lost };
}
