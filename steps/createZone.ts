import {
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  Route53Client,
  type ListHostedZonesByNameCommandOutput,
} from '@aws-sdk/client-route-53';
import { Type } from '@sinclair/typebox';
import { defineStep } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { ignoreNotFound, isAwsError } from './support/awsErrors.ts';
import { idempotencyToken, legacyIdempotencyToken } from './support/callerReference.ts';
import { bareZoneId } from './support/hostedZoneId.ts';
import { deleteRecords } from './support/recordSets.ts';
import { normalizeName } from './support/targetDns.ts';

/** Route 53 is global; its API lives in us-east-1. */
const ROUTE53_REGION = 'us-east-1';

/**
 * `aws route53 create-hosted-zone --name hello-localstack.com --caller-reference foo`.
 * The caller reference defaults to a token derived from the run and step, so a retried attempt
 * gets the zone the first one made, and a rollback without outputs finds it by name + reference.
 */
export default defineStep({
  type: 'createZone',
  effects: (p) => [
    {
      action: 'create',
      resource: `Route 53 hosted zone ${p.name}`,
      region: 'us-east-1',
      detail: 'a public zone with its NS and SOA (rollback deletes it and the records left in it)',
    },
  ],
  description: 'Create a Route 53 public hosted zone (e.g. hello-localstack.com). Rollback deletes its records, then the zone.',
  params: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 1024, description: 'Domain name of the zone, e.g. hello-localstack.com.' }),
      callerReference: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 128,
          description: 'Idempotency token (the tutorial used "foo"). Default: derived from the run id and step id.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    zoneId: Type.String({ description: 'Hosted zone id without the /hostedzone/ prefix.' }),
    name: Type.String({ description: 'Zone name as Route 53 stores it (trailing dot).' }),
    nameServers: Type.Array(Type.String(), { description: 'The delegation set.' }),
    callerReference: Type.String({ description: 'The caller reference used.' }),
  }),
  async run(params, ctx) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const callerReference = params.callerReference ?? idempotencyToken(ctx);
    try {
      const created = await route53.send(new CreateHostedZoneCommand({ Name: params.name, CallerReference: callerReference }), {
        abortSignal: ctx.signal,
      });
      return {
        zoneId: bareZoneId(created.HostedZone?.Id ?? ''),
        name: created.HostedZone?.Name ?? params.name,
        nameServers: created.DelegationSet?.NameServers ?? [],
        callerReference,
      };
    } catch (error) {
      // A retried attempt: the first one created the zone with this reference.
      if (!isAwsError(error, 'HostedZoneAlreadyExists')) throw error;
      const zoneId = await findZone(route53, params.name, [callerReference], ctx);
      if (!zoneId) throw error;
      const zone = await route53.send(new GetHostedZoneCommand({ Id: zoneId }), { abortSignal: ctx.signal });
      return {
        zoneId,
        name: zone.HostedZone?.Name ?? params.name,
        nameServers: zone.DelegationSet?.NameServers ?? [],
        callerReference,
      };
    }
  },
  // Two runs making a zone of the same name on one target would answer each other's DNS.
  claims: (params) => [{ kind: 'zone', name: normalizeName(params.name) }],
  async rollback(params, ctx, outputs) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const references = params.callerReference ? [params.callerReference] : [idempotencyToken(ctx), legacyIdempotencyToken(ctx)];
    const zoneId = outputs?.zoneId ?? (await findZone(route53, params.name, references, ctx));
    if (!zoneId) {
      ctx.log.info(`createZone rollback: no zone ${params.name} with this step's caller reference; nothing to delete`);
      return;
    }
    await ignoreNotFound(async () => {
      await deleteRecords(route53, zoneId, ctx);
      await route53.send(new DeleteHostedZoneCommand({ Id: zoneId }), { abortSignal: ctx.signal });
    });
  },
});

/** The zone named `name` created with `callerReference`, if any. */
async function findZone(route53: Route53Client, name: string, callerReferences: string[], ctx: StepContext): Promise<string | undefined> {
  const wanted = normalizeName(name);
  let dnsName: string | undefined = name;
  let zoneId: string | undefined;
  for (;;) {
    const page: ListHostedZonesByNameCommandOutput = await route53.send(
      new ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: zoneId }),
      {
        abortSignal: ctx.signal,
      },
    );
    for (const zone of page.HostedZones ?? []) {
      if (normalizeName(zone.Name ?? '') !== wanted) return undefined;
      if (callerReferences.includes(zone.CallerReference ?? '') && zone.Id) return bareZoneId(zone.Id);
    }
    if (!page.IsTruncated) return undefined;
    dnsName = page.NextDNSName;
    zoneId = page.NextHostedZoneId;
  }
}
