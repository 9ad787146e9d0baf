import type { RoutingSettings } from './routingSettings.ts';
import type { RecordSet } from './types.ts';

/**
 * What the main thread tells the DNS worker's replica of Route 53 (docs/dns.md): everything an
 * answer depends on, and nothing else. Sent in batches, each with the next sequence number; the
 * worker applies them in order.
 */
export interface ReplicaZone {
  id: string;
  name: string;
  privateZone: boolean;
  /** Every record set of the zone, grouped by owner name as the store keeps them. */
  records: RecordSet[];
}

export type ReplicaChange =
  /** Forget every zone and health status (sent first, then the whole state). */
  | { kind: 'clear' }
  /** A zone created, or its records replaced by a change batch. */
  | { kind: 'zone'; zone: ReplicaZone }
  | { kind: 'zoneDeleted'; id: string }
  /** The ids of the existing health checks that are unhealthy now (every other id routes as healthy). */
  | { kind: 'health'; unhealthy: string[] }
  /** Where the client is and the weighted generator's seed; restarts the generator's sequence. */
  | { kind: 'routing'; settings: RoutingSettings };

export interface ReplicaBatch {
  /** 1, 2, 3, ...: the value of the shared counter once this batch is posted. */
  seq: number;
  changes: ReplicaChange[];
}
