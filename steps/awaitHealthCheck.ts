import { GetHealthCheckStatusCommand, Route53Client, type HealthCheckObservation } from '@aws-sdk/client-route-53';
import { Type } from '@sinclair/typebox';
import { NonRetryableError } from '../engine/errors.ts';
import { Default, defineStep } from './define.ts';
import { isNotFound } from './support/awsErrors.ts';
import { abortedWhilePolling, awaitExpired, DEFAULT_MAX_WAIT } from './support/errors.ts';
import { Duration, durationMs, Enum } from './support/schema.ts';

const ROUTE53_REGION = 'us-east-1';

/** Route 53 calls an endpoint healthy when more than 18% of its checkers report it healthy. */
const HEALTHY_SHARE = 0.18;

/**
 * `aws route53 get-health-check-status --health-check-id …`, repeated until the health check is
 * healthy or unhealthy as expected: each checker's report (`StatusReport.Status`, which starts
 * with `Success:` or `Failure:` and says why) is counted, and the check is healthy when more
 * than 18% of the checkers report success, as Route 53 decides. A check with no report yet is
 * neither, and polling goes on. The outputs keep the checkers' reasons and the AWS time of the
 * newest report (`changedAt`), the moment the expected status was first seen.
 */
export default defineStep({
  type: 'awaitHealthCheck',
  effects: () => [],
  description:
    "Poll a Route 53 health check's status until it is healthy or unhealthy; outputs the checkers' reasons. Gives up after `maxWait` (AWS time, default 5m).",
  params: Type.Object(
    {
      healthCheckId: Type.String({ minLength: 1, description: 'Health check, e.g. ${{ steps.healthCheck.outputs.healthCheckId }}.' }),
      status: Enum(['healthy', 'unhealthy'], { description: 'Status to wait for.' }),
      pollInterval: Default(Duration({ description: 'Pause between GetHealthCheckStatus calls (engine clock).' }), '1s'),
      maxWait: Default(
        Duration({ description: 'Longest wait in AWS time, e.g. "10m"; then the step fails naming the last reports.' }),
        DEFAULT_MAX_WAIT,
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    status: Enum(['healthy', 'unhealthy'], { description: 'The status reached (the one asked for).' }),
    reasons: Type.Array(Type.String(), {
      description: 'Each checker\'s report, e.g. "Failure: HTTP Status Code 500, Internal Server Error".',
    }),
    changedAt: Type.Integer({ description: 'Epoch ms (AWS time) of the newest checker report: when the status was seen.' }),
    polls: Type.Integer({ description: 'GetHealthCheckStatus calls made.' }),
    elapsedMs: Type.Integer({ description: 'Engine-clock time from the step start to the match.' }),
    awsEquivalentMs: Type.Number({ description: 'elapsedMs (the engine clock is AWS time; kept for old workflows).' }),
  }),
  async run(params, ctx) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const interval = durationMs(params.pollInterval, 'awaitHealthCheck pollInterval');
    const maxWaitAwsMs = durationMs(params.maxWait, 'awaitHealthCheck maxWait');
    const startedAt = ctx.clock.now();
    let polls = 0;
    let last: string[] = [];
    const seen = () => (last.length ? last.join('; ') : 'no checker report yet');
    const aborted = () =>
      abortedWhilePolling(ctx.signal, `health check ${params.healthCheckId} not ${params.status} after ${polls} polls (last: ${seen()})`, {
        last,
        polls,
      });
    for (;;) {
      let observations: HealthCheckObservation[];
      try {
        polls++;
        const got = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: params.healthCheckId }), {
          abortSignal: ctx.signal,
        });
        observations = got.HealthCheckObservations ?? [];
      } catch (error) {
        if (ctx.signal.aborted) throw aborted();
        if (isNotFound(error)) throw new NonRetryableError(`awaitHealthCheck: no health check ${params.healthCheckId}`, { cause: error });
        throw error;
      }
      last = observations.map((o) => o.StatusReport?.Status ?? 'no status');
      const status = statusOf(observations);
      if (status === params.status) {
        const elapsedMs = ctx.clock.now() - startedAt;
        const changedAt = Math.max(...observations.map((o) => o.StatusReport?.CheckedTime?.getTime() ?? 0));
        return { status, reasons: last, changedAt, polls, elapsedMs, awsEquivalentMs: elapsedMs };
      }
      const awsWaitedMs = ctx.clock.now() - startedAt;
      if (awsWaitedMs >= maxWaitAwsMs) {
        throw awaitExpired(
          `health check ${params.healthCheckId} still ${status ?? 'unreported'} (${seen()}); expected ${params.status}`,
          polls,
          awsWaitedMs,
          { last },
        );
      }
      try {
        await ctx.clock.sleep(interval, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted) throw aborted();
        throw error;
      }
    }
  },
});

/** Route 53's verdict from its checkers' reports; undefined before any report. */
function statusOf(observations: HealthCheckObservation[]): 'healthy' | 'unhealthy' | undefined {
  if (observations.length === 0) return undefined;
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
  return healthy / observations.length > HEALTHY_SHARE ? 'healthy' : 'unhealthy';
}
