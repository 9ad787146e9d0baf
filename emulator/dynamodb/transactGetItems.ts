import type { OperationInput, RawReply, RequestContext } from '../types.ts';
import { isOk, relay, replyJson, respond, tableLockKey, type DynamoDbBackend } from './backend.ts';
import { parseActions, resolveKeys } from './transactionInput.ts';

/**
 * TransactGetItems on top of dynalite, which lacks it: up to 100 `Get`s, no two on one item,
 * read under the locks of their tables so that no transaction or captured write is half
 * applied in between; `Responses` in request order, `{}` for an item that does not exist.
 */
export async function transactGetItems(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  const actions = parseActions(input, ['Get']);
  await resolveKeys(b, ctx, actions);
  const tables = [...new Set(actions.map((a) => a.tableName))];
  return b.locks.run(
    tables.map((t) => tableLockKey(ctx.region, t)),
    async () => {
      const responses: Record<string, unknown>[] = [];
      for (const action of actions) {
        const { Key, TableName, ProjectionExpression, ExpressionAttributeNames } = action.request;
        const reply = await b.dynalite.call(ctx.region, 'GetItem', {
          Key,
          TableName,
          ProjectionExpression,
          ExpressionAttributeNames,
          ConsistentRead: true,
        });
        if (!isOk(reply)) return relay(reply);
        const item = replyJson(reply).Item;
        responses.push(item ? { Item: item } : {});
      }
      return respond({ Responses: responses });
    },
  );
}
