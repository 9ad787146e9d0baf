import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { Type } from '@sinclair/typebox';
import { defineStep, type StepParams } from './define.ts';
import { NonRetryableError } from '../engine/errors.ts';
import type { StepContext } from '../engine/types.ts';
import { isNotFound } from './support/awsErrors.ts';

interface HealthCheckEndpoint {
  fqdn?: string;
  port?: number;
  resourcePath?: string;
  ipAddress?: string;
}

const updateParams = Type.Object(
  {
    healthCheckId: Type.String({
      minLength: 1,
      description: 'Health check to change, e.g. ${{ steps.healthCheck.outputs.healthCheckId }}.',
    }),
    fqdn: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'New host name probed, e.g. bad-host-p45e8eG94rK.com.' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'New port probed.' })),
    resourcePath: Type.Optional(Type.String({ maxLength: 255, description: 'New path requested.' })),
    ipAddress: Type.Optional(Type.String({ minLength: 1, description: 'New IP address probed (instead of resolving fqdn).' })),
  },
  { additionalProperties: false, minProperties: 2 },
);
type UpdateHealthCheckParams = StepParams<typeof updateParams>;

const ROUTE53_REGION = 'us-east-1';

/**
 * The endpoint each `${runId}/${stepId}` found before its first attempt changed anything. A
 * retried attempt (the previous one's UpdateHealthCheck applied, then timed out) would otherwise
 * read the already-changed check and save the new endpoint as `previous`. Limit: this lives in
 * the process; after a restart a retry that finds the requested endpoint already in place cannot
 * tell whether it was there before, and leaves `previous` unset (the rollback then warns and
 * leaves the check as is, rather than "restoring" the broken endpoint).
 */
const firstPrevious = new Map<string, HealthCheckEndpoint>();

/**
 * `aws route53 update-health-check --health-check-id … --fully-qualified-domain-name
 * bad-host-p45e8eG94rK.com`: LocalStack's route53-dns-failover sample breaks its primary this
 * way. The previous endpoint is kept in the outputs and the rollback writes it back. (Route 53
 * cannot unset an IPAddress once set; a rollback restores the previous one when there was one.
 * A rollback without outputs does not know the previous endpoint and leaves the check as is.)
 */
export default defineStep({
  type: 'updateHealthCheck',
  description:
    "Change a Route 53 health check's endpoint (e.g. point it at a dead host to force failover). Rollback restores the previous endpoint.",
  params: updateParams,
  effects: (p) => [
    {
      action: 'change',
      resource: `Route 53 health check ${p.healthCheckId}`,
      region: ROUTE53_REGION,
      detail: `probes ${[p.fqdn ?? p.ipAddress, p.port, p.resourcePath].filter((x) => x !== undefined).join(' ')} instead (rollback points it back)`,
    },
  ],
  outputs: Type.Object({
    previous: Type.Optional(
      Type.Unsafe<HealthCheckEndpoint>({
        type: 'object',
        description:
          'The endpoint before the change: {fqdn, port, resourcePath, ipAddress}; absent when a retry in a new process could not know it.',
      }),
    ),
    healthCheckVersion: Type.Integer({ description: 'HealthCheckVersion after the change.' }),
    updatedAt: Type.Integer({ description: 'Epoch ms of the change (engine clock); use as awaitDnsTarget `since`.' }),
  }),
  async run(params, ctx) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    let got;
    try {
      got = await route53.send(new GetHealthCheckCommand({ HealthCheckId: params.healthCheckId }), { abortSignal: ctx.signal });
    } catch (error) {
      if (isNotFound(error)) throw new NonRetryableError(`updateHealthCheck: no health check ${params.healthCheckId}`, { cause: error });
      throw error;
    }
    const config = got.HealthCheck?.HealthCheckConfig;
    const current: HealthCheckEndpoint = {
      ...(config?.FullyQualifiedDomainName !== undefined ? { fqdn: config.FullyQualifiedDomainName } : {}),
      ...(config?.Port !== undefined ? { port: config.Port } : {}),
      ...(config?.ResourcePath !== undefined ? { resourcePath: config.ResourcePath } : {}),
      ...(config?.IPAddress !== undefined ? { ipAddress: config.IPAddress } : {}),
    };
    const key = `${ctx.runId}/${ctx.stepId}`;
    let previous = firstPrevious.get(key);
    if (!previous && (ctx.attempt === 1 || !alreadyApplied(current, params))) {
      previous = current;
      firstPrevious.set(key, previous);
    }
    if (!previous)
      ctx.log.warn(
        `updateHealthCheck: attempt ${ctx.attempt} found ${params.healthCheckId} already changed; its previous endpoint is unknown, the rollback will leave it as is`,
      );
    const version = await update(route53, params.healthCheckId, params, got.HealthCheck?.HealthCheckVersion, ctx);
    firstPrevious.delete(key);
    return { ...(previous ? { previous } : {}), healthCheckVersion: version, updatedAt: ctx.clock.now() };
  },
  async rollback(params, ctx, outputs) {
    if (!outputs?.previous) {
      ctx.log.warn(
        `updateHealthCheck rollback: ${outputs ? 'the retry found the change already applied' : 'the step did not finish'}, the previous endpoint of ${params.healthCheckId} is unknown; left as is`,
      );
      return;
    }
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    try {
      await update(route53, params.healthCheckId, outputs.previous, undefined, ctx);
    } catch (error) {
      if (isNotFound(error)) return; // deleted since: nothing to restore
      throw error;
    }
  },
});

/** Whether every field the step changes already has the requested value. */
function alreadyApplied(current: HealthCheckEndpoint, params: UpdateHealthCheckParams): boolean {
  const fields = ['fqdn', 'port', 'resourcePath', 'ipAddress'] as const;
  return fields.every((field) => params[field] === undefined || current[field] === params[field]);
}

async function update(
  route53: Route53Client,
  id: string,
  endpoint: HealthCheckEndpoint,
  version: number | undefined,
  ctx: StepContext,
): Promise<number> {
  const result = await route53.send(
    new UpdateHealthCheckCommand({
      HealthCheckId: id,
      ...(version !== undefined ? { HealthCheckVersion: version } : {}),
      ...(endpoint.fqdn !== undefined ? { FullyQualifiedDomainName: endpoint.fqdn } : {}),
      ...(endpoint.port !== undefined ? { Port: endpoint.port } : {}),
      ...(endpoint.resourcePath !== undefined ? { ResourcePath: endpoint.resourcePath } : {}),
      ...(endpoint.ipAddress !== undefined ? { IPAddress: endpoint.ipAddress } : {}),
    }),
    { abortSignal: ctx.signal },
  );
  return result.HealthCheck?.HealthCheckVersion ?? 0;
}
