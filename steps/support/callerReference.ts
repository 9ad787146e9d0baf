import { createHash } from 'node:crypto';
import type { StepContext } from '../../engine/types.ts';
import { RUN_TAG } from './provision/marker.ts';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What every idempotency token of a run starts with: `fe-` and 16 hex digits of the run id's
 * hash. Route 53 cannot tag a health check or hosted zone in the call that creates it, so this
 * prefix of their CallerReference is how the rollback's sweep recognises the run's own.
 */
export function runTokenPrefix(runId: string): string {
  return `fe-${sha256Hex(runId).slice(0, 16)}-`;
}

/**
 * Deterministic idempotency tokens for a step of a run: the same run and step always yield the
 * same token, so a retried attempt finds what an earlier one created (Route 53 CallerReference,
 * FIS clientToken) and a rollback with no outputs can look it up again.
 *
 * The token is {@link runTokenPrefix} + 16 hex digits of the run and step's hash, plus an
 * optional suffix: short enough for every API (FIS clientToken ≤ 64, CallerReference ≤ 128)
 * whatever the run id looks like.
 */
export function idempotencyToken(ctx: Pick<StepContext, 'runId' | 'stepId'>, suffix = ''): string {
  const token = `${runTokenPrefix(ctx.runId)}${sha256Hex(`${ctx.runId}\u0000${ctx.stepId}`).slice(0, 16)}`;
  return suffix ? `${token}-${suffix}` : token;
}

/** The token engine versions before 0.1 used (`fe-` + 32 hex digits of the run and step); looked up by rollbacks of their runs. */
export function legacyIdempotencyToken(ctx: Pick<StepContext, 'runId' | 'stepId'>): string {
  return `fe-${sha256Hex(`${ctx.runId}\u0000${ctx.stepId}`).slice(0, 32)}`;
}

/** Tags that mark resources a run's step created, for lookups by a rollback without outputs. */
export function runTags(ctx: Pick<StepContext, 'runId' | 'stepId'>): Record<string, string> {
  return { [RUN_TAG]: ctx.runId, 'failover-engine:step': ctx.stepId };
}
