import type { OperationInput, RawReply, RequestContext } from '../types.ts';
import { DynaliteRejected, isOk, relay, tableLockKey, validationError, type DynamoDbBackend } from './backend.ts';

/** DynamoDB's limits on one table's tags (AWS: 50 per resource, keys 1–128, values 0–256 characters). */
const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;

/** A tag as CreateTable and TagResource carry it. */
export interface TableTag {
  Key: string;
  Value: string;
}

/**
 * CreateTable's `Tags`, checked before anything is created (dynalite ignores the member: a bad
 * tag must refuse the whole CreateTable, as AWS does, not leave an untagged table). Undefined
 * when the request carries none.
 */
export function createTableTags(input: OperationInput): TableTag[] | undefined {
  const tags = input.Tags;
  if (tags === undefined || tags === null) return undefined;
  if (!Array.isArray(tags))
    throw validationError("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must be a list");
  if (tags.length > MAX_TAGS) {
    throw validationError(
      `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  return tags.map((tag: unknown, i: number) => {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > MAX_KEY) {
      throw validationError(
        `1 validation error detected: Value at 'tags.${i + 1}.member.key' failed to satisfy constraint: Member must have length between 1 and ${MAX_KEY}`,
      );
    }
    if (typeof Value !== 'string' || Value.length > MAX_VALUE) {
      throw validationError(
        `1 validation error detected: Value at 'tags.${i + 1}.member.value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VALUE}`,
      );
    }
    return { Key, Value };
  });
}

/**
 * Stores a new table's CreateTable tags in dynalite (its TagResource). Called under the
 * table's lock, before CreateTable answers, so the table is never seen without its tags by
 * ListTagsOfResource (which takes the same lock) and a client that drops the connection after
 * sending CreateTable still leaves a tagged table.
 */
export async function storeCreateTags(b: DynamoDbBackend, region: string, tableArn: string, tags: TableTag[]): Promise<void> {
  if (tags.length === 0) return;
  const reply = await b.dynalite.call(region, 'TagResource', { ResourceArn: tableArn, Tags: tags });
  if (!isOk(reply)) throw new DynaliteRejected(reply, `tagging new table ${tableArn}`);
}

/** ListTagsOfResource under the table's lock: a table being created shows its tags or is not there yet. */
export async function listTagsOfResource(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  const arn = typeof input.ResourceArn === 'string' ? input.ResourceArn : '';
  const tableName = arn.split('/').pop() ?? '';
  return b.locks.run([tableLockKey(ctx.region, tableName)], async () =>
    relay(await b.dynalite.call(ctx.region, 'ListTagsOfResource', ctx.rawBody)),
  );
}
