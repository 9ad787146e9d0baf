import type { DnsRecord } from './records.ts';

/**
 * What the DNS server needs from whoever owns the zones: an answer function. The server
 * encodes it and knows nothing of Route 53 (which provides the function).
 */

/** The record types an answer can carry (those Route 53 can store). */
export const RECORD_TYPES = [
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Query types known by name; anything else is `TYPE<n>` and gets NODATA. */
export type QueryType = RecordType | 'ANY' | `TYPE${number}`;

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

export interface Resolution {
  rcode: Rcode;
  authoritative: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

/** Answers one question; must not throw for names it does not serve (REFUSED instead). */
export type Answerer = (name: string, type: QueryType) => Resolution;
