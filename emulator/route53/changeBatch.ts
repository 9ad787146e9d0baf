import { isIPv4, isIPv6 } from 'node:net';
import { ServiceError } from '../protocol/ServiceError.ts';
import { enumError, int, list, obj, str, bool } from './input.ts';
import { bareId, displayName, isInZone, isValidDnsName, normalizeName } from './names.ts';
import type { Route53Store } from './store.ts';
import { RECORD_TYPES, type HostedZone, type RecordSet, type RecordType } from './types.ts';

/**
 * ChangeResourceRecordSets as Route 53 runs it: the batch is transactional — every change is
 * validated against the zone as the earlier changes of the same batch leave it, and only if
 * all pass is the result committed (moto can half-apply a batch; we do not). Errors come in
 * AWS's order: schema problems (InvalidInput) first, then unknown health checks
 * (NoSuchHealthCheck), then every semantic problem at once in one InvalidChangeBatch whose
 * message is `[m1, m2]` (docs/fidelity/route53.md, "Change batches").
 */

export const ACTIONS = ['CREATE', 'DELETE', 'UPSERT'] as const;
export type ChangeAction = (typeof ACTIONS)[number];

export interface Change {
  action: ChangeAction;
  record: RecordSet;
  /** What the request held, for InvalidInput messages. */
  raw: { name: string; hasTtl: boolean; hasRecords: boolean; hasAlias: boolean; hasTrafficPolicy: boolean };
}

const ROUTING_FIELDS = [
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'CidrRoutingConfig',
  'GeoProximityLocation',
] as const;
const MAX_RECORDS_PER_BATCH = 1000;

/** Parses and schema-checks `ChangeBatch.Changes`; the first problem throws InvalidInput. */
export function parseChanges(changeBatch: unknown): { changes: Change[]; comment?: string } {
  const batch = obj(changeBatch);
  const items = list(batch?.['Changes'], 'Change');
  if (items.length === 0) {
    throw new ServiceError(
      'InvalidInput',
      `Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Changes' is not complete. One of '{"https://route53.amazonaws.com/doc/2013-04-01/":Change}' is expected.`,
    );
  }
  return { changes: items.map(parseChange), comment: str(batch?.['Comment']) };
}

function parseChange(item: unknown): Change {
  const change = obj(item) ?? {};
  const action = str(change['Action']) ?? '';
  if (!(ACTIONS as readonly string[]).includes(action)) throw enumError(action, ACTIONS);
  const rrs = obj(change['ResourceRecordSet']) ?? {};
  const rawName = str(rrs['Name']) ?? '';
  const type = str(rrs['Type']) ?? '';
  if (!(RECORD_TYPES as readonly string[]).includes(type)) throw enumError(type, RECORD_TYPES);
  if (!rawName || !isValidDnsName(rawName, true)) {
    throw new ServiceError(
      'InvalidInput',
      `Invalid request: Invalid DNS name '${rawName}' in Change with [Action=${action}, Type=${type}]`,
    );
  }
  const name = normalizeName(rawName);
  const setIdentifier = str(rrs['SetIdentifier']);
  const describe = `Change with [Action=${action}, Name=${name}, Type=${type}, SetIdentifier=${setIdentifier ?? 'null'}]`;

  const alias = obj(rrs['AliasTarget']);
  const values = list(rrs['ResourceRecords'], 'ResourceRecord').map((r) => str(obj(r)?.['Value']) ?? '');
  const raw = {
    name,
    hasTtl: str(rrs['TTL']) !== undefined,
    hasRecords: rrs['ResourceRecords'] !== undefined,
    hasAlias: alias !== undefined,
    hasTrafficPolicy: str(rrs['TrafficPolicyInstanceId']) !== undefined,
  };
  checkOneShape(raw, describe);
  checkRouting(rrs, setIdentifier, describe);
  const failover = str(rrs['Failover']);
  if (failover !== undefined && failover !== 'PRIMARY' && failover !== 'SECONDARY') throw enumError(failover, ['PRIMARY', 'SECONDARY']);
  const ttl = int(rrs['TTL'], 'TTL');
  if (ttl !== undefined && (ttl < 0 || ttl > 2147483647)) {
    throw new ServiceError(
      'InvalidInput',
      `Invalid XML ; cvc-maxInclusive-valid: Value '${ttl}' is not facet-valid with respect to maxInclusive '2147483647' for type 'TTL'.`,
    );
  }
  if (alias && (!str(alias['HostedZoneId']) || !str(alias['DNSName']))) {
    throw new ServiceError('InvalidInput', `Invalid request: AliasTarget needs HostedZoneId and DNSName in ${describe}`);
  }
  const geo = obj(rrs['GeoLocation']);
  const record: RecordSet = {
    Name: name,
    Type: type as RecordType,
    SetIdentifier: setIdentifier,
    Weight: int(rrs['Weight'], 'Weight'),
    Region: str(rrs['Region']),
    GeoLocation: geo
      ? { ContinentCode: str(geo['ContinentCode']), CountryCode: str(geo['CountryCode']), SubdivisionCode: str(geo['SubdivisionCode']) }
      : undefined,
    Failover: failover as RecordSet['Failover'],
    MultiValueAnswer: bool(rrs['MultiValueAnswer']),
    TTL: ttl,
    ResourceRecords: raw.hasRecords ? values : undefined,
    AliasTarget: alias
      ? {
          HostedZoneId: bareId(str(alias['HostedZoneId'])!),
          DNSName: normalizeName(str(alias['DNSName'])!),
          EvaluateTargetHealth: bool(alias['EvaluateTargetHealth']) ?? false,
        }
      : undefined,
    HealthCheckId: str(rrs['HealthCheckId']) || undefined,
  };
  return { action: action as ChangeAction, record: stripUndefined(record), raw };
}

/** A record set is exactly one of: an alias, TTL with values, or a traffic policy instance. */
function checkOneShape(raw: Change['raw'], describe: string): void {
  const shapes = (raw.hasAlias ? 1 : 0) + (raw.hasTtl && raw.hasRecords ? 1 : 0) + (raw.hasTrafficPolicy ? 1 : 0);
  if (shapes !== 1 || (raw.hasAlias && (raw.hasTtl || raw.hasRecords))) {
    const found = shapes === 0 && !(raw.hasAlias && (raw.hasTtl || raw.hasRecords)) ? 'none' : 'more than one';
    throw new ServiceError(
      'InvalidInput',
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${found} in ${describe}`,
    );
  }
}

/** A routing policy needs a SetIdentifier, and a SetIdentifier exactly one routing policy. */
function checkRouting(rrs: Record<string, unknown>, setIdentifier: string | undefined, describe: string): void {
  const routing = ROUTING_FIELDS.filter((f) => rrs[f] !== undefined);
  if (routing.length > 0 && setIdentifier === undefined) {
    throw new ServiceError('InvalidInput', `Invalid request: Missing field 'SetIdentifier' in ${describe}`);
  }
  if (setIdentifier !== undefined && routing.length !== 1) {
    throw new ServiceError(
      'InvalidInput',
      `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, or MultiValueAnswer], but found ${routing.length === 0 ? 'none' : 'more than one'} in ${describe}`,
    );
  }
}

/**
 * Validates a parsed batch against the zone and returns the zone's records as they will be
 * after it. Throws NoSuchHealthCheck or one InvalidChangeBatch carrying every problem.
 */
export function applyChanges(store: Route53Store, zone: HostedZone, changes: Change[]): RecordSet[] {
  for (const { action, record } of changes) {
    if (action !== 'DELETE' && record.HealthCheckId && !store.healthChecks.has(record.HealthCheckId)) {
      throw new ServiceError('NoSuchHealthCheck', `No health check exists with the specified ID ${record.HealthCheckId}`, { status: 404 });
    }
  }
  const recordCount = changes.reduce((n, c) => n + (c.record.ResourceRecords?.length ?? 0) * (c.action === 'UPSERT' ? 2 : 1), 0);
  if (recordCount > MAX_RECORDS_PER_BATCH) {
    throw new ServiceError('InvalidChangeBatch', `[Number of records limit of ${MAX_RECORDS_PER_BATCH} exceeded.]`);
  }

  const working = store.allRecords(zone);
  const messages: string[] = [];
  for (const change of changes) {
    const problem = validate(store, zone, working, change);
    if (problem) {
      messages.push(problem);
      continue;
    }
    const at = working.findIndex((r) => sameKey(r, change.record));
    if (change.action === 'DELETE') working.splice(at, 1);
    else if (at >= 0) working[at] = change.record;
    else working.push(change.record);
  }
  if (messages.length > 0) throw new ServiceError('InvalidChangeBatch', `[${messages.join(', ')}]`);
  return working;
}

function validate(store: Route53Store, zone: HostedZone, working: RecordSet[], { action, record }: Change): string | undefined {
  const { Name: name, Type: type } = record;
  if (!isInZone(name, zone.name)) return `RRSet with DNS name ${name} is not permitted in zone ${zone.name}`;
  const key = `[name='${displayName(name)}', type='${type}'${record.SetIdentifier !== undefined ? `, set-identifier='${record.SetIdentifier}'` : ''}]`;
  const existing = working.find((r) => sameKey(r, record));

  if (action === 'DELETE') {
    if (!existing) return `Tried to delete resource record set ${key} but it was not found`;
    if (!sameValues(existing, record))
      return `Tried to delete resource record set ${key} but the values provided do not match the current values`;
    if (name === zone.name && type === 'SOA') return 'A HostedZone must contain exactly one SOA record.';
    if (name === zone.name && type === 'NS') return 'A HostedZone must contain at least one NS record for the zone itself.';
    return undefined;
  }

  if (action === 'CREATE' && existing) return `Tried to create resource record set ${key} but it already exists`;
  for (const value of record.ResourceRecords ?? []) {
    const bad = invalidValue(type, value);
    if (bad) return bad;
  }
  if (type === 'CNAME' && name === zone.name)
    return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone.name}`;
  if ((type === 'CNAME' || type === 'SOA') && (record.ResourceRecords?.length ?? 0) > 1) {
    return `RRSet of type ${type} with DNS name ${name} has more than one resource record`;
  }
  const atName = working.filter((r) => r.Name === name && !sameKey(r, record));
  if (type === 'CNAME' && atName.some((r) => r.Type !== 'CNAME')) {
    return `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`;
  }
  if (type !== 'CNAME' && atName.some((r) => r.Type === 'CNAME')) {
    // The double space before CNAME is AWS's (presslabs/zinc #178).
    return `RRSet of type ${type} with DNS name ${name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${zone.name}`;
  }
  const sameType = atName.filter((r) => r.Type === type);
  if (record.SetIdentifier !== undefined && sameType.some((r) => r.SetIdentifier === undefined)) {
    return `RRSet with DNS name ${name}, type ${type}, SetIdentifier ${record.SetIdentifier} cannot be created as a non-weighted set exists with the same name and type.`;
  }
  if (record.SetIdentifier === undefined && sameType.some((r) => r.SetIdentifier !== undefined)) {
    return `RRSet with DNS name ${name}, type ${type} cannot be created as other RRSets exist with the same name and type.`;
  }
  if (record.AliasTarget) {
    const alias = record.AliasTarget;
    const targetZone = alias.HostedZoneId === zone.id ? zone : store.zones.get(alias.HostedZoneId);
    // Aliases to AWS resources (ELB, CloudFront, ... zones) cannot be checked here; aliases
    // into our own zones must find a record of the same type, as Route 53 requires.
    if (targetZone) {
      const records = targetZone === zone ? working : store.allRecords(targetZone);
      if (!records.some((r) => r.Name === alias.DNSName && r.Type === type)) {
        return `Tried to create an alias that targets ${alias.DNSName}, type ${type} in zone ${alias.HostedZoneId}, but that target was not found`;
      }
    }
  }
  return undefined;
}

function invalidValue(type: RecordType, value: string): string | undefined {
  const v = value.trim();
  const fatal = (code: string, description: string) =>
    `Invalid Resource Record: 'FATAL problem: ${code} (${description}) encountered with '${value}''`;
  if (type === 'A' && !isIPv4(v)) return fatal('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address');
  if (type === 'AAAA' && !isIPv6(v)) return fatal('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address');
  if ((type === 'CNAME' || type === 'NS' || type === 'PTR') && (v === '' || /\.\./.test(v))) {
    return fatal('DomainLabelEmpty', 'Domain label is empty');
  }
  return undefined;
}

function sameKey(a: RecordSet, b: RecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && a.SetIdentifier === b.SetIdentifier;
}

/** DELETE must repeat the record exactly (values compared as sets, names without case or dot). */
function sameValues(stored: RecordSet, given: RecordSet): boolean {
  const norm = (r: RecordSet) =>
    JSON.stringify({
      ttl: r.TTL,
      values: (r.ResourceRecords ?? []).map((v) => valueKey(r.Type, v)).sort(),
      alias: r.AliasTarget,
      weight: r.Weight,
      region: r.Region,
      geo: r.GeoLocation,
      failover: r.Failover,
      multi: r.MultiValueAnswer ?? undefined,
      hc: r.HealthCheckId,
    });
  return norm(stored) === norm(given);
}

function valueKey(type: RecordType, value: string): string {
  const v = value.trim();
  return type === 'CNAME' || type === 'NS' || type === 'PTR' ? normalizeName(v) : v;
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
