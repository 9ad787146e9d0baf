import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { abortedWhilePolling, awaitExpired, DEFAULT_MAX_WAIT } from './support/errors.ts';
import { Duration, durationMs, Enum } from './support/schema.ts';
import { describeAnswer, normalizeName, queryDns, targetDnsServer } from './support/targetDns.ts';

/**
 * `dig @localhost test.hello-localstack.com CNAME`, repeated until the answer is the expected one:
 * the drill's measurement of failover and failback. Queries go to the target's DNS server
 * (`target.dns`: the emulator's, LocalStack's); on real AWS, which has none, to the system's
 * resolvers, whose caches add up to the record's TTL to what is measured.
 *
 * Time is read and slept on the engine clock. `elapsedMs` runs from the step's start;
 * `sinceMs` from `since` (e.g. the experiment's `startedAt`), which is the fault-to-flip time.
 * The engine clock is AWS time (the target's own clock); the `*AwsMs` figures equal the others
 * (kept for workflows written when the engine ran on wall time). The wait ends after `maxWait` of AWS time (default 5m) or
 * at the step's `timeout`, whichever comes first; either error names the expected value, the
 * last answer seen and the number of queries.
 */
export default defineStep({
  type: 'awaitDnsTarget',
  effects: () => [],
  description:
    "Poll the target's DNS until a name answers the expected value; measures time to DNS flip. Gives up after `maxWait` (AWS time, default 5m).",
  params: Type.Object(
    {
      name: Type.String({ minLength: 1, description: 'Name queried, e.g. test.hello-localstack.com.' }),
      type: Default(Enum(['CNAME', 'A', 'AAAA', 'TXT'], { description: 'Record type queried.' }), 'CNAME'),
      expected: Type.String({
        minLength: 1,
        description: 'Expected answer, e.g. 67890.execute-api.localhost.localstack.cloud (case-insensitive; a trailing dot is ignored).',
      }),
      pollInterval: Default(Duration({ description: 'Pause between queries (engine clock), e.g. "250ms".' }), '250ms'),
      maxWait: Default(
        Duration({ description: 'Longest wait in AWS time, e.g. "10m"; then the step fails naming the last answer.' }),
        DEFAULT_MAX_WAIT,
      ),
      since: Type.Optional(
        Type.Integer({ minimum: 0, description: 'Epoch ms the flip is measured from, e.g. ${{ steps.breakPrimary.outputs.startedAt }}.' }),
      ),
    },
    { additionalProperties: false },
  ),
  outputsOnlyWith: { sinceMs: 'since', sinceAwsMs: 'since' },
  outputs: Type.Object({
    answer: Type.String({ description: 'The matching answer.' }),
    elapsedMs: Type.Integer({ description: 'AWS time from the step start to the match.' }),
    awsEquivalentMs: Type.Number({ description: 'elapsedMs (the engine clock is AWS time; kept for old workflows).' }),
    sinceMs: Type.Optional(Type.Integer({ description: 'Time from `since` to the match (when `since` is given).' })),
    sinceAwsMs: Type.Optional(Type.Number({ description: 'sinceMs (the engine clock is AWS time; kept for old workflows).' })),
    queries: Type.Integer({ description: 'Queries sent.' }),
    matchedAt: Type.Integer({ description: 'Epoch ms of the matching answer (engine clock).' }),
    answersSeen: Type.Array(Type.String(), { description: 'Distinct answers in the order seen (values or NXDOMAIN/NODATA/...).' }),
    server: Type.String({ description: 'DNS server queried (host:port, or "system").' }),
  }),
  async run(params, ctx) {
    const { type } = params;
    const expected = normalizeName(params.expected);
    const interval = durationMs(params.pollInterval, 'awaitDnsTarget pollInterval');
    const maxWaitAwsMs = durationMs(params.maxWait, 'awaitDnsTarget maxWait');
    const startedAt = ctx.clock.now();
    const server = targetDnsServer(ctx.target) ?? 'system';
    if (server === 'system')
      ctx.log.info(
        `awaitDnsTarget: the target has no DNS server; querying the system resolvers (cached answers delay the flip by up to the TTL)`,
      );
    const answersSeen: string[] = [];
    let last = '(no answer yet)';
    let queries = 0;
    for (;;) {
      let answer;
      try {
        answer = await queryDns(ctx.target, params.name, type, ctx.signal);
      } catch (error) {
        if (!ctx.signal.aborted) throw error;
        throw timedOut();
      }
      queries++;
      last = describeAnswer(answer);
      if (!answersSeen.includes(last)) {
        answersSeen.push(last);
        ctx.log.info(`${params.name} ${type} → ${last}`, { queries });
      }
      if (answer.values.includes(expected)) {
        const matchedAt = ctx.clock.now();
        const elapsedMs = matchedAt - startedAt;
        const since = params.since === undefined ? {} : { sinceMs: matchedAt - params.since, sinceAwsMs: matchedAt - params.since };
        return { answer: expected, elapsedMs, awsEquivalentMs: elapsedMs, ...since, queries, matchedAt, answersSeen, server };
      }
      const awsWaitedMs = ctx.clock.now() - startedAt;
      if (awsWaitedMs >= maxWaitAwsMs) {
        throw awaitExpired(
          `${params.name} ${type} still ${last}; expected ${expected} (answers seen: ${answersSeen.join(' → ')})`,
          queries,
          awsWaitedMs,
          { last, answersSeen, server },
        );
      }
      try {
        await ctx.clock.sleep(interval, ctx.signal);
      } catch (error) {
        if (!ctx.signal.aborted) throw error;
        throw timedOut();
      }
    }

    function timedOut() {
      const waited = ctx.clock.now() - startedAt;
      return abortedWhilePolling(
        ctx.signal,
        `${params.name} ${type} was still ${last} after ${queries} queries in ${waited}ms; expected ${expected} (answers seen: ${answersSeen.join(' → ') || 'none'})`,
        { last, queries, answersSeen, waitedMs: waited, server },
      );
    }
  },
});
