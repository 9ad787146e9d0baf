import { randomBytes } from 'node:crypto';
import { ACCOUNT_ID } from '../types.ts';
import { eventNameOf, recordBody, type ItemChange, type KeySchemaElement, type StreamRecord, type StreamViewType } from './records.ts';

/** Records kept per stream; older ones are trimmed (AWS keeps 24 hours). */
export const MAX_RECORDS_PER_STREAM = 10_000;

/**
 * One stream of one table: a single shard (AWS splits shards by throughput; one is enough for
 * an emulator and for a poller that follows DescribeStream).
 */
export interface TableStream {
  readonly region: string;
  readonly tableName: string;
  /** `arn:aws:dynamodb:<region>:000000000000:table/<T>/stream/<label>`. */
  readonly arn: string;
  /** ISO timestamp without zone, as AWS labels streams: `2026-01-01T00:00:00.000`. */
  readonly label: string;
  readonly viewType: StreamViewType;
  readonly keySchema: readonly KeySchemaElement[];
  readonly shardId: string;
  /** Emulator-clock epoch ms of the enabling request. */
  readonly createdAt: number;
  readonly startingSequenceNumber: string;
  /** Set when the stream is disabled: the shard is closed and no record is added. */
  endingSequenceNumber?: string;
  enabled: boolean;
  /** Oldest first; sequence numbers strictly increasing. */
  readonly records: StreamRecord[];
}

interface TableStreams {
  /** The enabled stream, if any. */
  current?: TableStream;
  /** Every stream of the table, oldest first (disabled ones stay readable, as on AWS). */
  history: TableStream[];
}

interface RegionStreams {
  tables: Map<string, TableStreams>;
  /** Next sequence number to hand out; shared by the region's streams so numbers never repeat. */
  nextSequence: bigint;
}

export type RecordsListener = (event: { region: string; streamArn: string; count: number }) => void;

/** 21-digit numeric strings: fixed width, so string order is numeric order too. */
const SEQUENCE_BASE = 10n ** 20n;

export function formatSequenceNumber(n: bigint): string {
  return (SEQUENCE_BASE + n).toString();
}

/** The numeric value of a sequence number, or undefined when it is not one. */
export function parseSequenceNumber(s: string): bigint | undefined {
  if (!/^\d{1,40}$/.test(s)) return undefined;
  return BigInt(s) - SEQUENCE_BASE;
}

/**
 * The emulator's DynamoDB Streams state, per region: which tables stream, and each stream's
 * records. Written by the DynamoDB capture layer, read by the Streams API.
 */
export class StreamStore {
  private readonly regions = new Map<string, RegionStreams>();
  private readonly listeners = new Set<RecordsListener>();

  /** Enables a new stream on a table (a re-enabled table gets a new ARN, as on AWS). */
  enable(region: string, tableName: string, viewType: StreamViewType, keySchema: readonly KeySchemaElement[], now: number): TableStream {
    const table = this.table(region, tableName, true)!;
    if (table.current) this.disable(region, tableName);
    let createdAt = Math.floor(now);
    // Labels are the stream's identity; two enables in one millisecond still get distinct ones.
    while (table.history.some((s) => s.createdAt === createdAt)) createdAt++;
    const label = new Date(createdAt).toISOString().replace(/Z$/, '');
    const store = this.region(region);
    const stream: TableStream = {
      region,
      tableName,
      arn: `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${tableName}/stream/${label}`,
      label,
      viewType,
      keySchema: keySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
      shardId: `shardId-${String(createdAt).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
      createdAt,
      startingSequenceNumber: formatSequenceNumber(store.nextSequence),
      enabled: true,
      records: [],
    };
    table.current = stream;
    table.history.push(stream);
    return stream;
  }

  /** Closes the table's enabled stream; its records stay readable. */
  disable(region: string, tableName: string): void {
    const table = this.table(region, tableName);
    const stream = table?.current;
    if (!table || !stream) return;
    stream.enabled = false;
    const last = stream.records[stream.records.length - 1];
    stream.endingSequenceNumber = last ? last.dynamodb.SequenceNumber : stream.startingSequenceNumber;
    table.current = undefined;
  }

  /** The table's enabled stream. */
  current(region: string, tableName: string): TableStream | undefined {
    return this.table(region, tableName)?.current;
  }

  /** The table's newest stream, enabled or not: DescribeTable's LatestStreamArn. */
  latest(region: string, tableName: string): TableStream | undefined {
    const history = this.table(region, tableName)?.history;
    return history?.[history.length - 1];
  }

  /** DeleteTable: the table's streams go with it. */
  dropTable(region: string, tableName: string): void {
    this.regions.get(region)?.tables.delete(tableName);
  }

  dropRegion(region: string): void {
    this.regions.delete(region);
  }

  reset(): void {
    this.regions.clear();
  }

  find(region: string, arn: string): TableStream | undefined {
    for (const table of this.regions.get(region)?.tables.values() ?? []) {
      const stream = table.history.find((s) => s.arn === arn);
      if (stream) return stream;
    }
    return undefined;
  }

  /** Every stream of a region (optionally of one table), oldest first. */
  list(region: string, tableName?: string): TableStream[] {
    const tables = this.regions.get(region)?.tables;
    if (!tables) return [];
    const all = tableName ? (tables.get(tableName)?.history ?? []) : [...tables.values()].flatMap((t) => t.history);
    return [...all].sort((a, b) => a.createdAt - b.createdAt || a.arn.localeCompare(b.arn));
  }

  /** The sequence number the region's next record will get (a LATEST iterator starts there). */
  nextSequence(region: string): bigint {
    return this.region(region).nextSequence;
  }

  /**
   * Appends the record a change makes to an enabled stream; returns undefined when the change
   * makes none (unchanged item, delete of a missing item).
   */
  append(stream: TableStream, change: ItemChange, now: number): StreamRecord | undefined {
    const eventName = eventNameOf(change);
    if (!eventName || !stream.enabled) return undefined;
    const store = this.region(stream.region);
    const body = recordBody(change, stream.keySchema, stream.viewType);
    const record: StreamRecord = {
      eventID: randomBytes(16).toString('hex'),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: stream.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now / 1000),
        Keys: body.Keys,
        ...(body.NewImage ? { NewImage: body.NewImage } : {}),
        ...(body.OldImage ? { OldImage: body.OldImage } : {}),
        SequenceNumber: formatSequenceNumber(store.nextSequence++),
        SizeBytes: body.SizeBytes,
        StreamViewType: stream.viewType,
      },
    };
    stream.records.push(record);
    if (stream.records.length > MAX_RECORDS_PER_STREAM) stream.records.splice(0, stream.records.length - MAX_RECORDS_PER_STREAM);
    return record;
  }

  /** Tells listeners that records were appended (after the write that made them returned). */
  notify(stream: TableStream, count: number): void {
    if (count === 0) return;
    for (const listener of this.listeners) {
      try {
        listener({ region: stream.region, streamArn: stream.arn, count });
      } catch {
        // A listener's failure is its own; the write has already happened.
      }
    }
  }

  onRecords(listener: RecordsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records with a sequence number ≥ `from`, at most `limit`. */
  read(stream: TableStream, from: bigint, limit: number): StreamRecord[] {
    const records = stream.records;
    let lo = 0;
    let hi = records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (parseSequenceNumber(records[mid]!.dynamodb.SequenceNumber)! < from) lo = mid + 1;
      else hi = mid;
    }
    return records.slice(lo, lo + limit);
  }

  /** Sequence number of the oldest record still kept, if any. */
  oldestRetained(stream: TableStream): bigint | undefined {
    const first = stream.records[0];
    return first ? parseSequenceNumber(first.dynamodb.SequenceNumber) : undefined;
  }

  private region(region: string): RegionStreams {
    let store = this.regions.get(region);
    if (!store) {
      store = { tables: new Map(), nextSequence: 1n };
      this.regions.set(region, store);
    }
    return store;
  }

  private table(region: string, tableName: string, create = false): TableStreams | undefined {
    const tables = create ? this.region(region).tables : this.regions.get(region)?.tables;
    let table = tables?.get(tableName);
    if (!table && create && tables) {
      table = { history: [] };
      tables.set(tableName, table);
    }
    return table;
  }
}
