import {
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  ListHealthChecksCommand,
  Route53Client,
  type HealthCheckConfig,
  type HealthCheckRegion,
} from '@aws-sdk/client-route-53';
import { Type } from '@sinclair/typebox';
import { Default, defineStep, type StepParams } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { ignoreNotFound } from './support/awsErrors.ts';
import { idempotencyToken, legacyIdempotencyToken } from './support/callerReference.ts';
import { nextMarker, pages } from './support/pages.ts';
import { Enum } from './support/schema.ts';

const ROUTE53_REGION = 'us-east-1';

const params = Type.Object(
  {
    fqdn: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Host name probed, e.g. 12345.execute-api.localhost.localstack.cloud.' }),
    ),
    port: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description: 'Port probed (the target port for LocalStack/the emulator: ${{ target.port }}); required except for CALCULATED.',
      }),
    ),
    resourcePath: Type.Optional(Type.String({ maxLength: 255, description: 'Path requested, e.g. /dev/healthcheck (AWS default /).' })),
    type: Default(
      Enum(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP', 'CALCULATED'], {
        description: 'Probe kind; HTTP is healthy on a 2xx/3xx answer; CALCULATED combines childHealthChecks.',
      }),
      'HTTP',
    ),
    requestInterval: Default(Enum([10, 30], { description: 'Seconds between probes (10 "fast" or 30).' }), 30),
    failureThreshold: Default(Type.Integer({ minimum: 1, maximum: 10, description: 'Consecutive results needed to change status.' }), 3),
    searchString: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: 'Text the first 5,120 bytes of the body must contain (HTTP_STR_MATCH / HTTPS_STR_MATCH).',
      }),
    ),
    ipAddress: Type.Optional(
      Type.String({ minLength: 1, description: 'IP address probed instead of resolving fqdn (fqdn stays the Host header).' }),
    ),
    inverted: Default(Type.Boolean({ description: 'Route by the opposite of what the probes say.' }), false),
    disabled: Default(
      Type.Boolean({ description: 'Stop probing; the check then counts as healthy (unhealthy when also inverted).' }),
      false,
    ),
    measureLatency: Default(Type.Boolean({ description: 'Record latency graphs (AWS; immutable after creation).' }), false),
    regions: Type.Optional(
      Type.Array(
        Enum(['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1']),
        {
          minItems: 3,
          uniqueItems: true,
          description: 'Checker Regions (at least 3); default: all of them.',
        },
      ),
    ),
    childHealthChecks: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 256, description: 'CALCULATED: ids of the checks it combines.' }),
    ),
    healthThreshold: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 256,
        description: 'CALCULATED: how many children must be healthy (default all; 0 = always healthy).',
      }),
    ),
    callerReference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Idempotency token (the tutorial used "foobar"). Default: derived from the run id and step id.',
      }),
    ),
  },
  {
    additionalProperties: false,
    // CALCULATED needs its children; every other type probes a port.
    if: { properties: { type: { const: 'CALCULATED' } }, required: ['type'] },
    then: { required: ['childHealthChecks'] },
    else: { required: ['port'] },
  },
);

/**
 * The tutorial's `aws route53 create-health-check --caller-reference foobar --health-check-config
 * '{"FullyQualifiedDomainName": "12345.execute-api.localhost.localstack.cloud", "Port": 4566,
 * "ResourcePath": "/dev/healthcheck", "Type": "HTTP", "RequestInterval": 10}'`.
 * Route 53 probes every RequestInterval seconds and flips after FailureThreshold consecutive
 * results (AWS defaults 30 s and 3), so a failure is seen after about interval × threshold.
 */
const createHealthCheck = defineStep({
  type: 'createHealthCheck',
  description: 'Create a Route 53 health check on an HTTP(S)/TCP endpoint. Rollback deletes it.',
  params,
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
        HealthCheckConfig: healthCheckConfig(params),
      }),
      { abortSignal: ctx.signal },
    );
    return {
      healthCheckId: created.HealthCheck?.Id ?? '',
      callerReference,
      detectionWindowMs: params.type === 'CALCULATED' ? 0 : requestInterval * failureThreshold * 1000,
    };
  },
  async rollback(params, ctx, outputs) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const references = params.callerReference ? [params.callerReference] : [idempotencyToken(ctx), legacyIdempotencyToken(ctx)];
    const id = outputs?.healthCheckId ?? (await findHealthCheck(route53, references, ctx));
    if (!id) {
      ctx.log.info("createHealthCheck rollback: no health check with this step's caller reference; nothing to delete");
      return;
    }
    await ignoreNotFound(() => route53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }), { abortSignal: ctx.signal }));
  },
  effects: (p) => [
    {
      action: 'create',
      resource: `Route 53 health check ${describeTarget(p)}`,
      region: ROUTE53_REGION,
      detail: `${p.type === 'CALCULATED' ? 'combines its children' : `probes every ${p.requestInterval}s, flips after ${p.failureThreshold}`}${p.inverted ? ', inverted' : ''}${p.disabled ? ', disabled' : ''} (rollback deletes it)`,
    },
  ],
});
export default createHealthCheck;

type Params = StepParams<typeof params>;

/** The config AWS receives: CALCULATED takes children and a threshold, endpoint types the probe's fields. */
function healthCheckConfig(p: Params): HealthCheckConfig {
  const common = { Inverted: p.inverted, Disabled: p.disabled };
  if (p.type === 'CALCULATED')
    return { Type: 'CALCULATED', ChildHealthChecks: p.childHealthChecks, HealthThreshold: p.healthThreshold, ...common };
  return {
    Type: p.type,
    FullyQualifiedDomainName: p.fqdn,
    IPAddress: p.ipAddress,
    Port: p.port,
    ResourcePath: p.type === 'TCP' ? undefined : p.resourcePath,
    SearchString: p.searchString,
    RequestInterval: p.requestInterval,
    FailureThreshold: p.failureThreshold,
    MeasureLatency: p.measureLatency,
    Regions: p.regions as HealthCheckRegion[] | undefined,
    ...common,
  };
}

function describeTarget(p: Params): string {
  if (p.type === 'CALCULATED') return `CALCULATED of ${p.childHealthChecks?.length ?? 0} checks (threshold ${p.healthThreshold ?? 'all'})`;
  return `${p.type} ${p.fqdn ?? p.ipAddress ?? '?'}:${p.port}${p.type === 'TCP' ? '' : (p.resourcePath ?? '/')}`;
}

async function findHealthCheck(route53: Route53Client, callerReferences: string[], ctx: StepContext): Promise<string | undefined> {
  const fetch = (Marker?: string) => route53.send(new ListHealthChecksCommand({ Marker }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, nextMarker)) {
    const found = page.HealthChecks?.find((check) => callerReferences.includes(check.CallerReference ?? ''));
    if (found?.Id) return found.Id;
  }
  return undefined;
}
