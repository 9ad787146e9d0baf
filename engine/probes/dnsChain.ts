import { getServers } from 'node:dns';
import dns2 from 'dns2';
import { asWork } from '../../steps/support/targetDns.ts';
import type { Target } from '../types.ts';

/**
 * CNAME resolution with TTLs, as a client's stub resolver sees it. Node's resolver does not
 * report a CNAME's TTL, and a client cache needs it: queries go to the target's DNS server
 * (the emulator's or LocalStack's; the system's first resolver on real AWS) with a plain UDP
 * client, one CNAME query per hop as the tutorial's dns-resolver.py does.
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

const RCODES: Record<number, string> = { 0: 'NOERROR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };
const MAX_HOPS = 8;
/** Wall-time bound on one query: a lost datagram must not stall a probe (AWS time stands still meanwhile). */
const QUERY_TIMEOUT_MS = 1000;

export async function resolveChain(target: Target, name: string): Promise<ChainAnswer> {
  const server = target.dns ?? { host: getServers()[0] ?? '127.0.0.1', port: 53 };
  const query = dns2.UDPClient({ dns: server.host, port: server.port, timeout: QUERY_TIMEOUT_MS });
  const start = normalize(name);
  const chain: string[] = [];
  let host = start;
  let ttl: number | undefined;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let packet;
    try {
      const name = host;
      // A query in flight is work: AWS time waits for the answer (see asWork).
      packet = await asWork(target, () => query(name, 'CNAME'));
    } catch (error) {
      return {
        host,
        chain,
        ...(ttl === undefined ? {} : { ttl }),
        status: (error as { code?: string }).code === 'ETIMEDOUT' ? 'TIMEOUT' : 'ERROR',
      };
    }
    const rcode = packet.header.rcode;
    if (rcode !== 0) return { host, chain, ...(ttl === undefined ? {} : { ttl }), status: RCODES[rcode] ?? `RCODE${rcode}` };
    const record = packet.answers.find((a) => normalize(String(a.name)) === host && a.type === dns2.Packet.TYPE.CNAME);
    const next = record && 'domain' in record ? normalize(String(record.domain)) : undefined;
    if (!next || next === host || chain.includes(next)) break;
    ttl = Math.min(ttl ?? Infinity, record!.ttl);
    chain.push(next);
    host = next;
  }
  return { host, chain, ...(ttl === undefined ? {} : { ttl }), status: 'NOERROR' };
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
