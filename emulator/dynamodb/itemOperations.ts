import type { Operation, OperationInput, RawReply, RequestContext } from '../types.ts';
import { DynaliteRejected, isOk, relay, replyJson, respond, tableLockKey, type DynamoDbBackend } from './backend.ts';
import { withConditionFailureItem } from './conditionFailureItem.ts';
import type { ItemWriteInput } from './itemWriteInput.ts';
import { keysOf, sameItem, type Item, type ItemChange, type KeySchemaElement } from './records.ts';
import type { TableStream } from './StreamStore.ts';

/**
 * The writes the emulator wraps to make stream records, as LocalStack's v1 provider does
 * (docs/fidelity/dynamodb.md, "How records are captured"):
 * - PutItem / DeleteItem: ask dynalite for `ReturnValues: ALL_OLD` when the caller asked for
 *   NONE, and take the old image from it (then drop `Attributes` from the caller's response);
 * - UpdateItem: read the item before and after, and forward the caller's request untouched;
 * - BatchWriteItem: BatchGetItem before and after.
 * New images are read back after the write, so they are the item as stored (dynalite
 * normalises numbers: `01.50` is stored as `1.5`). Each table's captured writes run under its
 * lock so the images belong to that write alone. Tables without an enabled stream go straight
 * through, bytes in and bytes out.
 */
export function itemOperations(b: DynamoDbBackend): Operation[] {
  return [
    withConditionFailureItem(b, { name: 'PutItem', handler: (input: ItemWriteInput, ctx) => putOrDelete(b, 'PutItem', input, ctx) }),
    withConditionFailureItem(b, {
      name: 'DeleteItem',
      handler: (input: ItemWriteInput, ctx) => putOrDelete(b, 'DeleteItem', input, ctx),
    }),
    withConditionFailureItem(b, { name: 'UpdateItem', handler: (input: ItemWriteInput, ctx) => updateItem(b, input, ctx) }),
    { name: 'BatchWriteItem', handler: (input, ctx) => batchWriteItem(b, input, ctx) },
  ];
}

function enabledStream(b: DynamoDbBackend, region: string, tableName: unknown): TableStream | undefined {
  return typeof tableName === 'string' ? b.streams.current(region, tableName) : undefined;
}

async function passThrough(b: DynamoDbBackend, operation: string, ctx: RequestContext): Promise<RawReply> {
  return relay(await b.dynalite.call(ctx.region, operation, ctx.rawBody));
}

async function putOrDelete(
  b: DynamoDbBackend,
  operation: 'PutItem' | 'DeleteItem',
  input: ItemWriteInput,
  ctx: RequestContext,
): Promise<RawReply> {
  const tableName = input.TableName;
  if (typeof tableName !== 'string' || !enabledStream(b, ctx.region, tableName)) return passThrough(b, operation, ctx);
  return b.locks.run([tableLockKey(ctx.region, tableName)], async () => {
    const stream = enabledStream(b, ctx.region, tableName);
    if (!stream) return passThrough(b, operation, ctx);
    const returnValues = input.ReturnValues;
    // NONE (or nothing) becomes ALL_OLD and the old image is free; ALL_OLD already gives it.
    // Any other value is the caller's to have honoured or rejected by dynalite's validation
    // (dynalite accepts ALL_NEW on DeleteItem), so the old image is read first instead.
    const override = returnValues === undefined || returnValues === null || returnValues === 'NONE';
    let before: Item | undefined;
    if (!override && returnValues !== 'ALL_OLD') {
      // dynalite has not seen the request yet: without an Item (or a Key) the read fails and the request goes through.
      const key = operation === 'PutItem' ? keysOf(input.Item ?? {}, stream.keySchema) : (input.Key ?? {});
      try {
        before = await readItem(b, ctx, tableName, key);
      } catch {
        return passThrough(b, operation, ctx);
      }
    }
    const reply = await b.dynalite.call(ctx.region, operation, override ? { ...input, ReturnValues: 'ALL_OLD' } : ctx.rawBody);
    if (!isOk(reply)) return relay(reply);
    const parsed = replyJson(reply);
    const change: ItemChange = { oldImage: returnValues === 'ALL_OLD' || override ? (parsed.Attributes as Item | undefined) : before };
    if (operation === 'PutItem') {
      // The write succeeded, so the read-back should too; if not, the request's item is close.
      change.newImage = await readItem(b, ctx, tableName, keysOf(input.Item ?? {}, stream.keySchema)).catch((err: Error) => {
        b.log(`dynamodb ${ctx.region} PutItem: ${err.message}`);
        return input.Item;
      });
    }
    record(b, stream, [change]);
    if (!override) return relay(reply);
    delete parsed.Attributes;
    return respond(parsed);
  });
}

async function updateItem(b: DynamoDbBackend, input: ItemWriteInput, ctx: RequestContext): Promise<RawReply> {
  const tableName = input.TableName;
  if (typeof tableName !== 'string' || !enabledStream(b, ctx.region, tableName)) return passThrough(b, 'UpdateItem', ctx);
  return b.locks.run([tableLockKey(ctx.region, tableName)], async () => {
    const stream = enabledStream(b, ctx.region, tableName);
    if (!stream) return passThrough(b, 'UpdateItem', ctx);
    const key = input.Key ?? {};
    let before: Item | undefined;
    try {
      before = await readItem(b, ctx, tableName, key);
    } catch {
      // An unreadable key fails the update too; let dynalite say why, in UpdateItem's words.
      return passThrough(b, 'UpdateItem', ctx);
    }
    const reply = await b.dynalite.call(ctx.region, 'UpdateItem', ctx.rawBody);
    if (!isOk(reply)) return relay(reply);
    try {
      record(b, stream, [{ oldImage: before, newImage: await readItem(b, ctx, tableName, key) }]);
    } catch (err) {
      b.log(`dynamodb ${ctx.region} UpdateItem: no stream record: ${(err as Error).message}`);
    }
    return relay(reply);
  });
}

/** An item to read back: its table, its key, and the table's key schema (to match answers to requests). */
export interface ItemRef {
  tableName: string;
  key: Item;
  keySchema: readonly KeySchemaElement[];
}

interface WriteRef extends ItemRef {
  stream: TableStream;
}

async function batchWriteItem(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  const requestItems = input.RequestItems;
  if (!requestItems || typeof requestItems !== 'object' || Array.isArray(requestItems)) return passThrough(b, 'BatchWriteItem', ctx);
  const tables = Object.keys(requestItems).filter((t) => enabledStream(b, ctx.region, t));
  if (tables.length === 0) return passThrough(b, 'BatchWriteItem', ctx);

  return b.locks.run(
    tables.map((t) => tableLockKey(ctx.region, t)),
    async () => {
      const refs = writeRefs(b, ctx.region, requestItems as Record<string, unknown>);
      if (!refs) return passThrough(b, 'BatchWriteItem', ctx);
      let before: (Item | undefined)[];
      try {
        before = await readItems(b, ctx, refs);
      } catch {
        // Malformed keys fail the batch as well; dynalite's BatchWriteItem error is the one to show.
        return passThrough(b, 'BatchWriteItem', ctx);
      }
      const reply = await b.dynalite.call(ctx.region, 'BatchWriteItem', ctx.rawBody);
      if (!isOk(reply)) return relay(reply);
      const unprocessed = unprocessedKeys(replyJson(reply).UnprocessedItems, refs);
      let after: (Item | undefined)[];
      try {
        after = await readItems(b, ctx, refs);
      } catch (err) {
        b.log(`dynamodb ${ctx.region} BatchWriteItem: no stream records: ${(err as Error).message}`);
        return relay(reply);
      }
      const byStream = new Map<TableStream, ItemChange[]>();
      refs.forEach((ref, i) => {
        if (unprocessed.has(i)) return;
        const changes = byStream.get(ref.stream) ?? [];
        changes.push({ oldImage: before[i], newImage: after[i] });
        byStream.set(ref.stream, changes);
      });
      for (const [stream, changes] of byStream) record(b, stream, changes);
      return relay(reply);
    },
  );
}

/** One entry per write on a streamed table, in request order; undefined if the shape is off. */
function writeRefs(b: DynamoDbBackend, region: string, requestItems: Record<string, unknown>): WriteRef[] | undefined {
  const refs: WriteRef[] = [];
  for (const [tableName, requests] of Object.entries(requestItems)) {
    const stream = enabledStream(b, region, tableName);
    if (!stream) continue;
    if (!Array.isArray(requests)) return undefined;
    for (const request of requests as Record<string, Record<string, unknown> | undefined>[]) {
      const put = request?.PutRequest?.Item;
      const del = request?.DeleteRequest?.Key;
      const source = (put ?? del) as Item | undefined;
      if (!source || typeof source !== 'object') return undefined;
      refs.push({ tableName, stream, keySchema: stream.keySchema, key: keysOf(source, stream.keySchema) });
    }
  }
  return refs;
}

function unprocessedKeys(unprocessed: unknown, refs: WriteRef[]): Set<number> {
  const skipped = new Set<number>();
  if (!unprocessed || typeof unprocessed !== 'object') return skipped;
  for (const [tableName, requests] of Object.entries(unprocessed as Record<string, Record<string, Record<string, Item>>[]>)) {
    for (const request of requests ?? []) {
      const source = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      if (!source) continue;
      refs.forEach((ref, i) => {
        if (ref.tableName === tableName && sameItem(ref.key, keysOf(source, ref.stream.keySchema))) skipped.add(i);
      });
    }
  }
  return skipped;
}

/** A consistent read of one item; throws when dynalite rejects the key. */
async function readItem(b: DynamoDbBackend, ctx: RequestContext, tableName: string, key: Item): Promise<Item | undefined> {
  const reply = await b.dynalite.call(ctx.region, 'GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
  if (!isOk(reply)) throw new Error(`GetItem for stream capture failed: ${reply.body.toString('utf8')}`);
  return replyJson(reply).Item as Item | undefined;
}

/** Consistent reads of many items (one BatchGetItem), in the order of `refs`; throws when dynalite rejects a key. */
export async function readItems(b: DynamoDbBackend, ctx: RequestContext, refs: readonly ItemRef[]): Promise<(Item | undefined)[]> {
  const requestItems: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
  for (const ref of refs) (requestItems[ref.tableName] ??= { Keys: [], ConsistentRead: true }).Keys.push(ref.key);
  const found: Record<string, Item[]> = {};
  let pending: Record<string, unknown> = requestItems;
  // dynalite answers in one go, but UnprocessedKeys is part of the contract: follow it.
  for (let round = 0; round < 10 && Object.keys(pending).length > 0; round++) {
    const reply = await b.dynalite.call(ctx.region, 'BatchGetItem', { RequestItems: pending });
    if (!isOk(reply)) throw new DynaliteRejected(reply, 'BatchGetItem for stream capture');
    const parsed = replyJson(reply) as { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, unknown> };
    for (const [table, items] of Object.entries(parsed.Responses ?? {})) (found[table] ??= []).push(...items);
    pending = parsed.UnprocessedKeys ?? {};
  }
  return refs.map((ref) => found[ref.tableName]?.find((item) => sameItem(keysOf(item, ref.keySchema), ref.key)));
}

/** Appends stream records for `changes` and wakes the stream's listeners. */
export function record(b: DynamoDbBackend, stream: TableStream, changes: ItemChange[]): void {
  let count = 0;
  for (const change of changes) if (b.streams.append(stream, change, b.clock.now())) count++;
  b.streams.notify(stream, count);
}
