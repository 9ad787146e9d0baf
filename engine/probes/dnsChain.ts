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

const MAX_HOPS = 8;

export async function resolveChain(target: Target, name: string): Promise<ChainAnswer> {
  const server = target.dns ?? { host: getServers()[0] ?? '127.0.0.1', port: 53 };
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
