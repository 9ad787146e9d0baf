import { isInZone, parentName } from './names.ts';
import type { ChangeRecord, HealthCheck, HostedZone, RecordSet } from './types.ts';

/**
 * Route 53's state. The service is global, so there is one store per emulator (LocalStack
 * keys it by account and partition; the account here is always 000000000000).
 *
 * Caller references are remembered after deletion: AWS never lets one be reused
 * (docs/fidelity/route53.md, "Caller references"), which moto and LocalStack do not reproduce.
 */
export class Route53Store {
  readonly zones = new Map<string, HostedZone>();
  readonly zoneCallerReferences = new Set<string>();
  readonly healthChecks = new Map<string, HealthCheck>();
  /** Every health-check caller reference ever used, with the check it created. */
  readonly healthCheckCallerReferences = new Map<string, string>();
  readonly changes = new Map<string, ChangeRecord>();

  clear(): void {
    this.zones.clear();
    this.zoneCallerReferences.clear();
    this.healthChecks.clear();
    this.healthCheckCallerReferences.clear();
    this.changes.clear();
  }

  zoneById(id: string): HostedZone | undefined {
    return this.zones.get(id);
  }

  /** The zone that answers for `name` (see zoneFor). */
  findZone(name: string): HostedZone | undefined {
    return zoneFor(this.zones.values(), name);
  }

  /** Record sets of a zone in insertion order. */
  allRecords(zone: HostedZone): RecordSet[] {
    return [...zone.records.values()].flat();
  }

  /** Replaces a zone's records at once (a committed change batch) and reindexes it. */
  replaceRecords(zone: HostedZone, records: RecordSet[]): void {
    const index = indexRecords(zone.name, records);
    zone.records = index.records;
    zone.nonTerminals = index.nonTerminals;
  }
}

/**
 * The zone that answers for `name`: the most specific public zone containing it, else the
 * most specific private one; among zones with the same name, the oldest (`zones` in creation
 * order). The store and the DNS worker's replica both choose with this one function.
 */
export function zoneFor<Z extends { name: string; privateZone: boolean }>(zones: Iterable<Z>, name: string): Z | undefined {
  let best: Z | undefined;
  for (const zone of zones) {
    if (!isInZone(name, zone.name)) continue;
    if (
      !best ||
      (best.privateZone && !zone.privateZone) ||
      (best.privateZone === zone.privateZone && zone.name.length > best.name.length)
    ) {
      best = zone;
    }
  }
  return best;
}

/** A zone's record sets by owner name (each list in the given order) and its empty non-terminals. */
export function indexRecords(
  zoneName: string,
  list: readonly RecordSet[],
): { records: Map<string, RecordSet[]>; nonTerminals: Set<string> } {
  const records = new Map<string, RecordSet[]>();
  for (const record of list) {
    const owned = records.get(record.Name);
    if (owned) owned.push(record);
    else records.set(record.Name, [record]);
  }
  const nonTerminals = new Set<string>();
  for (const name of records.keys()) {
    for (let p = parentName(name); p && p !== zoneName && isInZone(p, zoneName); p = parentName(p)) {
      if (!records.has(p)) nonTerminals.add(p);
    }
  }
  return { records, nonTerminals };
}
