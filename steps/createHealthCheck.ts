import {
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  ListHealthChecksCommand,
  Route53Client,
  type ListHealthChecksCommandOutput,
} from '@aws-sdk/client-route-53';
import { defineStep } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { ignoreNotFound } from './support/awsErrors.ts';
import { idempotencyToken } from './support/callerReference.ts';

interface CreateHealthCheckParams {
  fqdn: string;
  port: number;
  resourcePath: string;
  type?: 'HTTP' | 'HTTPS' | 'HTTP_STR_MATCH' | 'HTTPS_STR_MATCH' | 'TCP';
  requestInterval?: 10 | 30;
  failureThreshold?: number;
  callerReference?: string;
}

interface CreateHealthCheckOutputs {
  healthCheckId: string;
  callerReference: string;
  /** How long an endpoint must fail before Route 53 calls it unhealthy, in AWS time. */
  detectionWindowMs: number;
}

const ROUTE53_REGION = 'us-east-1';

/**
 * The tutorial's `aws route53 create-health-check --caller-reference foobar --health-check-config
 * '{"FullyQualifiedDomainName": "12345.execute-api.localhost.localstack.cloud", "Port": 4566,
 * "ResourcePath": "/dev/healthcheck", "Type": "HTTP", "RequestInterval": 10}'`.
 * Route 53 probes every RequestInterval seconds and flips after FailureThreshold consecutive
 * results (AWS defaults 30 s and 3), so a failure is seen after about interval × threshold.
 */
export default defineStep<CreateHealthCheckParams, CreateHealthCheckOutputs>({
  type: 'createHealthCheck',
  description: 'Create a Route 53 health check on an HTTP(S)/TCP endpoint. Rollback deletes it.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['fqdn', 'port', 'resourcePath'],
    properties: {
      fqdn: { type: 'string', minLength: 1, maxLength: 255, description: 'Host name probed, e.g. 12345.execute-api.localhost.localstack.cloud.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port probed (the target port for LocalStack/the emulator: ${{ target.port }}).' },
      resourcePath: { type: 'string', maxLength: 255, description: 'Path requested, e.g. /dev/healthcheck.' },
      type: {
        enum: ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'],
        default: 'HTTP',
        description: 'Probe kind; HTTP is healthy on a 2xx/3xx answer.',
      },
      requestInterval: { enum: [10, 30], default: 30, description: 'Seconds between probes (10 "fast" or 30).' },
      failureThreshold: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Consecutive results needed to change status.' },
      callerReference: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        description: 'Idempotency token (the tutorial used "foobar"). Default: derived from the run id and step id.',
      },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      healthCheckId: { type: 'string', description: 'Id of the health check.' },
      callerReference: { type: 'string', description: 'The caller reference used.' },
      detectionWindowMs: { type: 'integer', description: 'RequestInterval × FailureThreshold in ms (AWS time).' },
    },
  },
  async run(params, ctx) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const callerReference = params.callerReference ?? idempotencyToken(ctx);
    const requestInterval = params.requestInterval ?? 30;
    const failureThreshold = params.failureThreshold ?? 3;
    // Same reference + same config returns the existing check (AWS), so retries are safe.
    const created = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: callerReference,
        HealthCheckConfig: {
          FullyQualifiedDomainName: params.fqdn,
          Port: params.port,
          ResourcePath: params.type === 'TCP' ? undefined : params.resourcePath,
          Type: params.type ?? 'HTTP',
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
