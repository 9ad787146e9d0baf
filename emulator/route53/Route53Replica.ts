import { receiveMessageOnPort } from 'node:worker_threads';
import { seededRandom } from '../clock/seededRandom.ts';
import type { QueryType, Resolution } from '../dns/answer.ts';
import type { ReplicaBatch, ReplicaChange } from './replicaChanges.ts';
import type { ReplicaLink } from './ReplicaFeed.ts';
import { resolve, type ResolverZone, type ZoneSource } from './resolve.ts';
import { clientLocation, DEFAULT_ROUTING, type ClientLocation, type RoutingSettings } from './routingSettings.ts';
import { indexRecords, zoneFor } from './store.ts';

interface ReplicaZoneState extends ResolverZone {
  privateZone: boolean;
}

/**
 * The DNS worker's copy of what Route 53 answers from (docs/dns.md): zones, which health
 * checks are unhealthy, where the client is, and the weighted generator, which lives here
 * (DNS queries are the ones that draw from it). Fed by ReplicaFeed on the main thread.
 *
 * `answer()` first catches up: when the shared counter says batches were posted that are not
 * applied yet, it pulls them from the port synchronously. A query therefore never sees a state
 * older than the main thread's at the moment the query arrived.
 */
export class Route53Replica implements ZoneSource {
  private readonly zones = new Map<string, ReplicaZoneState>();
  private unhealthy = new Set<string>();
  private routing: RoutingSettings = { ...DEFAULT_ROUTING };
  private location: ClientLocation = {};
  private random = seededRandom(DEFAULT_ROUTING.seed);
  private readonly posted: Int32Array;
  private applied = 0;
  /** Draws from the generator so far: an answer that drew none depends on the state alone. */
  draws = 0;
  private readonly draw = () => {
    this.draws++;
    return this.random();
  };

  constructor(private readonly link: ReplicaLink) {
    this.posted = new Int32Array(link.posted);
    link.port.on('message', (batch: ReplicaBatch) => this.apply(batch));
  }

  /** The sequence number of the last batch applied: answers with equal versions saw equal states. */
  get version(): number {
    return this.applied;
  }

  /** Applies every batch posted so far. */
  catchUp(): void {
    while (this.applied < Atomics.load(this.posted, 0)) {
      const received = receiveMessageOnPort(this.link.port);
      if (!received) return;
      this.apply(received.message as ReplicaBatch);
    }
  }

  answer(name: string, type: QueryType): Resolution {
    this.catchUp();
    const healthy = (id: string) => !this.unhealthy.has(id);
    return resolve(this, healthy, name, type, { random: this.draw, region: this.routing.clientRegion, location: this.location });
  }

  findZone(name: string): ResolverZone | undefined {
    return zoneFor(this.zones.values(), name);
  }

  zoneById(id: string): ResolverZone | undefined {
    return this.zones.get(id);
  }

  close(): void {
    this.link.port.close();
  }

  private apply(batch: ReplicaBatch): void {
    if (batch.seq !== this.applied + 1) return; // already applied (pulled before the event fired)
    for (const change of batch.changes) this.change(change);
    this.applied = batch.seq;
  }

  private change(change: ReplicaChange): void {
    switch (change.kind) {
      case 'clear':
        this.zones.clear();
        this.unhealthy = new Set();
        return;
      case 'zone': {
        const { id, name, privateZone, records } = change.zone;
        this.zones.set(id, { id, name, privateZone, ...indexRecords(name, records) });
        return;
      }
      case 'zoneDeleted':
        this.zones.delete(change.id);
        return;
      case 'health':
        this.unhealthy = new Set(change.unhealthy);
        return;
      case 'routing':
        this.routing = change.settings;
        this.location = clientLocation(change.settings);
        this.random = seededRandom(change.settings.seed);
        return;
    }
  }
}
