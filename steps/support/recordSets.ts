import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import type { StepContext } from '../../engine/types.ts';
import { isNotFound } from './awsErrors.ts';
import { normalizeName } from './targetDns.ts';

/** Every record set of a zone, following ListResourceRecordSets' pagination. */
export async function listRecordSets(route53: Route53Client, zoneId: string, signal: AbortSignal): Promise<ResourceRecordSet[]> {
  const sets: ResourceRecordSet[] = [];
  let start: { name?: string; type?: RRType; id?: string } = {};
  for (;;) {
    const page: ListResourceRecordSetsCommandOutput = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: start.name,
        StartRecordType: start.type,
        StartRecordIdentifier: start.id,
      }),
      { abortSignal: signal },
    );
    sets.push(...(page.ResourceRecordSets ?? []));
    if (!page.IsTruncated) return sets;
    start = { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier };
  }
}

/**
 * What a record step's rollback restores against: the zone's record sets now, or undefined when
 * the zone itself is gone (its records went with it: nothing to restore).
 */
export async function recordSetsIfZone(
  route53: Route53Client,
  zoneId: string,
  signal: AbortSignal,
): Promise<ResourceRecordSet[] | undefined> {
  try {
    return await listRecordSets(route53, zoneId, signal);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Identity of a record set within a zone: name, type and set identifier. */
export interface RecordKey {
  name: string;
  type: string;
  setIdentifier?: string;
}

/** Whether `set` is the record identified by `key` (names compared case- and dot-insensitively). */
export function matchesKey(set: ResourceRecordSet, key: RecordKey): boolean {
  return (
    normalizeName(set.Name ?? '') === normalizeName(key.name) &&
    set.Type === key.type &&
    (set.SetIdentifier ?? undefined) === (key.setIdentifier ?? undefined)
  );
}

/** Deletes every record set except the zone apex's SOA and NS (Route 53 refuses to delete those). */
export async function deleteRecords(route53: Route53Client, zoneId: string, ctx: StepContext): Promise<void> {
  const zone = await route53.send(new GetHostedZoneCommand({ Id: zoneId }), { abortSignal: ctx.signal });
  const apex = normalizeName(zone.HostedZone?.Name ?? '');
  const doomed = (await listRecordSets(route53, zoneId, ctx.signal)).filter(
    (set) => !(normalizeName(set.Name ?? '') === apex && (set.Type === 'SOA' || set.Type === 'NS')),
  );
  // Aliases first: a record another alias points at is deleted after the alias.
  doomed.sort((a, b) => Number(Boolean(b.AliasTarget)) - Number(Boolean(a.AliasTarget)));
  if (doomed.length === 0) return;
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Comment: 'failover-engine rollback', Changes: doomed.map((set) => ({ Action: 'DELETE', ResourceRecordSet: set })) },
    }),
    { abortSignal: ctx.signal },
  );
}
