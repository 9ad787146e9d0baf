import type { DynamoDBStreamsClient, Shard, _Record } from '@aws-sdk/client-dynamodb-streams';
import type { EmulatorClock, TimerHandle } from '../clock.ts';

/** How often a mapping polls its stream by default, in AWS ms (AWS polls DynamoDB stream shards 4×/s). */
export const POLL_INTERVAL_MS = 250;
/** How often the shard list is read again, in polls (and at once when a shard closes). */
const DESCRIBE_EVERY_POLLS = 30;

export interface StreamPollerOptions {
  streamArn: string;
  /** Region of the stream, from its ARN: the Streams client signs with it. */
  region: string;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  batchSize: () => number;
  clock: EmulatorClock;
  /** Poll interval in AWS ms (the emulation model's `streamPollInterval`); default POLL_INTERVAL_MS. */
  interval?: number;
  endpoint: () => string;
  log: (line: string) => void;
  /** Invokes the function with `{"Records":[...]}`; resolves true when it succeeded. */
  deliver: (event: string) => Promise<boolean>;
  onResult: (lastProcessingResult: string) => void;
  /**
   * Subscribes to "records were appended to a stream" (DynamoDB's `onRecords`); returns an
   * unsubscribe. With it, a poller whose last poll found every shard empty parks instead of
   * polling an empty stream four times a second, and wakes at the first poll time after a write.
   */
  onRecords?: (listener: (streamArn: string) => void) => () => void;
}

/** What polling one shard did. */
type ShardPoll = 'empty' | 'delivered' | 'failed';

interface ShardCursor {
  id: string;
  parentId?: string;
  /** Where a lost iterator restarts when nothing was delivered yet. */
  position: 'LATEST' | 'TRIM_HORIZON';
  iterator?: string;
  /** Sequence number of the last record delivered, to resume after an expired iterator. */
  lastSequence?: string;
  /** A batch read but not yet delivered: retried as is until the function succeeds. */
  batch?: { records: _Record[]; next?: string };
}

/**
 * One event source mapping's reader: the REAL @aws-sdk/client-dynamodb-streams client against
 * the emulator's own endpoint (DescribeStream → GetShardIterator → GetRecords), as LocalStack's
 * `pollers/dynamodb_poller.py` does. Semantics (docs/fidelity/lambda.md, "Event source
 * mappings"): records go to the function in order, at most BatchSize at a time; a failing batch
 * (function error, fault, API error) is retried as is and blocks its shard — MaximumRetryAttempts
 * −1, no bisecting — until it succeeds or the mapping is deleted.
 */
export class StreamPoller {
  private client?: DynamoDBStreamsClient;
  private readonly shards = new Map<string, ShardCursor>();
  private readonly finished = new Set<string>();
  private timer?: TimerHandle;
  private running = false;
  private stopped = false;
  private pollsSinceDescribe = 0;
  /** Records were appended since the current poll started. */
  private dirty = false;
  /** No timer is set: the last poll found nothing, the next write wakes the poller. */
  private parked = false;
  /** AWS time the last poll started: polls stay on this grid of `interval` after a park. */
  private lastPollAt = 0;
  private unsubscribe?: () => void;

  constructor(private readonly options: StreamPollerOptions) {}

  /**
   * Reads the shard list and takes iterators at the starting position, so LATEST means "after
   * CreateEventSourceMapping returned". Rejects when the stream does not exist.
   */
  async prepare(): Promise<void> {
    const { DynamoDBStreamsClient } = await import('@aws-sdk/client-dynamodb-streams');
    this.client = new DynamoDBStreamsClient({
      endpoint: this.options.endpoint(),
      region: this.options.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    await this.describe(true);
  }

  /** Starts (or resumes) polling every POLL_INTERVAL_MS on the emulator clock. */
  start(): void {
    if (this.stopped || this.running) return;
    this.running = true;
    this.unsubscribe ??= this.options.onRecords?.((arn) => this.recordsAppended(arn));
    this.schedule(this.interval);
  }

  /** Stops polling, keeping the position (UpdateEventSourceMapping Enabled: false). */
  pause(): void {
    this.running = false;
    this.parked = false;
    if (this.timer) this.options.clock.clear(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  stop(): void {
    this.pause();
    this.stopped = true;
    this.client?.destroy();
  }

  private get interval(): number {
    return this.options.interval ?? POLL_INTERVAL_MS;
  }

  private schedule(delay: number): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.lastPollAt = this.options.clock.now();
      this.dirty = false;
      // Each poll is an activity: it holds AWS time still while it reads and delivers.
      void this.options.clock
        .activity(`stream poll ${this.options.streamArn}`, () => this.poll())
        .then((outcome) => {
          if (!this.running || this.stopped) return;
          // Park only when a poll found every shard empty and nothing was written meanwhile: the
          // polls skipped would have read nothing, so when records arrive is unchanged.
          if (outcome === 'empty' && !this.dirty && this.unsubscribe) this.parked = true;
          else this.schedule(this.interval);
        });
    }, delay);
  }

  /** A write appended records: a parked poller polls at its next grid time (as if it had kept polling). */
  private recordsAppended(streamArn: string): void {
    if (streamArn !== this.options.streamArn) return;
    this.dirty = true;
    if (!this.parked || !this.running || this.stopped) return;
    this.parked = false;
    // The write may have opened a new shard: read the shard list first.
    this.pollsSinceDescribe = DESCRIBE_EVERY_POLLS;
    const elapsed = this.options.clock.now() - this.lastPollAt;
    this.schedule(this.interval - (elapsed % this.interval));
  }

  private async poll(): Promise<ShardPoll> {
    try {
      if (++this.pollsSinceDescribe >= DESCRIBE_EVERY_POLLS || this.shards.size === 0) await this.describe(false);
      let outcome: ShardPoll = 'empty';
      for (const shard of this.orderedShards()) {
        if (this.stopped || !this.running) return outcome;
        const result = await this.pollShard(shard);
        if (result === 'failed' || (result === 'delivered' && outcome === 'empty')) outcome = result;
      }
      return outcome;
    } catch (err) {
      this.options.log(`lambda event source mapping on ${this.options.streamArn}: ${(err as Error).name}: ${(err as Error).message}`);
      this.options.onResult(`PROBLEM: ${(err as Error).message}`);
      return 'failed';
    }
  }

  /** Parents before children: a child shard waits until its parent is read to the end. */
  private orderedShards(): ShardCursor[] {
    return [...this.shards.values()].filter((s) => !s.parentId || !this.shards.has(s.parentId));
  }

  /** Reads and delivers one batch of a shard; 'failed' when the batch failed and must be retried. */
  private async pollShard(shard: ShardCursor): Promise<ShardPoll> {
    const client = this.client!;
    const { GetRecordsCommand } = await import('@aws-sdk/client-dynamodb-streams');
    if (!shard.batch) {
      if (!shard.iterator) await this.reposition(shard);
      try {
        const res = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.options.batchSize() }));
        shard.batch = { records: res.Records ?? [], next: res.NextShardIterator };
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
          shard.iterator = undefined;
          if (name === 'TrimmedDataAccessException') shard.lastSequence = undefined;
          return 'failed';
        }
        throw err;
      }
    }
    const batch = shard.batch;
    if (batch.records.length > 0) {
      const event = JSON.stringify(
        { Records: batch.records.map((r) => ({ ...r, eventSourceARN: this.options.streamArn })) },
        eventReplacer,
      );
      const ok = await this.options.deliver(event);
      if (!ok) {
        this.options.onResult('PROBLEM: Function call failed');
        return 'failed';
      }
      shard.lastSequence = batch.records[batch.records.length - 1]!.dynamodb?.SequenceNumber ?? shard.lastSequence;
      this.options.onResult('OK');
    }
    shard.batch = undefined;
    shard.iterator = batch.next;
    if (!batch.next) {
      // The shard is closed and read to its end; its children take over.
      this.shards.delete(shard.id);
      this.finished.add(shard.id);
      this.pollsSinceDescribe = DESCRIBE_EVERY_POLLS;
    }
    return batch.records.length > 0 || !batch.next ? 'delivered' : 'empty';
  }

  /** A fresh iterator: after the last delivered record, else at the starting position. */
  private async reposition(shard: ShardCursor): Promise<void> {
    const { GetShardIteratorCommand } = await import('@aws-sdk/client-dynamodb-streams');
    const res = await this.client!.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shard.id,
        ...(shard.lastSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: shard.position }),
      }),
    );
    shard.iterator = res.ShardIterator;
  }

  /** Adds the shards not seen yet; at prepare, at the starting position, later from their start. */
  private async describe(initial: boolean): Promise<void> {
    this.pollsSinceDescribe = 0;
    const { DescribeStreamCommand, GetShardIteratorCommand } = await import('@aws-sdk/client-dynamodb-streams');
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const res = await this.client!.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      shards.push(...(res.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = res.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);

    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.shards.has(id) || this.finished.has(id)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      if (initial && closed && this.options.startingPosition === 'LATEST') {
        this.finished.add(id);
        continue;
      }
      const type = initial && !closed ? this.options.startingPosition : 'TRIM_HORIZON';
      const res = await this.client!.send(
        new GetShardIteratorCommand({ StreamArn: this.options.streamArn, ShardId: id, ShardIteratorType: type }),
      );
      this.shards.set(id, { id, parentId: shard.ParentShardId, position: type, iterator: res.ShardIterator });
    }
  }
}

/** Stream records as Lambda delivers them: epoch seconds for dates, base64 for binary. */
function eventReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return raw.getTime() / 1000;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
  return value;
}
