import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { abortedWhilePolling, awaitExpired, DEFAULT_MAX_WAIT } from './support/errors.ts';
import { Duration, durationMs } from './support/schema.ts';
import { isNotFound } from './support/awsErrors.ts';

/**
 * Polls GetItem (consistent read) until the item exists: in the drill, proof that the stream
 * replicated prod-1088 from us-east-1 into eu-central-1 before the outage. A missing table
 * counts as "not yet". The wait ends after `maxWait` of AWS time (default 5m) or at the step's
 * `timeout`, whichever comes first.
 */
export default defineStep({
  type: 'awaitItem',
  description: 'Poll a DynamoDB table until an item exists (e.g. replication reached the standby region). Gives up after `maxWait` (AWS time, default 5m).',
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
      pollInterval: Default(Duration({ description: 'Pause between reads (engine clock).' }), '250ms'),
      maxWait: Default(
        Duration({ description: 'Longest wait in AWS time (the target\'s time scale applies), e.g. "10m"; then the step fails naming what it saw.' }),
        DEFAULT_MAX_WAIT,
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    item: Type.Unsafe<Record<string, AttributeValue>>({ type: 'object', description: 'The item, in DynamoDB JSON.' }),
    elapsedMs: Type.Integer({ description: 'Time until the item was found.' }),
    awsEquivalentMs: Type.Number({ description: 'elapsedMs × the target\'s time scale.' }),
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
    const fail = () =>
      abortedWhilePolling(
        ctx.signal,
        `${params.table} in ${params.region} still had no item ${JSON.stringify(params.key)} after ${polls} reads in ${ctx.clock.now() - startedAt}ms (last: ${last})`,
        { polls, last },
      );
    for (;;) {
      try {
        polls++;
        const got = await dynamo.send(new GetItemCommand({ TableName: params.table, Key: key, ConsistentRead: true }), { abortSignal: ctx.signal });
        if (got.Item) {
          const elapsedMs = ctx.clock.now() - startedAt;
          return { item: got.Item, elapsedMs, awsEquivalentMs: elapsedMs * ctx.target.timeScale, polls };
        }
        last = 'not found';
      } catch (error) {
        if (ctx.signal.aborted) throw fail();
        if (!isNotFound(error)) throw error;
        last = `table ${params.table} not found`;
      }
      const awsWaitedMs = (ctx.clock.now() - startedAt) * ctx.target.timeScale;
      if (awsWaitedMs >= maxWaitAwsMs) {
        throw awaitExpired(`${params.table} in ${params.region}: still ${last} for key ${JSON.stringify(params.key)}`, polls, awsWaitedMs, { last });
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
