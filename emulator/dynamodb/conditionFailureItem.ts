import type { Operation, RawReply, RequestContext } from '../types.ts';
import type { ItemWriteInput } from './itemWriteInput.ts';
import { isOk, replyJson, respond, validationError, type DynamoDbBackend } from './backend.ts';
import { keysOf, type Item, type KeySchemaElement } from './records.ts';
import { ConstraintErrors, wireString } from './wireTypes.ts';

const RETURN_VALUES = ['ALL_OLD', 'NONE'] as const;

/**
 * `ReturnValuesOnConditionCheckFailure` of PutItem, UpdateItem and DeleteItem, which dynalite
 * ignores: with `ALL_OLD`, a ConditionalCheckFailedException carries the item as it was
 * (`Item`), as DynamoDB's does; other values than ALL_OLD and NONE are a ValidationException.
 * The item is read right after the failed write, so a write from elsewhere in between would
 * show; within the emulator only another request on the same item could do that.
 */
export function withConditionFailureItem(b: DynamoDbBackend, op: Operation): Operation {
  return {
    ...op,
    async handler(input: ItemWriteInput, ctx) {
      const wanted = wireString(input.ReturnValuesOnConditionCheckFailure);
      const invalid = new ConstraintErrors().oneOf(wanted, 'returnValuesOnConditionCheckFailure', RETURN_VALUES).message();
      if (invalid) throw validationError(invalid);
      const reply = (await op.handler(input, ctx)) as RawReply;
      if (wanted !== 'ALL_OLD' || reply.status !== 400) return reply;
      const error = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
      if (!String(error.__type).endsWith('#ConditionalCheckFailedException')) return reply;
      const item = await currentItem(b, op.name, input, ctx);
      return item ? respond({ ...error, Item: item }, 400) : reply;
    },
  };
}

async function currentItem(b: DynamoDbBackend, operation: string, input: ItemWriteInput, ctx: RequestContext): Promise<Item | undefined> {
  let key = input.Key;
  if (operation === 'PutItem') {
    const described = await b.dynalite.call(ctx.region, 'DescribeTable', { TableName: input.TableName });
    if (!isOk(described)) return undefined;
    const schema = (replyJson(described).Table as { KeySchema?: KeySchemaElement[] }).KeySchema ?? [];
    // The write failed its condition, so dynalite read its Item: it is there.
    key = keysOf(input.Item!, schema);
  }
  const reply = await b.dynalite.call(ctx.region, 'GetItem', { TableName: input.TableName, Key: key, ConsistentRead: true });
  return isOk(reply) ? (replyJson(reply).Item as Item | undefined) : undefined;
}
