import type { EmulatorClock } from '../clock.ts';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation, OperationInput, RequestContext } from '../types.ts';
import { validationError } from './backend.ts';
import { decodeShardIterator, encodeShardIterator, SHARD_ITERATOR_TTL_MS } from './shardIterator.ts';
import { parseSequenceNumber, type StreamStore, type TableStream } from './StreamStore.ts';
import { ConstraintErrors, wireInteger, wireString } from './wireTypes.ts';

const ITERATOR_TYPES = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const;
const STREAM_ARN_PATTERN = /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]+\/stream\/[0-9T:.-]+$/;

/**
 * The DynamoDB Streams API over the capture layer's records (docs/fidelity/dynamodb.md,
 * "DynamoDB Streams"): one shard per stream, self-contained iterators, records as GetRecords
 * returns them (same page, "Record shape").
 *
 * Messages: "Requested resource not found: Stream: <arn> not found" (LocalStack's provider),
 * "Requested resource not found: Shard does not exist" and "Invalid StreamArn" (as AWS answers
 * them to KCL and SDK clients), ExpiredIteratorException's from the GetRecords API reference.
 */
export function streamsOperations(store: () => StreamStore, clock: EmulatorClock): Operation[] {
  return [
    { name: 'ListStreams', handler: (input, ctx) => listStreams(store(), input, ctx) },
    { name: 'DescribeStream', handler: (input, ctx) => describeStream(store(), input, ctx) },
    { name: 'GetShardIterator', handler: (input, ctx) => getShardIterator(store(), clock, input, ctx) },
    { name: 'GetRecords', handler: (input, ctx) => getRecords(store(), clock, input, ctx) },
  ];
}

function listStreams(streams: StreamStore, input: OperationInput, ctx: RequestContext) {
  const tableName = wireString(input.TableName);
  const limit = wireInteger(input.Limit);
  const start = wireString(input.ExclusiveStartStreamArn);
  check(
    new ConstraintErrors()
      .length(tableName, 'tableName', 3, 255)
      .pattern(tableName, 'tableName', '[a-zA-Z0-9_.-]+')
      .range(limit, 'limit', 1, 100)
      .length(start, 'exclusiveStartStreamArn', 37, 1024),
  );
  let all = streams.list(ctx.region, tableName);
  if (start !== undefined) all = all.slice(all.findIndex((s) => s.arn === start) + 1);
  const page = all.slice(0, limit ?? 100);
  return {
    Streams: page.map((s) => ({ StreamArn: s.arn, TableName: s.tableName, StreamLabel: s.label })),
    ...(page.length < all.length ? { LastEvaluatedStreamArn: page[page.length - 1]!.arn } : {}),
  };
}

function describeStream(streams: StreamStore, input: OperationInput, ctx: RequestContext) {
  const arn = wireString(input.StreamArn);
  const limit = wireInteger(input.Limit);
  const startShard = wireString(input.ExclusiveStartShardId);
  check(
    new ConstraintErrors()
      .required(arn, 'streamArn')
      .length(arn, 'streamArn', 37, 1024)
      .range(limit, 'limit', 1, 100)
      .length(startShard, 'exclusiveStartShardId', 28, 65),
  );
  const stream = findStream(streams, ctx, arn!);
  const shard = {
    ShardId: stream.shardId,
    SequenceNumberRange: {
      StartingSequenceNumber: stream.startingSequenceNumber,
      ...(stream.endingSequenceNumber ? { EndingSequenceNumber: stream.endingSequenceNumber } : {}),
    },
  };
  return {
    StreamDescription: {
      StreamArn: stream.arn,
      StreamLabel: stream.label,
      StreamStatus: stream.enabled ? 'ENABLED' : 'DISABLED',
      StreamViewType: stream.viewType,
      CreationRequestDateTime: new Date(stream.createdAt),
      TableName: stream.tableName,
      KeySchema: stream.keySchema,
      Shards: startShard === stream.shardId ? [] : [shard],
    },
  };
}

function getShardIterator(streams: StreamStore, clock: EmulatorClock, input: OperationInput, ctx: RequestContext) {
  const arn = wireString(input.StreamArn);
  const shardId = wireString(input.ShardId);
  const type = wireString(input.ShardIteratorType);
  const sequenceNumber = wireString(input.SequenceNumber);
  check(
    new ConstraintErrors()
      .required(arn, 'streamArn')
      .length(arn, 'streamArn', 37, 1024)
      .required(shardId, 'shardId')
      .length(shardId, 'shardId', 28, 65)
      .required(type, 'shardIteratorType')
      .oneOf(type, 'shardIteratorType', ITERATOR_TYPES)
      .length(sequenceNumber, 'sequenceNumber', 21, 40),
  );
  const stream = findStream(streams, ctx, arn!);
  if (shardId !== stream.shardId) {
    throw new ServiceError('ResourceNotFoundException', 'Requested resource not found: Shard does not exist', { status: 400 });
  }
  let position: bigint;
  switch (type) {
    case 'TRIM_HORIZON':
      position = 0n;
      break;
    case 'LATEST':
      // The next record the region will write: nothing written after this call is missed.
      position = stream.enabled ? streams.nextSequence(ctx.region) : parseSequenceNumber(stream.endingSequenceNumber!)! + 1n;
      break;
    default: {
      if (sequenceNumber === undefined) throw validationError(`SequenceNumber is required for ShardIteratorType ${type}`);
      const seq = parseSequenceNumber(sequenceNumber);
      if (seq === undefined) throw validationError(`Invalid SequenceNumber: ${sequenceNumber}`);
      position = type === 'AT_SEQUENCE_NUMBER' ? seq : seq + 1n;
    }
  }
  return { ShardIterator: encodeShardIterator({ streamArn: stream.arn, shardId: stream.shardId, position, issuedAt: clock.now() }) };
}

function getRecords(streams: StreamStore, clock: EmulatorClock, input: OperationInput, ctx: RequestContext) {
  const token = wireString(input.ShardIterator);
  const limit = wireInteger(input.Limit);
  check(new ConstraintErrors().required(token, 'shardIterator').length(token, 'shardIterator', 1, 2048).range(limit, 'limit', 1, 1000));
  const iterator = decodeShardIterator(token!);
  if (!iterator) throw validationError('Invalid ShardIterator');
  const stream = findStream(streams, ctx, iterator.streamArn);
  if (iterator.shardId !== stream.shardId) {
    throw new ServiceError('ResourceNotFoundException', 'Requested resource not found: Shard does not exist', { status: 400 });
  }
  if (clock.now() - iterator.issuedAt > SHARD_ITERATOR_TTL_MS) {
    throw new ServiceError('ExpiredIteratorException', 'The provided iterator exceeds the maximum age allowed.', { status: 400 });
  }
  const records = streams.read(stream, iterator.position, limit ?? 1000);
  const last = records[records.length - 1];
  const position = last ? parseSequenceNumber(last.dynamodb.SequenceNumber)! + 1n : iterator.position;
  // A disabled stream's shard is closed: once it is read to the end there is no next iterator.
  const closedAndDrained = !stream.enabled && streams.read(stream, position, 1).length === 0;
  return {
    Records: records,
    ...(closedAndDrained
      ? {}
      : { NextShardIterator: encodeShardIterator({ streamArn: stream.arn, shardId: stream.shardId, position, issuedAt: clock.now() }) }),
  };
}

function findStream(streams: StreamStore, ctx: RequestContext, arn: string): TableStream {
  if (!STREAM_ARN_PATTERN.test(arn)) throw validationError('Invalid StreamArn');
  const stream = streams.find(ctx.region, arn);
  if (!stream)
    throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`, { status: 400 });
  return stream;
}

function check(errors: ConstraintErrors): void {
  const message = errors.message();
  if (message) throw validationError(message);
}
