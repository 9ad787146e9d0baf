import { getServers } from 'node:dns';
import { normalizeName, stubQuery } from '../../steps/support/dnsStub.ts';
import { asWork } from '../../steps/support/targetDns.ts';
import type { Target } from '../types.ts';

/**
 * CNAME resolution with TTLs, as a client's stub resolver sees it. Node's resolver does not
 * report a CNAME's TTL, and a client cache needs it: queries go to the target's DNS server
 * (the emulator's or LocalStack's; the system's first resolver on real AWS) with the steps'
 * stub client (steps/support/dnsStub.ts), one CNAME query per hop as the tutorial's
 * dns-resolver.py does.
 */
export interface ChainAnswer {
  /** The last name of the CNAME chain (lowercase, no trailing dot). */
  host: string;
  chain: string[];
  /** Smallest TTL along the chain, in seconds; undefined when the name has no CNAME. */
  ttl?: number;
  /** `NOERROR`, or why nothing came back (`NXDOMAIN`, `REFUSED`, `TIMEOUT`, ...). */
  status: string;
}

/** A host's address as a client's stub resolver sees it: the A record, else the AAAA, with its TTL. */
export interface AddressAnswer {
  address?: string;
  family?: 4 | 6;
  /** The record's TTL, in seconds. */
  ttl?: number;
  /** `NOERROR`, `NODATA` (the name has no address), or why nothing came back. */
  status: string;
}

const MAX_HOPS = 8;

/** The target's DNS server; the system's first resolver on real AWS. */
const serverOf = (target: Target) => target.dns ?? { host: getServers()[0] ?? '127.0.0.1', port: 53 };

export async function resolveChain(target: Target, name: string): Promise<ChainAnswer> {
  const server = serverOf(target);
  const start = normalizeName(name);
  const chain: string[] = [];
  let host = start;
  let ttl: number | undefined;
  const answer = (status: string): ChainAnswer => ({ host, chain, ...(ttl === undefined ? {} : { ttl }), status });
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const asked = host;
    // A query in flight is work: AWS time waits for the answer (see asWork).
    const reply = await asWork(target, () => stubQuery(server, asked, 'CNAME'));
    if (reply.status !== 'NOERROR') return answer(reply.status);
    const record = reply.answers.find((a) => a.name === host && a.type === 'CNAME');
    const next = record?.value;
    if (!next || next === host || chain.includes(next)) break;
    ttl = Math.min(ttl ?? Infinity, record!.ttl);
    chain.push(next);
    host = next;
  }
  return answer('NOERROR');
}

/** Resolves `host` (the end of a CNAME chain) to an address through the target's DNS: A, then AAAA. */
export async function resolveAddress(target: Target, host: string): Promise<AddressAnswer> {
  const server = serverOf(target);
  const name = normalizeName(host);
  for (const [type, family] of [
    ['A', 4],
    ['AAAA', 6],
  ] as const) {
    const reply = await asWork(target, () => stubQuery(server, name, type));
    if (reply.status !== 'NOERROR') return { status: reply.status };
    const record = reply.answers.find((a) => a.name === name && a.type === type);
    if (record) return { address: record.value, family, ttl: record.ttl, status: 'NOERROR' };
  }
  return { status: 'NODATA' };
}
