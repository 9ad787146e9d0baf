import { crc32 } from 'node:zlib';
import type { EmulatorClock } from '../clock.ts';
import { ServiceError } from '../protocol/ServiceError.ts';
import { RawReply } from '../operation.ts';
import type { DynaliteHost, DynaliteReply } from './DynaliteHost.ts';
import type { ClientTokens } from './ClientTokens.ts';
import type { KeyedMutex } from './KeyedMutex.ts';
import type { StreamStore } from './StreamStore.ts';
import type { TableSettings } from './TableSettings.ts';

/** What the DynamoDB operations share: the regions' dynalites, the streams, the table locks. */
export interface DynamoDbBackend {
  dynalite: DynaliteHost;
  streams: StreamStore;
  /** What DynamoDB keeps about tables that dynalite does not (deletion protection, SSE, ...). */
  tables: TableSettings;
  locks: KeyedMutex;
  /** TransactWriteItems ClientRequestTokens still binding their parameters. */
  clientTokens: ClientTokens;
  clock: EmulatorClock;
  log(line: string): void;
}

/** Key of a table's capture lock. */
export function tableLockKey(region: string, tableName: string): string {
  return `${region}\u0000${tableName}`;
}

/**
 * Hands dynalite's reply to the gateway byte for byte: status, body, and its `x-amz-crc32`,
 * which botocore verifies on DynamoDB responses and which is right for these exact bytes
 * (docs/fidelity/dynamodb.md, "Responses relayed from dynalite").
 */
export function relay(reply: DynaliteReply): RawReply {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  if (reply.crc32 !== undefined) headers['x-amz-crc32'] = reply.crc32;
  return new RawReply(reply.status, headers, reply.body);
}

/** A response body the emulator rewrote, with its own correct `x-amz-crc32`. */
export function respond(body: Record<string, unknown>, status = 200): RawReply {
  const bytes = Buffer.from(JSON.stringify(body));
  return new RawReply(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': String(crc32(bytes)) }, bytes);
}

/** dynalite's reply as JSON; dynalite always answers a JSON object (or nothing on a 413). */
export function replyJson(reply: DynaliteReply): Record<string, unknown> {
  if (reply.body.length === 0) return {};
  return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
}

export function isOk(reply: DynaliteReply): boolean {
  return reply.status === 200;
}

/**
 * A ValidationException under the `__type` DynamoDB gives validation failures,
 * `com.amazon.coral.validate#ValidationException` (as dynalite does; docs/fidelity/dynamodb.md),
 * so the emulator's own checks read like dynalite's.
 */
export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message, {
    status: 400,
    extra: { __type: 'com.amazon.coral.validate#ValidationException' },
  });
}

/** A SerializationException under the `__type` dynalite (and DynamoDB) gives type errors. */
export function serializationError(message: string): ServiceError {
  // dynalite's own type errors (validations/index.js) spell it `Message`, as DynamoDB's Coral front end does.
  return new ServiceError('SerializationException', message, {
    status: 400,
    extra: { __type: 'com.amazon.coral.service#SerializationException', Message: message },
  });
}

/** dynalite refused a request the emulator made on a caller's behalf; `reply` is its answer, to relay. */
export class DynaliteRejected extends Error {
  readonly code = 'DynaliteRejected';
  constructor(
    readonly reply: DynaliteReply,
    what: string,
  ) {
    super(`${what} failed: ${reply.body.toString('utf8')}`);
    this.name = 'DynaliteRejected';
  }
}
