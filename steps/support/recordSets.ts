import {
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
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
