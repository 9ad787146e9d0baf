import type { StreamRecord } from './records.ts';
import type { RecordsListener, StreamStore } from './StreamStore.ts';

/**
 * DynamoDB's internal API, `runtime.api('dynamodb')`.
 *
 * Stream consumers (the Lambda event source mapping poller) should read through the public
 * Streams wire API (DescribeStream → GetShardIterator → GetRecords), like LocalStack's poller;
 * `onRecords` only lets them wake up as soon as a write produced records instead of waiting
 * for their next poll. Listeners run synchronously after the write and must not throw or block.
 */
export interface DynamoDbApi {
  /** Calls `listener` after each write that appended records to a stream; returns an unsubscribe. */
  onRecords(listener: RecordsListener): () => void;
  /** The records a stream holds now, oldest first (tests, diagnostics). */
  records(region: string, streamArn: string): StreamRecord[];
  /**
   * `http://127.0.0.1:<port>` of the region's dynalite, started on demand. Bypasses the gateway,
   * its faults and the stream capture: for tests of the isolation and for diagnostics only.
   */
  dynaliteEndpoint(region: string): Promise<string>;
  /** Regions whose dynalite has started (a region starts its own at its first table operation). */
  startedRegions(): string[];
  /** The Streams service's view of the same state. */
  readonly streams: StreamStore;
}

export type { RecordsListener, StreamRecord };
