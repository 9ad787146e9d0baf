import { ServiceError } from '../protocol/ServiceError.ts';
import type { EmulatorRuntime, Operation } from '../types.ts';
import { MARKER_QUERY, markerPage, maxItems, obj, required, str } from './input.ts';
import { bareId, isValidDnsName, normalizeName, randomId, reversedName } from './names.ts';
import { changeInfoXml, delegationSetXml, hostedZoneXml } from './render.ts';
import type { Route53Store } from './store.ts';
import type { ChangeRecord, HostedZone } from './types.ts';

/**
 * Hosted zones and changes. A new zone gets the default NS and SOA record sets
 * (ResourceRecordSetCount 2): AWS's SOA values, name servers of AWS's form
 * (docs/fidelity/route53.md, "Hosted zones and their default records"). A caller reference can
 * never be reused, even after the zone is deleted: HostedZoneAlreadyExists 409.
 */

export const NAME_SERVERS = ['ns-2048.awsdns-64.com', 'ns-2049.awsdns-65.net', 'ns-2050.awsdns-66.org', 'ns-2051.awsdns-67.co.uk'];
/** AWS's SOA for a new zone: primary `ns-2048.awsdns-64.net.`, AWS's hostmaster, 900 s TTL. */
export const DEFAULT_SOA = 'ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400';
export const NS_TTL = 172800;
export const SOA_TTL = 900;
/** CallerReference's length bound in the model. */
const MAX_CALLER_REFERENCE = 128;
const ROUTE53_URL = 'https://route53.amazonaws.com/2013-04-01';

export function noSuchHostedZone(id: string): ServiceError {
  return new ServiceError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, { status: 404 });
}

/**
 * AWS's answer for a VPC that does not exist in the given region or that the account may not
 * use (docs/fidelity/route53.md).
 */
function invalidVpcId(vpc: Record<string, unknown>): ServiceError {
  const id = str(vpc['VPCId']) ?? '';
  const region = str(vpc['VPCRegion']) ?? '';
  return new ServiceError('InvalidVPCId', `The VPC ${id} in region ${region} that you provided is not authorized to make the association.`);
}

export function getZone(store: Route53Store, rawId: unknown): HostedZone {
  const id = bareId(str(rawId) ?? '');
  const zone = store.zones.get(id);
  if (!zone) throw noSuchHostedZone(id);
  return zone;
}

/** Records a change for GetChange: PENDING until CHANGE_PROPAGATION_MS of emulated time pass. */
export function recordChange(store: Route53Store, runtime: EmulatorRuntime, comment?: string): ChangeRecord {
  const change: ChangeRecord = { id: randomId('C', 20), submittedAt: runtime.clock.now(), comment };
  store.changes.set(change.id, change);
  return change;
}

export function zoneOperations(store: Route53Store, runtime: EmulatorRuntime): Operation[] {
  return [
    {
      name: 'CreateHostedZone',
      http: { method: 'POST', path: '/2013-04-01/hostedzone', status: 201, output: { headers: { location: 'Location' } } },
      handler(input) {
        const rawName = required(input['Name'], 'name');
        const callerReference = required(input['CallerReference'], 'callerReference');
        if (callerReference.length > MAX_CALLER_REFERENCE) {
          throw new ServiceError(
            'InvalidInput',
            `1 validation error detected: Value '${callerReference}' at 'callerReference' failed to satisfy constraint: Member must have length less than or equal to ${MAX_CALLER_REFERENCE}`,
          );
        }
        if (!isValidDnsName(rawName, false)) {
          throw new ServiceError('InvalidDomainName', `${rawName} is not a valid domain name.`);
        }
        if (store.zoneCallerReferences.has(callerReference)) {
          throw new ServiceError('HostedZoneAlreadyExists', 'A hosted zone has already been created with the specified caller reference.', {
            status: 409,
          });
        }
        const config = obj(input['HostedZoneConfig']);
        const vpc = obj(input['VPC']);
        // The emulator has no VPCs, so every VPC is one this account cannot associate.
        if (vpc) throw invalidVpcId(vpc);
        const name = normalizeName(rawName);
        let id = randomId('Z', 19);
        while (store.zones.has(id)) id = randomId('Z', 19);
        const zone: HostedZone = {
          id,
          name,
          callerReference,
          comment: str(config?.['Comment']),
          // Only a VPC makes a zone private; HostedZoneConfig.PrivateZone in a request does
          // not (docs/fidelity/route53.md), and every VPC is refused above.
          privateZone: false,
          vpcs: [],
          nameServers: NAME_SERVERS,
          records: new Map(),
          nonTerminals: new Set(),
        };
        store.replaceRecords(zone, [
          { Name: name, Type: 'NS', TTL: NS_TTL, ResourceRecords: NAME_SERVERS.map((ns) => `${ns}.`) },
          { Name: name, Type: 'SOA', TTL: SOA_TTL, ResourceRecords: [DEFAULT_SOA] },
        ]);
        store.zones.set(id, zone);
        store.zoneCallerReferences.add(callerReference);
        const change = recordChange(store, runtime);
        return {
          Location: `${ROUTE53_URL}/hostedzone/${id}`,
          HostedZone: hostedZoneXml(zone),
          ChangeInfo: changeInfoXml(change, runtime.clock.now()),
          DelegationSet: zone.privateZone ? undefined : delegationSetXml(zone),
        };
      },
    },
    {
      name: 'GetHostedZone',
      http: { method: 'GET', path: '/2013-04-01/hostedzone/{Id}' },
      handler(input) {
        const zone = getZone(store, input['Id']);
        return {
          HostedZone: hostedZoneXml(zone),
          DelegationSet: zone.privateZone ? undefined : delegationSetXml(zone),
          VPCs: zone.privateZone ? { VPC: zone.vpcs } : undefined,
        };
      },
    },
    {
      name: 'DeleteHostedZone',
      http: { method: 'DELETE', path: '/2013-04-01/hostedzone/{Id}' },
      handler(input) {
        const zone = getZone(store, input['Id']);
        const extra = store.allRecords(zone).some((r) => !(r.Name === zone.name && (r.Type === 'SOA' || r.Type === 'NS')));
        if (extra) {
          throw new ServiceError('HostedZoneNotEmpty', 'The hosted zone contains resource records that are not SOA or NS records.');
        }
        store.zones.delete(zone.id);
        return { ChangeInfo: changeInfoXml(recordChange(store, runtime), runtime.clock.now()) };
      },
    },
    {
      name: 'ListHostedZones',
      http: { method: 'GET', path: '/2013-04-01/hostedzone', query: { ...MARKER_QUERY, hostedzonetype: 'HostedZoneType' } },
      handler(input: { Marker?: string; MaxItems?: string; HostedZoneType?: string }) {
        const type = input.HostedZoneType;
        let zones = [...store.zones.values()];
        if (type === 'PrivateHostedZone') zones = zones.filter((z) => z.privateZone);
        const { page, next, marker, limit } = markerPage(zones, (z) => z.id, input, bareId);
        return {
          HostedZones: { HostedZone: page.map(hostedZoneXml) },
          Marker: marker ?? undefined,
          IsTruncated: next !== undefined,
          NextMarker: next?.id,
          MaxItems: limit,
        };
      },
    },
    {
      name: 'ListHostedZonesByName',
      http: {
        method: 'GET',
        path: '/2013-04-01/hostedzonesbyname',
        query: { dnsname: 'DNSName', hostedzoneid: 'HostedZoneId', maxitems: 'MaxItems' },
      },
      handler(input: { DNSName?: string; HostedZoneId?: string; MaxItems?: string }) {
        const limit = maxItems(input.MaxItems, 100);
        const dnsName = input.DNSName;
        const zoneId = input.HostedZoneId;
        if (zoneId && !dnsName) {
          throw new ServiceError('InvalidInput', 'The hosted zone ID can only be specified when the DNS name is specified.');
        }
        if (dnsName && !isValidDnsName(dnsName, false))
          throw new ServiceError('InvalidDomainName', `${dnsName} is not a valid domain name.`);
        // Sorted by name with the labels reversed, then by id (ListHostedZonesByName docs).
        const key = (z: { name: string; id: string }) => `${reversedName(z.name)}\u0000${z.id}`;
        const zones = [...store.zones.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        let start = 0;
        if (dnsName) {
          const from = key({ name: normalizeName(dnsName), id: zoneId ? bareId(zoneId) : '' });
          start = zones.findIndex((z) => key(z) >= from);
          if (start < 0) start = zones.length;
        }
        const page = zones.slice(start, start + limit);
        const next = zones[start + limit];
        return {
          HostedZones: { HostedZone: page.map(hostedZoneXml) },
          DNSName: dnsName ?? undefined,
          HostedZoneId: zoneId ?? undefined,
          IsTruncated: next !== undefined,
          NextDNSName: next?.name,
          NextHostedZoneId: next?.id,
          MaxItems: limit,
        };
      },
    },
    {
      name: 'GetHostedZoneCount',
      http: { method: 'GET', path: '/2013-04-01/hostedzonecount' },
      handler: () => ({ HostedZoneCount: store.zones.size }),
    },
    {
      name: 'GetChange',
      http: { method: 'GET', path: '/2013-04-01/change/{Id}' },
      handler(input) {
        const id = bareId(str(input['Id']) ?? '');
        const change = store.changes.get(id);
        if (!change) throw new ServiceError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, { status: 404 });
        return { ChangeInfo: changeInfoXml(change, runtime.clock.now()) };
      },
    },
  ];
}
