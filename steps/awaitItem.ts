import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { defineStep } from './define.ts';
import { abortedWhilePolling } from './support/errors.ts';
import { DURATION_SCHEMA, parseDuration } from '../engine/duration.ts';
import { isNotFound } from './support/awsErrors.ts';

interface AwaitItemParams {
  region: string;
  table: string;
  key: Record<string, string | AttributeValue>;
  pollInterval?: number | string;
}

interface AwaitItemOutputs {
  item: Record<string, AttributeValue>;
  elapsedMs: number;
  awsEquivalentMs: number;
  polls: number;
}

/**
 * Polls GetItem (consistent read) until the item exists: in the drill, proof that the stream
 * replicated prod-1088 from us-east-1 into eu-central-1 before the outage. A missing table
 * counts as "not yet". The step's `timeout` bounds the wait.
 */
export default defineStep<AwaitItemParams, AwaitItemOutputs>({
  type: 'awaitItem',
  description: 'Poll a DynamoDB table until an item exists (e.g. replication reached the standby region). Bound it with `timeout`.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['region', 'table', 'key'],
    properties: {
      region: { type: 'string', minLength: 1, description: 'Region of the table, e.g. eu-central-1.' },
      table: { type: 'string', minLength: 3, maxLength: 255, description: 'Table name, e.g. Products.' },
      key: {
        type: 'object',
        minProperties: 1,
        maxProperties: 2,
        additionalProperties: { oneOf: [{ type: 'string' }, { type: 'object', minProperties: 1, maxProperties: 1 }] },
        description: 'Primary key: plain strings ({id: prod-1088}) or DynamoDB JSON ({id: {S: prod-1088}}).',
      },
      pollInterval: { ...DURATION_SCHEMA, default: '250ms', description: 'Pause between reads (engine clock).' },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      item: { type: 'object', description: 'The item, in DynamoDB JSON.' },
      elapsedMs: { type: 'integer', description: 'Time until the item was found.' },
      awsEquivalentMs: { type: 'number', description: 'elapsedMs (kept for old workflows: the engine clock is AWS time).' },
      polls: { type: 'integer', description: 'GetItem calls made.' },
    },
  },
  async run(params, ctx) {
    const dynamo = ctx.target.client(DynamoDBClient, params.region);
    const key = Object.fromEntries(
      Object.entries(params.key).map(([name, value]) => [name, typeof value === 'string' ? { S: value } : value]),
    ) as Record<string, AttributeValue>;
    const interval = parseDuration(params.pollInterval) ?? 250;
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
          return { item: got.Item, elapsedMs, awsEquivalentMs: elapsedMs, polls };
        }
        last = 'not found';
      } catch (error) {
        if (ctx.signal.aborted) throw fail();
        if (!isNotFound(error)) throw error;
        last = `table ${params.table} not found`;
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
