import { ServiceError } from '../protocol/ServiceError.ts';
import type { EmulatorRuntime, Operation } from '../types.ts';
import type { QueryType, Resolution } from './resolve.ts';
import type { DnsRecord } from '../dns/records.ts';
import { applyChanges, parseChanges } from './changeBatch.ts';
import { maxItems } from './input.ts';
import { isValidDnsName, normalizeName, reversedName } from './names.ts';
import { changeInfoXml, recordSetXml } from './render.ts';
import type { Route53Store } from './store.ts';
import { RECORD_TYPES, type RecordSet } from './types.ts';
import { getZone, recordChange } from './zoneOperations.ts';

/**
 * Record sets: ChangeResourceRecordSets (atomic batches, see changeBatch.ts),
 * ListResourceRecordSets (AWS's order: name with labels reversed, then type, then set
 * identifier; `name`/`type`/`identifier` start the page, `maxitems` defaults to 300) and
 * TestDNSAnswer (what our DNS server would answer).
 */
export function recordOperations(
  store: Route53Store,
  runtime: EmulatorRuntime,
  resolve: (name: string, type: QueryType) => Resolution,
): Operation[] {
  return [
    {
      name: 'ChangeResourceRecordSets',
      // `/rrset` from SDK v3, `/rrset/` from botocore: the template tolerates both.
      http: { method: 'POST', path: '/2013-04-01/hostedzone/{Id}/rrset', listTags: ['Change', 'ResourceRecord'] },
      handler(input) {
        const zone = getZone(store, input['Id']);
        const { changes, comment } = parseChanges(input['ChangeBatch']);
        const records = applyChanges(store, zone, changes);
        store.replaceRecords(zone, records);
        return { ChangeInfo: changeInfoXml(recordChange(store, runtime, comment), runtime.clock.now()) };
      },
    },
    {
      name: 'ListResourceRecordSets',
      http: {
        method: 'GET',
        path: '/2013-04-01/hostedzone/{Id}/rrset',
        query: { name: 'StartRecordName', type: 'StartRecordType', identifier: 'StartRecordIdentifier', maxitems: 'MaxItems' },
      },
      handler(input: {
        Id: string;
        StartRecordName?: string;
        StartRecordType?: string;
        StartRecordIdentifier?: string;
        MaxItems?: string;
      }) {
        const zone = getZone(store, input.Id);
        const limit = maxItems(input.MaxItems, 300);
        const name = input.StartRecordName;
        const type = input.StartRecordType;
        const identifier = input.StartRecordIdentifier;
        if (type && !name) throw new ServiceError('InvalidInput', 'The input is not valid: type requires name');
        if (identifier && !type) throw new ServiceError('InvalidInput', 'The input is not valid: identifier requires name and type');
        if (type && !(RECORD_TYPES as readonly string[]).includes(type)) throw new ServiceError('InvalidInput', `Invalid type: ${type}`);
        if (name && !isValidDnsName(name, true)) throw new ServiceError('InvalidInput', `Invalid name: ${name}`);

        const sorted = store.allRecords(zone).sort(compareRecords);
        let start = 0;
        if (name) {
          const from: RecordSet = {
            Name: normalizeName(name),
            Type: (type ?? '') as RecordSet['Type'],
            SetIdentifier: identifier ?? undefined,
          };
          start = sorted.findIndex((r) => compareRecords(r, from) >= 0);
          if (start < 0) start = sorted.length;
        }
        const page = sorted.slice(start, start + limit);
        const next = sorted[start + limit];
        return {
          ResourceRecordSets: { ResourceRecordSet: page.map(recordSetXml) },
          IsTruncated: next !== undefined,
          NextRecordName: next ? recordSetXml(next)['Name'] : undefined,
          NextRecordType: next?.Type,
          NextRecordIdentifier: next?.SetIdentifier,
          MaxItems: limit,
        };
      },
    },
    {
      name: 'TestDNSAnswer',
      http: {
        method: 'GET',
        path: '/2013-04-01/testdnsanswer',
        query: { hostedzoneid: 'HostedZoneId', recordname: 'RecordName', recordtype: 'RecordType' },
      },
      handler(input: { HostedZoneId?: string; RecordName?: string; RecordType?: string }) {
        const zone = getZone(store, input.HostedZoneId ?? '');
        const recordName = normalizeName(input.RecordName ?? '');
        const recordType = input.RecordType ?? '';
        if (!(RECORD_TYPES as readonly string[]).includes(recordType))
          throw new ServiceError('InvalidInput', `Invalid type: ${recordType}`);
        if (recordName !== zone.name && !recordName.endsWith(`.${zone.name}`)) {
          throw new ServiceError('InvalidInput', `The record name ${recordName} is not in hosted zone ${zone.name}`);
        }
        const r = resolve(recordName, recordType as QueryType);
        return {
          Nameserver: 'ns-2048.awsdns-64.com',
          RecordName: recordName,
          RecordType: recordType,
          RecordData: { RecordDataEntry: r.answers.filter((a) => a.type === recordType).map(presentation) },
          ResponseCode: r.rcode,
          Protocol: 'UDP',
        };
      },
    },
  ];
}

/** AWS's listing order: reversed-label name, then type, then set identifier. */
export function compareRecords(a: RecordSet, b: RecordSet): number {
  const ka = reversedName(a.Name);
  const kb = reversedName(b.Name);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.Type !== b.Type) return a.Type < b.Type ? -1 : 1;
  const sa = a.SetIdentifier ?? '';
  const sb = b.SetIdentifier ?? '';
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

function presentation(r: DnsRecord): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.address;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return r.target;
    case 'MX':
      return `${r.priority} ${r.exchange}`;
    case 'TXT':
    case 'SPF':
      return r.strings.map((s) => JSON.stringify(s)).join(' ');
    case 'SRV':
      return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
    case 'CAA':
      return `${r.flags} ${r.tag} "${r.value}"`;
    case 'SOA':
      return `${r.primary} ${r.admin} ${r.serial} ${r.refresh} ${r.retry} ${r.expiration} ${r.minimum}`;
  }
}
