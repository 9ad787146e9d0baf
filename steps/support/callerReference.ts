import { createHash } from 'node:crypto';
import type { StepContext } from '../../engine/types.ts';

/**
 * Deterministic idempotency tokens for a step of a run: the same run and step always yield the
 * same token, so a retried attempt finds what an earlier one created (Route 53 CallerReference,
 * FIS clientToken) and a rollback with no outputs can look it up again.
 *
 * The token is `fe-<hash>` plus an optional suffix: short enough for every API (FIS clientToken
 * ≤ 64, CallerReference ≤ 128) whatever the run id looks like.
 */
export function idempotencyToken(ctx: Pick<StepContext, 'runId' | 'stepId'>, suffix = ''): string {
  const hash = createHash('sha256').update(`${ctx.runId}\u0000${ctx.stepId}`).digest('hex').slice(0, 32);
  return suffix ? `fe-${hash}-${suffix}` : `fe-${hash}`;
}

/** Tags that mark resources a run's step created, for lookups by a rollback without outputs. */
export function runTags(ctx: Pick<StepContext, 'runId' | 'stepId'>): Record<string, string> {
  return { 'failover-engine:run': ctx.runId, 'failover-engine:step': ctx.stepId };
}
