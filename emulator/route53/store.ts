import { isInZone, parentName } from './names.ts';
import type { ChangeRecord, HealthCheck, HostedZone, RecordSet } from './types.ts';

/**
 * Route 53's state. The service is global, so there is one store per emulator (LocalStack
 * keys it by account and partition; the account here is always 000000000000).
 *
 * Caller references are remembered after deletion: AWS never lets one be reused
 * (aws-emulation.md §2.1), which moto and LocalStack do not reproduce.
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

  /**
   * The zone that answers for `name`: the most specific public zone containing it, else the
   * most specific private one; among zones with the same name, the oldest.
   */
  findZone(name: string): HostedZone | undefined {
    let best: HostedZone | undefined;
    for (const zone of this.zones.values()) {
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

  /** Record sets of a zone in insertion order. */
  allRecords(zone: HostedZone): RecordSet[] {
    return [...zone.records.values()].flat();
  }

  /** Replaces a zone's records at once (a committed change batch) and reindexes it. */
  replaceRecords(zone: HostedZone, records: RecordSet[]): void {
    zone.records = new Map();
    for (const record of records) {
      const list = zone.records.get(record.Name);
      if (list) list.push(record);
      else zone.records.set(record.Name, [record]);
    }
    zone.nonTerminals = new Set();
    for (const name of zone.records.keys()) {
      for (let p = parentName(name); p && p !== zone.name && isInZone(p, zone.name); p = parentName(p)) {
        if (!zone.records.has(p)) zone.nonTerminals.add(p);
      }
    }
  }
}
