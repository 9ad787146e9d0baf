import { defineStep } from './define.ts';
import { abortedWhilePolling } from './support/errors.ts';
import { DURATION_SCHEMA, parseDuration } from '../engine/duration.ts';
import { describeAnswer, normalizeName, queryDns, targetDnsServer, type DnsRecordType } from './support/targetDns.ts';

interface AwaitDnsTargetParams {
  name: string;
  type?: DnsRecordType;
  expected: string;
  pollInterval?: number | string;
  since?: number;
}

interface AwaitDnsTargetOutputs {
  answer: string;
  elapsedMs: number;
  awsEquivalentMs: number;
  sinceMs?: number;
  sinceAwsMs?: number;
  queries: number;
  matchedAt: number;
  answersSeen: string[];
  server: string;
}

/**
 * `dig @localhost test.hello-localstack.com CNAME`, repeated until the answer is the expected one:
 * the drill's measurement of failover and failback. Queries go to the target's DNS server
 * (`target.dns`: the emulator's, LocalStack's); on real AWS, which has none, to the system's
 * resolvers, whose caches add up to the record's TTL to what is measured.
 *
 * Time is read and slept on the engine clock, which is AWS time (the target's own clock).
 * `elapsedMs` runs from the step's start; `sinceMs` from `since` (e.g. the experiment's
 * `startedAt`), which is the fault-to-flip time. The `*AwsMs` figures equal them (kept for
 * workflows written when the engine ran on wall time). The step's `timeout` bounds the wait; when it fires, the
 * error names the last answer seen and the number of queries.
 */
export default defineStep<AwaitDnsTargetParams, AwaitDnsTargetOutputs>({
  type: 'awaitDnsTarget',
  description: 'Poll the target\'s DNS until a name answers the expected value; measures time to DNS flip. Bound it with `timeout`.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'expected'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name queried, e.g. test.hello-localstack.com.' },
      type: { enum: ['CNAME', 'A', 'AAAA', 'TXT'], default: 'CNAME', description: 'Record type queried.' },
      expected: {
        type: 'string',
        minLength: 1,
        description: 'Expected answer, e.g. 67890.execute-api.localhost.localstack.cloud (case-insensitive; a trailing dot is ignored).',
      },
      pollInterval: { ...DURATION_SCHEMA, default: '250ms', description: 'Pause between queries (engine clock), e.g. "250ms".' },
      since: {
        type: 'integer',
        minimum: 0,
        description: 'Epoch ms the flip is measured from, e.g. ${{ steps.breakPrimary.outputs.startedAt }}.',
      },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      answer: { type: 'string', description: 'The matching answer.' },
      elapsedMs: { type: 'integer', description: 'Wall time from the step start to the match.' },
      awsEquivalentMs: { type: 'number', description: 'elapsedMs (kept for old workflows: the engine clock is AWS time).' },
      sinceMs: { type: 'integer', description: 'Time from `since` to the match (when `since` is given).' },
      sinceAwsMs: { type: 'number', description: 'sinceMs (kept for old workflows: the engine clock is AWS time).' },
      queries: { type: 'integer', description: 'Queries sent.' },
      matchedAt: { type: 'integer', description: 'Epoch ms of the matching answer (engine clock).' },
      answersSeen: { type: 'array', items: { type: 'string' }, description: 'Distinct answers in the order seen (values or NXDOMAIN/NODATA/...).' },
      server: { type: 'string', description: 'DNS server queried (host:port, or "system").' },
    },
  },
  async run(params, ctx) {
    const type = params.type ?? 'CNAME';
    const expected = normalizeName(params.expected);
    const interval = parseDuration(params.pollInterval) ?? 250;
    const startedAt = ctx.clock.now();
    const server = targetDnsServer(ctx.target) ?? 'system';
    if (server === 'system') ctx.log.info(`awaitDnsTarget: the target has no DNS server; querying the system resolvers (cached answers delay the flip by up to the TTL)`);
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
        // The engine clock is AWS time (the target's own clock): the *AwsMs figures equal the others.
        const since = params.since === undefined ? {} : { sinceMs: matchedAt - params.since, sinceAwsMs: matchedAt - params.since };
        return { answer: expected, elapsedMs, awsEquivalentMs: elapsedMs, ...since, queries, matchedAt, answersSeen, server };
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
