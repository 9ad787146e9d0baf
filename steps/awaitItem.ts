import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { abortedWhilePolling, awaitExpired, DEFAULT_MAX_WAIT } from './support/errors.ts';
import { matches, plainItem } from './support/dynamoValues.ts';
import { Duration, durationMs } from './support/schema.ts';
import { isNotFound } from './support/awsErrors.ts';

/**
 * Polls GetItem (consistent read) until the item exists: in the drill, proof that the stream
 * replicated prod-1088 from us-east-1 into eu-central-1 before the outage. With `match`, until
 * it has those attribute values (an update replicated); with `absent: true`, until it is gone
 * (a delete replicated; a missing table counts as gone). Otherwise a missing table counts as
 * "not yet". The item comes back as plain values, with its DynamoDB JSON beside it. The wait ends after `maxWait` of AWS time (default 5m) or at the step's
 * `timeout`, whichever comes first.
 */
export default defineStep({
  type: 'awaitItem',
  effects: () => [],
  description:
    'Poll a DynamoDB table until an item exists (optionally with given attribute values), or is gone (e.g. replication reached the standby region). Gives up after `maxWait` (AWS time, default 5m).',
  params: Type.Object(
    {
      region: Type.String({ minLength: 1, description: 'Region of the table, e.g. eu-central-1.' }),
      table: Type.String({ minLength: 3, maxLength: 255, description: 'Table name, e.g. Products.' }),
      key: Type.Unsafe<Record<string, string | AttributeValue>>({
        type: 'object',
        minProperties: 1,
        maxProperties: 2,
        additionalProperties: { oneOf: [{ type: 'string' }, { type: 'object', minProperties: 1, maxProperties: 1 }] },
        description: 'Primary key: plain strings ({id: prod-1088}) or DynamoDB JSON ({id: {S: prod-1088}}).',
      }),
      match: Default(
        Type.Record(Type.String(), Type.Unknown(), {
          description: 'Attribute values the item must have, as plain values, e.g. {price: "2.00"} (replication of an update).',
        }),
        {},
      ),
      absent: Default(Type.Boolean({ description: 'Wait until the item is gone (or, with match, no longer matches) instead.' }), false),
      since: Type.Optional(
        Type.Integer({ minimum: 0, description: "Epoch ms the wait is measured from, e.g. the write's time; gives sinceMs." }),
      ),
      pollInterval: Default(Duration({ description: 'Pause between reads (engine clock).' }), '250ms'),
      maxWait: Default(
        Duration({ description: 'Longest wait in AWS time, e.g. "10m"; then the step fails naming what it saw.' }),
        DEFAULT_MAX_WAIT,
      ),
    },
    { additionalProperties: false },
  ),
  outputsOnlyWith: { sinceMs: 'since', sinceAwsMs: 'since' },
  outputs: Type.Object({
    item: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'The item as plain values (absent when `absent: true` found it gone).' }),
    ),
    dynamodbItem: Type.Optional(
      Type.Unsafe<Record<string, AttributeValue>>({ type: 'object', description: 'The same item in DynamoDB JSON.' }),
    ),
    elapsedMs: Type.Integer({ description: 'Time until the condition held.' }),
    awsEquivalentMs: Type.Number({ description: 'elapsedMs (the engine clock is AWS time; kept for old workflows).' }),
    sinceMs: Type.Optional(Type.Integer({ description: 'Time from `since` to the match (when `since` is given).' })),
    sinceAwsMs: Type.Optional(Type.Number({ description: 'sinceMs (the engine clock is AWS time; kept for old workflows).' })),
    polls: Type.Integer({ description: 'GetItem calls made.' }),
  }),
  async run(params, ctx) {
    const dynamo = ctx.target.client(DynamoDBClient, params.region);
    const key = Object.fromEntries(
      Object.entries(params.key).map(([name, value]) => [name, typeof value === 'string' ? { S: value } : value]),
    ) as Record<string, AttributeValue>;
    const interval = durationMs(params.pollInterval, 'awaitItem pollInterval');
    const maxWaitAwsMs = durationMs(params.maxWait, 'awaitItem maxWait');
    const startedAt = ctx.clock.now();
    let polls = 0;
    let last = 'not found';
    const matchText = Object.keys(params.match).length ? ` matching ${JSON.stringify(params.match)}` : '';
    const wanted = `${params.absent ? 'no item' : 'an item'} ${JSON.stringify(params.key)}${matchText}`;
    const fail = () =>
      abortedWhilePolling(
        ctx.signal,
        `${params.table} in ${params.region} still had ${params.absent ? 'the item' : 'no item'} ${JSON.stringify(params.key)}${matchText} after ${polls} reads in ${ctx.clock.now() - startedAt}ms (last: ${last})`,
        { polls, last },
      );
    for (;;) {
      try {
        polls++;
        const got = await dynamo.send(new GetItemCommand({ TableName: params.table, Key: key, ConsistentRead: true }), {
          abortSignal: ctx.signal,
        });
        const item = got.Item ? plainItem(got.Item) : undefined;
        const found = item !== undefined && matches(item, params.match);
        if (found !== params.absent) {
          const matchedAt = ctx.clock.now();
          const elapsedMs = matchedAt - startedAt;
          const since = params.since === undefined ? {} : { sinceMs: matchedAt - params.since, sinceAwsMs: matchedAt - params.since };
          return { ...(item && got.Item ? { item, dynamodbItem: got.Item } : {}), elapsedMs, awsEquivalentMs: elapsedMs, ...since, polls };
        }
        last = item ? `item ${JSON.stringify(item).slice(0, 300)}` : 'not found';
      } catch (error) {
        if (ctx.signal.aborted) throw fail();
        if (!isNotFound(error)) throw error;
        last = `table ${params.table} not found`;
        if (params.absent) return { elapsedMs: ctx.clock.now() - startedAt, awsEquivalentMs: ctx.clock.now() - startedAt, polls };
      }
      const awsWaitedMs = ctx.clock.now() - startedAt;
      if (awsWaitedMs >= maxWaitAwsMs) {
        throw awaitExpired(`${params.table} in ${params.region}: still ${last}; expected ${wanted}`, polls, awsWaitedMs, { last });
      }
      try {
        await ctx.clock.sleep(interval, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted) throw fail();
        throw error;
      }
    }
  },
});
