import {
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  ListHealthChecksCommand,
  Route53Client,
  type ListHealthChecksCommandOutput,
} from '@aws-sdk/client-route-53';
import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { ignoreNotFound } from './support/awsErrors.ts';
import { idempotencyToken } from './support/callerReference.ts';
import { Enum } from './support/schema.ts';

const ROUTE53_REGION = 'us-east-1';

/**
 * The tutorial's `aws route53 create-health-check --caller-reference foobar --health-check-config
 * '{"FullyQualifiedDomainName": "12345.execute-api.localhost.localstack.cloud", "Port": 4566,
 * "ResourcePath": "/dev/healthcheck", "Type": "HTTP", "RequestInterval": 10}'`.
 * Route 53 probes every RequestInterval seconds and flips after FailureThreshold consecutive
 * results (AWS defaults 30 s and 3), so a failure is seen after about interval × threshold.
 */
export default defineStep({
  type: 'createHealthCheck',
  description: 'Create a Route 53 health check on an HTTP(S)/TCP endpoint. Rollback deletes it.',
  params: Type.Object(
    {
      fqdn: Type.String({ minLength: 1, maxLength: 255, description: 'Host name probed, e.g. 12345.execute-api.localhost.localstack.cloud.' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Port probed (the target port for LocalStack/the emulator: ${{ target.port }}).' }),
      resourcePath: Type.String({ maxLength: 255, description: 'Path requested, e.g. /dev/healthcheck.' }),
      type: Default(Enum(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'], { description: 'Probe kind; HTTP is healthy on a 2xx/3xx answer.' }), 'HTTP'),
      requestInterval: Default(Enum([10, 30], { description: 'Seconds between probes (10 "fast" or 30).' }), 30),
      failureThreshold: Default(Type.Integer({ minimum: 1, maximum: 10, description: 'Consecutive results needed to change status.' }), 3),
      searchString: Type.Optional(
        Type.String({ minLength: 1, maxLength: 255, description: 'Text the first 5,120 bytes of the body must contain (HTTP_STR_MATCH / HTTPS_STR_MATCH).' }),
      ),
      ipAddress: Type.Optional(Type.String({ minLength: 1, description: 'IP address probed instead of resolving fqdn (fqdn stays the Host header).' })),
      callerReference: Type.Optional(
        Type.String({ minLength: 1, maxLength: 64, description: 'Idempotency token (the tutorial used "foobar"). Default: derived from the run id and step id.' }),
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    healthCheckId: Type.String({ description: 'Id of the health check.' }),
    callerReference: Type.String({ description: 'The caller reference used.' }),
    detectionWindowMs: Type.Integer({ description: 'RequestInterval × FailureThreshold in ms (AWS time).' }),
  }),
  async run(params, ctx) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const callerReference = params.callerReference ?? idempotencyToken(ctx);
    const { requestInterval, failureThreshold } = params;
    // Same reference + same config returns the existing check (AWS), so retries are safe.
    const created = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: callerReference,
        HealthCheckConfig: {
          FullyQualifiedDomainName: params.fqdn,
          Port: params.port,
          ResourcePath: params.type === 'TCP' ? undefined : params.resourcePath,
          Type: params.type,
          ...(params.searchString !== undefined ? { SearchString: params.searchString } : {}),
          ...(params.ipAddress !== undefined ? { IPAddress: params.ipAddress } : {}),
          RequestInterval: requestInterval,
          FailureThreshold: failureThreshold,
        },
      }),
      { abortSignal: ctx.signal },
    );
    return {
      healthCheckId: created.HealthCheck?.Id ?? '',
      callerReference,
      detectionWindowMs: requestInterval * failureThreshold * 1000,
    };
  },
  async rollback(params, ctx, outputs) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const id = outputs?.healthCheckId ?? (await findHealthCheck(route53, params.callerReference ?? idempotencyToken(ctx), ctx));
    if (!id) {
      ctx.log.info("createHealthCheck rollback: no health check with this step's caller reference; nothing to delete");
      return;
    }
    await ignoreNotFound(() => route53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }), { abortSignal: ctx.signal }));
  },
});

async function findHealthCheck(route53: Route53Client, callerReference: string, ctx: StepContext): Promise<string | undefined> {
  let marker: string | undefined;
  for (;;) {
    const page: ListHealthChecksCommandOutput = await route53.send(new ListHealthChecksCommand({ Marker: marker }), {
      abortSignal: ctx.signal,
    });
    const found = page.HealthChecks?.find((check) => check.CallerReference === callerReference);
    if (found?.Id) return found.Id;
    if (!page.IsTruncated) return undefined;
    marker = page.NextMarker;
  }
}
