import { ChangeResourceRecordSetsCommand, Route53Client, type Change, type ResourceRecordSet, type RRType } from '@aws-sdk/client-route-53';
import { Type, type Static } from '@sinclair/typebox';
import { Default, defineStep, type StepParams } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { bareChangeId, bareZoneId } from './support/hostedZoneId.ts';
import { listRecordSets, matchesKey, recordSetsIfZone, type RecordKey } from './support/recordSets.ts';
import { Enum } from './support/schema.ts';

const ROUTE53_REGION = 'us-east-1';

const memberSchema = (role: string, example: { id: string; record: string; target: string }) =>
  Type.Object(
    {
      setIdentifier: Type.String({
        minLength: 1,
        maxLength: 128,
        description: `SetIdentifier of the ${role} alias, e.g. "${example.id}".`,
      }),
      recordName: Type.String({ minLength: 1, description: `Plain record the alias points at, e.g. ${example.record}.` }),
      target: Type.String({ minLength: 1, description: `Value of that record, e.g. ${example.target}.` }),
      healthCheckId: Type.Optional(
        Type.String({
          minLength: 1,
          description: `Health check of the ${role} alias${role === 'primary' ? ' (what triggers failover)' : ' (optional)'}.`,
        }),
      ),
    },
    { additionalProperties: false, description: `The ${role} member of the failover pair.` },
  );

const upsertParams = Type.Object(
  {
    zoneId: Type.String({
      minLength: 1,
      description: 'Hosted zone id (with or without /hostedzone/), e.g. ${{ steps.zone.outputs.zoneId }}.',
    }),
    name: Type.String({ minLength: 1, description: 'Name clients resolve, e.g. test.hello-localstack.com.' }),
    type: Default(Enum(['CNAME', 'A', 'AAAA'], { description: 'Record type of all four record sets.' }), 'CNAME'),
    ttl: Default(
      Type.Integer({ minimum: 0, maximum: 2147483647, description: "TTL of the plain records (aliases take their target's)." }),
      60,
    ),
    primary: memberSchema('primary', {
      id: '12345',
      record: '12345.hello-localstack.com',
      target: '12345.execute-api.localhost.localstack.cloud',
    }),
    secondary: memberSchema('secondary', {
      id: '67890',
      record: '67890.hello-localstack.com',
      target: '67890.execute-api.localhost.localstack.cloud',
    }),
  },
  { additionalProperties: false },
);

const upsertOutputs = Type.Object({
  changeIds: Type.Array(Type.String(), { description: 'Route 53 change ids of the two batches.' }),
  name: Type.String({ description: 'The failover name.' }),
  primaryRecordName: Type.String({ description: 'The primary alias target.' }),
  secondaryRecordName: Type.String({ description: 'The secondary alias target.' }),
  /** What the four record sets were before the step (absent = did not exist), for the rollback. */
  previous: Type.Array(Type.Unsafe<ResourceRecordSet>({ type: 'object' }), { description: 'Record sets replaced by the step.' }),
});

type UpsertFailoverRecordsParams = StepParams<typeof upsertParams>;
type UpsertFailoverRecordsOutputs = Static<typeof upsertOutputs>;
type FailoverMember = UpsertFailoverRecordsParams['primary'];

/**
 * The tutorial's two change batches, as UPSERTs so that a retried attempt is harmless:
 * 1. plain records `12345.hello-localstack.com → 12345.execute-api…` and `67890… → 67890…` (TTL 60);
 * 2. the failover pair on `test.hello-localstack.com`: aliases (HostedZoneId = this zone,
 *    EvaluateTargetHealth true) to those records, PRIMARY with the health check, SECONDARY.
 * The record sets found before are kept in the outputs; the rollback puts them back (UPSERT)
 * and deletes those that did not exist. A rollback without outputs (the step died mid-way)
 * cannot know the old values and deletes the four record sets if they are still the ones this
 * step writes.
 */
export default defineStep({
  type: 'upsertFailoverRecords',
  effects: (p) => [
    {
      action: 'change',
      resource: `Route 53 ${p.type} ${p.primary.recordName}, ${p.secondary.recordName} and failover pair ${p.name} in zone ${p.zoneId}`,
      detail: `PRIMARY ${p.primary.setIdentifier} → ${p.primary.recordName}${p.primary.healthCheckId ? ' (health-checked)' : ''}, SECONDARY ${p.secondary.setIdentifier} → ${p.secondary.recordName} (rollback restores what was there)`,
    },
  ],
  description:
    'Write a PRIMARY/SECONDARY failover alias pair (and the records they point at) in a Route 53 zone. Rollback restores what was there.',
  params: upsertParams,
  outputs: upsertOutputs,
  async run(params, ctx) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const zoneId = bareZoneId(params.zoneId);
    const existing = await listRecordSets(route53, zoneId, ctx.signal);
    // A record set that already is what this step writes is not "previous": on a retried attempt
    // it is this step's own earlier write (attempt 1 applied a batch, then failed), and the
    // rollback must delete it, not restore it.
    const written = desiredBatches(params, zoneId).flat();
    const previous = existing.filter((set) => written.some((wanted) => matchesKey(set, keyOf(wanted)) && !sameAsWritten(set, wanted)));
    const changeIds: string[] = [];
    for (const batch of desiredBatches(params, zoneId)) {
      const result = await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Comment: 'failover-engine upsertFailoverRecords',
            Changes: batch.map((set) => ({ Action: 'UPSERT', ResourceRecordSet: set })),
          },
        }),
        { abortSignal: ctx.signal },
      );
      changeIds.push(bareChangeId(result.ChangeInfo?.Id ?? ''));
    }
    return {
      changeIds,
      name: params.name,
      primaryRecordName: params.primary.recordName,
      secondaryRecordName: params.secondary.recordName,
      previous,
    };
  },
  async rollback(params, ctx, outputs) {
    const route53 = ctx.target.client(Route53Client, ROUTE53_REGION);
    const zoneId = bareZoneId(params.zoneId);
    const current = await recordSetsIfZone(route53, zoneId, ctx.signal);
    if (!current) return;
    const desired = desiredBatches(params, zoneId);
    // Undo in reverse: the alias pair first, then the records it points at.
    for (const batch of [...desired].reverse()) {
      const changes = batch.flatMap((wanted) => undoChange(wanted, current, outputs, ctx));
      if (changes.length === 0) continue;
      await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Comment: 'failover-engine rollback', Changes: changes },
        }),
        { abortSignal: ctx.signal },
      );
    }
  },
});

/** The two batches: plain records, then the alias pair. */
function desiredBatches(params: UpsertFailoverRecordsParams, zoneId: string): ResourceRecordSet[][] {
  const type: RRType = params.type;
  const plain = (member: FailoverMember): ResourceRecordSet => ({
    Name: member.recordName,
    Type: type,
    TTL: params.ttl,
    ResourceRecords: [{ Value: member.target }],
  });
  const alias = (member: FailoverMember, failover: 'PRIMARY' | 'SECONDARY'): ResourceRecordSet => ({
    Name: params.name,
    Type: type,
    SetIdentifier: member.setIdentifier,
    AliasTarget: { HostedZoneId: zoneId, DNSName: member.recordName, EvaluateTargetHealth: true },
    ...(member.healthCheckId ? { HealthCheckId: member.healthCheckId } : {}),
    Failover: failover,
  });
  return [
    [plain(params.primary), plain(params.secondary)],
    [alias(params.primary, 'PRIMARY'), alias(params.secondary, 'SECONDARY')],
  ];
}

function keyOf(set: ResourceRecordSet): RecordKey {
  return { name: set.Name ?? '', type: set.Type ?? '', setIdentifier: set.SetIdentifier };
}

/**
 * The change that undoes one written record set: UPSERT the previous value back, or DELETE the
 * current one (exactly as Route 53 lists it, since DELETE must match) when there was none.
 */
function undoChange(
  wanted: ResourceRecordSet,
  current: ResourceRecordSet[],
  outputs: UpsertFailoverRecordsOutputs | undefined,
  ctx: StepContext,
): Change[] {
  const key = keyOf(wanted);
  const now = current.find((set) => matchesKey(set, key));
  const before = outputs?.previous.find((set) => matchesKey(set, key));
  if (before) return [{ Action: 'UPSERT', ResourceRecordSet: before }];
  if (!now) return [];
  if (!outputs && !sameRecord(now, wanted)) {
    ctx.log.warn(
      `upsertFailoverRecords rollback: ${key.name} ${key.type} ${key.setIdentifier ?? ''} is not what this step writes; left in place`,
    );
    return [];
  }
  return [{ Action: 'DELETE', ResourceRecordSet: now }];
}

/** {@link sameRecord} plus TTL, failover role and health check: the set is exactly what this step writes. */
function sameAsWritten(existing: ResourceRecordSet, wanted: ResourceRecordSet): boolean {
  if (!sameRecord(existing, wanted)) return false;
  if (!wanted.AliasTarget && existing.TTL !== wanted.TTL) return false;
  return (existing.Failover ?? '') === (wanted.Failover ?? '') && (existing.HealthCheckId ?? '') === (wanted.HealthCheckId ?? '');
}

function sameRecord(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/\.$/, '');
  if (a.AliasTarget || b.AliasTarget) return norm(a.AliasTarget?.DNSName) === norm(b.AliasTarget?.DNSName);
  const values = (s: ResourceRecordSet) =>
    (s.ResourceRecords ?? [])
      .map((r) => norm(r.Value))
      .sort()
      .join(',');
  return values(a) === values(b);
}
