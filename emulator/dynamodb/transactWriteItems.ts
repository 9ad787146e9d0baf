import { ServiceError } from '../protocol/ServiceError.ts';
import type { OperationInput, RawReply, RequestContext } from '../types.ts';
import { DynaliteRejected, isOk, relay, replyJson, respond, tableLockKey, validationError, type DynamoDbBackend } from './backend.ts';
import type { DynaliteReply } from './DynaliteHost.ts';
import { fingerprintOf } from './ClientTokens.ts';
import { readItems, record } from './itemOperations.ts';
import type { Item, ItemChange } from './records.ts';
import type { TableStream } from './StreamStore.ts';
import { parseActions, resolveKeys, WRITE_KINDS, type TransactAction } from './transactionInput.ts';
import { wireString } from './wireTypes.ts';

/**
 * TransactWriteItems on top of dynalite, which lacks it (docs/fidelity/dynamodb.md). Under the
 * locks of every table involved (which the stream capture of single writes also takes):
 * 1. read every item's current image;
 * 2. evaluate every ConditionExpression against those images, writing nothing: an existing
 *    item is put back unchanged under the condition, a missing one is put key-only under the
 *    condition and deleted again;
 * 3. if any condition failed, answer TransactionCanceledException with one reason per action,
 *    in request order (`ConditionalCheckFailed` / `None`, and the old item on ALL_OLD);
 * 4. else apply the writes in order; should one fail (a data error only the write finds),
 *    restore every earlier one from its image, so the transaction is all or nothing;
 * 5. record each write on its table's stream, as single writes do.
 * A ClientRequestToken binds the parameters for 10 minutes of emulator time (ClientTokens).
 */
export async function transactWriteItems(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  const token = checkToken(input.ClientRequestToken);
  const actions = parseActions(input, WRITE_KINDS);
  await resolveKeys(b, ctx, actions);
  const tables = [...new Set(actions.map((a) => a.tableName))];
  return b.locks.run(
    tables.map((t) => tableLockKey(ctx.region, t)),
    async () => {
      const fingerprint = token === undefined ? undefined : fingerprintOf(input);
      if (token !== undefined) {
        const used = b.clientTokens.find(ctx.region, token);
        if (used !== undefined && used !== fingerprint) throw idempotentParameterMismatch();
        if (used !== undefined) return respond({});
      }
      let before: (Item | undefined)[];
      try {
        before = await readItems(b, ctx, actions);
      } catch (err) {
        if (err instanceof DynaliteRejected) return relay(err.reply);
        throw err;
      }
      const reasons: CancellationReason[] = [];
      for (const [i, action] of actions.entries()) {
        const outcome = await checkCondition(b, ctx, action, before[i]);
        if (outcome instanceof ServiceError) throw outcome;
        reasons.push(outcome);
      }
      if (reasons.some((r) => r.Code !== 'None')) return cancelled(reasons);
      const failure = await applyAll(b, ctx, actions, before);
      if (failure) return failure;
      await recordStreams(b, ctx, actions, before);
      if (token !== undefined) b.clientTokens.remember(ctx.region, token, fingerprint!);
      return respond({});
    },
  );
}

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

const CONDITION_FAILED = 'The conditional request failed';

function checkToken(raw: unknown): string | undefined {
  const token = wireString(raw);
  if (token !== undefined && (token.length < 1 || token.length > 36)) {
    const bound = token.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 36';
    throw validationError(
      `1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  return token;
}

function idempotentParameterMismatch(): ServiceError {
  return new ServiceError(
    'IdempotentParameterMismatchException',
    'DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.',
  );
}

/** TransactionCanceledException as DynamoDB sends it: `Message` (capitalised) and the reasons in request order. */
export function cancelled(reasons: CancellationReason[]): RawReply {
  return respond(
    {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      CancellationReasons: reasons,
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    },
    400,
  );
}

/** The names (`#n`) and values (`:v`) an expression uses: DynamoDB refuses unused ones. */
function usedBy(expression: string, request: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [member, sigil] of [
    ['ExpressionAttributeNames', '#'],
    ['ExpressionAttributeValues', ':'],
  ] as const) {
    const given = request[member] as Record<string, unknown> | undefined;
    if (!given || typeof given !== 'object') continue;
    const used = Object.fromEntries(Object.entries(given).filter(([k]) => k.startsWith(sigil) && tokenIn(expression, k)));
    if (Object.keys(used).length > 0) out[member] = used;
  }
  return out;
}

function tokenIn(expression: string, token: string): boolean {
  return new RegExp(`${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).test(expression);
}

/** One action's condition against the item as it is, writing nothing; a ServiceError for a malformed condition. */
async function checkCondition(
  b: DynamoDbBackend,
  ctx: RequestContext,
  action: TransactAction,
  before: Item | undefined,
): Promise<CancellationReason | ServiceError> {
  const expression = action.request.ConditionExpression;
  if (typeof expression !== 'string') return { Code: 'None' };
  const probe = {
    TableName: action.tableName,
    Item: before ?? action.key,
    ConditionExpression: expression,
    ...usedBy(expression, action.request),
  };
  const reply = await b.dynalite.call(ctx.region, 'PutItem', probe);
  if (isOk(reply)) {
    if (!before) await b.dynalite.call(ctx.region, 'DeleteItem', { TableName: action.tableName, Key: action.key });
    return { Code: 'None' };
  }
  const error = replyJson(reply);
  if (!String(error.__type).endsWith('#ConditionalCheckFailedException')) return validationError(String(error.message));
  const reason: CancellationReason = { Code: 'ConditionalCheckFailed', Message: CONDITION_FAILED };
  if (action.request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && before) reason.Item = before;
  return reason;
}

const OPERATION: Record<string, string> = { Put: 'PutItem', Delete: 'DeleteItem', Update: 'UpdateItem' };

/** Applies the writes in order; on a failure restores the earlier ones and answers for it. */
async function applyAll(
  b: DynamoDbBackend,
  ctx: RequestContext,
  actions: TransactAction[],
  before: (Item | undefined)[],
): Promise<RawReply | undefined> {
  for (const [i, action] of actions.entries()) {
    if (action.kind === 'ConditionCheck') continue;
    const { ReturnValuesOnConditionCheckFailure: _r, ...request } = action.request;
    const reply = await b.dynalite.call(ctx.region, OPERATION[action.kind]!, request);
    if (isOk(reply)) continue;
    await restore(b, ctx, actions.slice(0, i), before);
    return failedWrite(actions, i, reply);
  }
  return undefined;
}

async function restore(b: DynamoDbBackend, ctx: RequestContext, applied: TransactAction[], before: (Item | undefined)[]): Promise<void> {
  for (let i = applied.length - 1; i >= 0; i--) {
    const action = applied[i]!;
    if (action.kind === 'ConditionCheck') continue;
    const image = before[i];
    const reply = image
      ? await b.dynalite.call(ctx.region, 'PutItem', { TableName: action.tableName, Item: image })
      : await b.dynalite.call(ctx.region, 'DeleteItem', { TableName: action.tableName, Key: action.key });
    if (!isOk(reply))
      b.log(`dynamodb ${ctx.region} TransactWriteItems: could not restore an item of ${action.tableName}: ${reply.body.toString('utf8')}`);
  }
}

/**
 * A write dynalite refused after every condition held. Malformed requests (expression syntax,
 * key or type errors DynamoDB finds before starting) are the request's ValidationException;
 * errors only the data reveals (an operand of the wrong type, an item grown too large) cancel
 * the transaction with a `ValidationError` reason for that action, as DynamoDB does.
 */
function failedWrite(actions: TransactAction[], index: number, reply: DynaliteReply): RawReply {
  const error = replyJson(reply);
  const message = String(error.message ?? '');
  const type = String(error.__type);
  if (!type.endsWith('#ValidationException') && !type.endsWith('#ConditionalCheckFailedException')) return relay(reply);
  if (
    type.endsWith('#ValidationException') &&
    /^(Invalid |One or more parameter values|\d+ validation errors? detected|The provided key element)/.test(message)
  ) {
    return relay(reply);
  }
  const reason: CancellationReason = type.endsWith('#ConditionalCheckFailedException')
    ? { Code: 'ConditionalCheckFailed', Message: CONDITION_FAILED }
    : { Code: 'ValidationError', Message: message };
  return cancelled(actions.map((_a, i) => (i === index ? reason : { Code: 'None' })));
}

async function recordStreams(
  b: DynamoDbBackend,
  ctx: RequestContext,
  actions: TransactAction[],
  before: (Item | undefined)[],
): Promise<void> {
  const streamed = actions
    .map((action, i) => ({ action, before: before[i], stream: b.streams.current(ctx.region, action.tableName) }))
    .filter(
      (w): w is { action: TransactAction; before: Item | undefined; stream: TableStream } =>
        w.stream !== undefined && w.action.kind !== 'ConditionCheck',
    );
  if (streamed.length === 0) return;
  let after: (Item | undefined)[];
  try {
    after = await readItems(
      b,
      ctx,
      streamed.map((w) => w.action),
    );
  } catch (err) {
    b.log(`dynamodb ${ctx.region} TransactWriteItems: no stream records: ${(err as Error).message}`);
    return;
  }
  const byStream = new Map<TableStream, ItemChange[]>();
  streamed.forEach((w, i) => {
    const changes = byStream.get(w.stream) ?? [];
    changes.push({ oldImage: w.before, newImage: after[i] });
    byStream.set(w.stream, changes);
  });
  for (const [stream, changes] of byStream) record(b, stream, changes);
}
