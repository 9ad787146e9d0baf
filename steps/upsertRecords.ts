import { ChangeResourceRecordSetsCommand, Route53Client, type Change, type ResourceRecordSet, type RRType } from '@aws-sdk/client-route-53';
import { Type, type Static } from '@sinclair/typebox';
import { NonRetryableError } from '../engine/errors.ts';
import type { StepContext } from '../engine/types.ts';
import { Default, defineStep, type StepParams } from './define.ts';
import { bareChangeId, bareZoneId } from './support/hostedZoneId.ts';
import { listRecordSets, matchesKey, recordSetsIfZone } from './support/recordSets.ts';
import { Enum } from './support/schema.ts';

const ROUTE53_REGION = 'us-east-1';
const POLICIES = ['weighted', 'latency', 'geolocation', 'multivalue'] as const;
type Policy = (typeof POLICIES)[number];

const member = Type.Object(
  {
    setIdentifier: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'SetIdentifier, unique within the name and type, e.g. "blue".',
    }),
    values: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Record values, e.g. ["10.0.0.1"] or ["blue.example.com"].',
    }),
    healthCheckId: Type.Optional(
      Type.String({ minLength: 1, description: 'Health check of this member; an unhealthy member is skipped.' }),
    ),
    weight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 255,
        description: 'weighted: share = weight / sum of weights; 0 = only when every other member is unhealthy.',
      }),
    ),
    region: Type.Optional(Type.String({ minLength: 1, description: 'latency: the AWS Region of this member, e.g. eu-central-1.' })),
    location: Type.Optional(
      Type.Object(
        {
          continent: Type.Optional(Enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'], { description: 'Continent code.' })),
          country: Type.Optional(
            Type.String({ minLength: 1, maxLength: 2, description: 'ISO country code, or "*" for the default record.' }),
          ),
          subdivision: Type.Optional(Type.String({ minLength: 1, maxLength: 3, description: 'US state (with country US).' })),
        },
        {
          additionalProperties: false,
          description: 'geolocation: where the clients of this member are; { country: "*" } is the default record.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const params = Type.Object(
  {
    zoneId: Type.String({
      minLength: 1,
      description: 'Hosted zone id (with or without /hostedzone/), e.g. ${{ steps.zone.outputs.zoneId }}.',
    }),
    name: Type.String({ minLength: 1, description: 'Name clients resolve, e.g. app.example.com.' }),
    type: Default(Enum(['A', 'AAAA', 'CNAME', 'TXT'], { description: 'Record type of every member.' }), 'A'),
    ttl: Default(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'TTL of every member.' }), 60),
    policy: Enum(POLICIES, { description: 'Routing policy of the set: weighted, latency, geolocation or multivalue.' }),
    records: Type.Array(member, { minItems: 1, description: 'The members, one record set each (a multivalue member: one value).' }),
  },
  { additionalProperties: false },
);

const outputs = Type.Object({
  changeId: Type.String({ description: 'Route 53 change id of the batch.' }),
  name: Type.String({ description: 'The name written.' }),
  setIdentifiers: Type.Array(Type.String(), { description: 'SetIdentifiers written, in order.' }),
  /** Members that existed before the step with other values, for the rollback to put back. */
  previous: Type.Array(Type.Unsafe<ResourceRecordSet>({ type: 'object' }), { description: 'Record sets replaced by the step.' }),
});

type Params = StepParams<typeof params>;
type Member = Params['records'][number];

/**
 * A routed record set (weighted, latency, geolocation or multivalue) in one UPSERT batch, so a
 * retry is harmless and a blue/green shift is a second use with new weights. Members of the
 * same name and type that the step does not list are left alone. The rollback puts back the
 * members that existed before (from the outputs) and deletes those that did not; without
 * outputs it deletes the listed members while they still hold this step's values.
 */
export default defineStep({
  type: 'upsertRecords',
  description: 'Write a weighted, latency, geolocation or multivalue record set in a Route 53 zone. Rollback restores what was there.',
  params,
  outputs,
  async run(p, ctx) {
    const wanted = desired(p);
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const zoneId = bareZoneId(p.zoneId);
    const existing = await listRecordSets(route53, zoneId, ctx.signal);
    const previous = existing.filter((set) => wanted.some((w) => matchesKey(set, key(w)) && !sameValues(set, w)));
    const result = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Comment: `failover-engine upsertRecords (${p.policy})`,
          Changes: wanted.map((set) => ({ Action: 'UPSERT', ResourceRecordSet: set })),
        },
      }),
      { abortSignal: ctx.signal },
    );
    return {
      changeId: bareChangeId(result.ChangeInfo?.Id ?? ''),
      name: p.name,
      setIdentifiers: p.records.map((r) => r.setIdentifier),
      previous,
    };
  },
  async rollback(p, ctx, out) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const zoneId = bareZoneId(p.zoneId);
    const current = await recordSetsIfZone(route53, zoneId, ctx.signal);
    if (!current) return;
    const changes = desired(p).flatMap((w) => undo(w, current, out, ctx));
    if (changes.length === 0) return;
    await route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: 'failover-engine rollback', Changes: changes } }),
      { abortSignal: ctx.signal },
    );
  },
  effects: (p) => [
    {
      action: 'change',
      resource: `Route 53 ${p.type} ${p.name} in zone ${p.zoneId}`,
      detail: `${p.policy} set: ${p.records.map((r) => `${r.setIdentifier}${routingNote(p.policy, r)} → ${r.values.join(',')}`).join('; ')} (rollback restores the previous members)`,
    },
  ],
});

function routingNote(policy: Policy, r: Member): string {
  if (policy === 'weighted') return ` weight ${r.weight ?? '?'}`;
  if (policy === 'latency') return ` ${r.region ?? '?'}`;
  if (policy === 'geolocation') return ` ${r.location?.subdivision ?? r.location?.country ?? r.location?.continent ?? '?'}`;
  return '';
}

/** The record sets the params describe; a member missing its policy's field is bad input. */
function desired(p: Params): ResourceRecordSet[] {
  return p.records.map((r, i) => {
    const base: ResourceRecordSet = {
      Name: p.name,
      Type: p.type as RRType,
      SetIdentifier: r.setIdentifier,
      TTL: p.ttl,
      ResourceRecords: r.values.map((Value) => ({ Value })),
      ...(r.healthCheckId ? { HealthCheckId: r.healthCheckId } : {}),
    };
    const missing = (field: string) =>
      new NonRetryableError(`upsertRecords: records[${i}] (${r.setIdentifier}) needs '${field}' for policy ${p.policy}`);
    switch (p.policy) {
      case 'weighted':
        if (r.weight === undefined) throw missing('weight');
        return { ...base, Weight: r.weight };
      case 'latency':
        if (!r.region) throw missing('region');
        return { ...base, Region: r.region as ResourceRecordSet['Region'] };
      case 'geolocation': {
        const l = r.location;
        if (!l || (!l.continent && !l.country)) throw missing('location');
        return { ...base, GeoLocation: { ContinentCode: l.continent, CountryCode: l.country, SubdivisionCode: l.subdivision } };
      }
      case 'multivalue':
        return { ...base, MultiValueAnswer: true };
      default:
        throw new NonRetryableError(`upsertRecords: unknown policy ${String(p.policy)}`);
    }
  });
}

function key(set: ResourceRecordSet) {
  return { name: set.Name ?? '', type: set.Type ?? '', setIdentifier: set.SetIdentifier };
}

/** Same values, TTL, routing field and health check: the set is what this step writes. */
function sameValues(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  const norm = (s: ResourceRecordSet) =>
    (s.ResourceRecords ?? [])
      .map((r) => (r.Value ?? '').toLowerCase().replace(/\.$/, ''))
      .sort()
      .join(',');
  const routing = (s: ResourceRecordSet) =>
    JSON.stringify([
      s.Weight,
      s.Region,
      s.GeoLocation?.ContinentCode,
      s.GeoLocation?.CountryCode,
      s.GeoLocation?.SubdivisionCode,
      s.MultiValueAnswer ?? false,
    ]);
  return norm(a) === norm(b) && a.TTL === b.TTL && routing(a) === routing(b) && (a.HealthCheckId ?? '') === (b.HealthCheckId ?? '');
}

/** UPSERT the previous member back, or DELETE the current one exactly as listed (DELETE must match). */
function undo(
  wanted: ResourceRecordSet,
  current: ResourceRecordSet[],
  out: Static<typeof outputs> | undefined,
  ctx: StepContext,
): Change[] {
  const k = key(wanted);
  const before = out?.previous.find((set) => matchesKey(set, k));
  if (before) return [{ Action: 'UPSERT', ResourceRecordSet: before }];
  const now = current.find((set) => matchesKey(set, k));
  if (!now) return [];
  if (!out && !sameValues(now, wanted)) {
    ctx.log.warn(`upsertRecords rollback: ${k.name} ${k.type} ${k.setIdentifier} is not what this step writes; left in place`);
    return [];
  }
  return [{ Action: 'DELETE', ResourceRecordSet: now }];
}
