import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ReplicaBatch, ReplicaChange } from './replicaChanges.ts';
import type { RoutingSettings } from './routingSettings.ts';
import type { Route53Store } from './store.ts';
import type { RecordSet } from './types.ts';

/** What the DNS worker is given to follow Route 53's state. */
export interface ReplicaLink {
  /** The worker's end of the channel the changes are posted on. */
  port: MessagePort;
  /** One Int32: the sequence number of the last batch posted. */
  posted: SharedArrayBuffer;
}

/** The main thread's end of a replica channel: where {@link ReplicaFeed} posts. */
export interface ReplicaFeedEnd {
  port: MessagePort;
  /** The same counter as the worker's {@link ReplicaLink.posted}. */
  posted: SharedArrayBuffer;
}

/**
 * A channel for a new DNS worker: its `worker` end goes to the worker, its `feed` end to
 * {@link ReplicaFeed.attach}. Opened apart from Route 53, so the worker can start before Route
 * 53's code is loaded; until the first batch arrives the worker's replica is empty, as Route
 * 53 is at start.
 */
export function openReplicaChannel(): { worker: ReplicaLink; feed: ReplicaFeedEnd } {
  const channel = new MessageChannel();
  const posted = new SharedArrayBuffer(4);
  return { worker: { port: channel.port2, posted }, feed: { port: channel.port1, posted } };
}

/**
 * The main thread's side of the DNS worker's replica (docs/dns.md). `sync()` compares the store
 * and the health statuses with what was last sent and posts the difference as one batch, then
 * bumps a shared counter. Posting is synchronous: the batch is in the worker's queue before
 * `sync()` returns, and a worker that sees the counter ahead of what it applied pulls the
 * queue before answering. So whatever the main thread changed before a query was sent is in
 * that query's answer, without the main thread ever waiting for the worker.
 *
 * Route 53 calls `sync()` after every API operation (before its response is written), after a
 * health check flips, and on reset; `routing()` when the routing settings change.
 */
export class ReplicaFeed {
  private port?: MessagePort;
  private posted = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  /** Per zone id, the record map last sent (the store replaces the map on every change). */
  private readonly sentZones = new Map<string, ReadonlyMap<string, readonly RecordSet[]>>();
  private sentUnhealthy = '';

  constructor(
    private readonly store: Route53Store,
    private readonly isHealthy: (healthCheckId: string) => boolean,
    private routingSettings: RoutingSettings,
  ) {}

  /**
   * Posts on `end` from now on (a channel opened by {@link openReplicaChannel} for a new worker),
   * the whole state first.
   */
  attach(end: ReplicaFeedEnd): void {
    this.port?.close();
    this.port = end.port;
    // Posting must not keep the process alive; the worker holds its own end.
    this.port.unref();
    this.posted = new Int32Array(end.posted);
    this.seq = 0; // a new worker applies batches from 1 on
    this.sentZones.clear();
    this.sentUnhealthy = '';
    this.post([{ kind: 'clear' }, { kind: 'routing', settings: this.routingSettings }, ...this.differences()]);
  }

  /** Stops posting (the worker is gone). */
  detach(): void {
    this.port?.close();
    this.port = undefined;
  }

  /** Posts whatever changed in zones and health since the last batch. */
  sync(): void {
    if (!this.port) return;
    const changes = this.differences();
    if (changes.length > 0) this.post(changes);
  }

  /** New routing settings: the worker's generator restarts its sequence from `settings.seed`. */
  routing(settings: RoutingSettings): void {
    this.routingSettings = { ...settings };
    if (this.port) this.post([{ kind: 'routing', settings: this.routingSettings }]);
  }

  private differences(): ReplicaChange[] {
    const changes: ReplicaChange[] = [];
    for (const id of [...this.sentZones.keys()]) {
      if (this.store.zones.has(id)) continue;
      this.sentZones.delete(id);
      changes.push({ kind: 'zoneDeleted', id });
    }
    for (const zone of this.store.zones.values()) {
      if (this.sentZones.get(zone.id) === zone.records) continue;
      this.sentZones.set(zone.id, zone.records);
      const records = this.store.allRecords(zone);
      changes.push({ kind: 'zone', zone: { id: zone.id, name: zone.name, privateZone: zone.privateZone, records } });
    }
    const unhealthy = [...this.store.healthChecks.keys()].filter((id) => !this.isHealthy(id)).sort();
    const key = unhealthy.join(',');
    if (key !== this.sentUnhealthy) {
      this.sentUnhealthy = key;
      changes.push({ kind: 'health', unhealthy });
    }
    return changes;
  }

  private post(changes: ReplicaChange[]): void {
    const batch: ReplicaBatch = { seq: ++this.seq, changes };
    this.port!.postMessage(batch);
    Atomics.store(this.posted, 0, this.seq);
  }
}
