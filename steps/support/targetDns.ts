import { promises as dns } from 'node:dns';
import { EngineError } from '../../engine/errors.ts';
import type { Target } from '../../engine/types.ts';
import { normalizeName, STUB_TIMEOUT_MS, stubQuery } from './dnsStub.ts';
import { StepErrorCode } from './errors.ts';

/**
 * DNS queries against the target's own DNS server: the embedded emulator's, LocalStack's or
 * `engine serve`'s (`target.dns`). Node's `dns.lookup()` (used by `fetch`, `http` and the AWS
 * SDK) ignores custom servers, so steps that must see the target's Route 53 answers ask it
 * directly, with the stub client of `dnsStub.ts` (docs/dns.md).
 *
 * Real AWS has no `target.dns`: queries then go to the system's resolvers, which is what a
 * client of a public Route 53 zone sees (subject to its caches and the record TTLs).
 */

/** Where names are resolved: the target's DNS server, or the system's resolvers. */
export type ResolveVia = 'target' | 'system';

/** Record types the drill's steps query. */
export const DnsRecordType = { CNAME: 'CNAME', A: 'A', AAAA: 'AAAA', TXT: 'TXT' } as const;
export type DnsRecordType = (typeof DnsRecordType)[keyof typeof DnsRecordType];

/**
 * One answer: the record values (lowercase, no trailing dot), or the DNS status when there are
 * none: `NXDOMAIN`, `NODATA`, `REFUSED`, `SERVFAIL`, `TIMEOUT`, or the resolver's error code.
 */
export interface DnsAnswer {
  values: string[];
  status: string;
  /** `host:port` queried, or `system`. */
  server: string;
}

const STATUS_BY_CODE: Record<string, string> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NODATA',
  EREFUSED: 'REFUSED',
  ESERVFAIL: 'SERVFAIL',
  ETIMEOUT: 'TIMEOUT',
  ECONNREFUSED: 'CONNREFUSED',
};

export { normalizeName };

/**
 * Runs one query as an activity of the target's clock: on the idle-skipping clock AWS time
 * waits for the answer, which comes from another thread (the emulator's DNS worker) or
 * process, as it waits for an HTTP request in flight.
 */
export function asWork<T>(target: Target, query: () => Promise<T>): Promise<T> {
  return target.clock ? target.clock.activity('dns query', query) : query();
}

/** The DNS server a target answers on, or undefined when the system resolvers are used. */
export function targetDnsServer(target: Target, via: ResolveVia = 'target'): string | undefined {
  if (via === 'system' || !target.dns) return undefined;
  const host = target.dns.host.includes(':') ? `[${target.dns.host}]` : target.dns.host;
  return `${host}:${target.dns.port}`;
}

/**
 * Queries `name` for `type`. Never throws for a DNS-level failure (it becomes `status`); throws
 * the signal's reason when `signal` aborts.
 */
export async function queryDns(
  target: Target,
  name: string,
  type: DnsRecordType,
  signal?: AbortSignal,
  via: ResolveVia = 'target',
): Promise<DnsAnswer> {
  signal?.throwIfAborted();
  const server = targetDnsServer(target, via);
  if (!server || !target.dns) return querySystem(name, type, signal);
  const stub = target.dns;
  const reply = await asWork(target, () => stubQuery(stub, name, type, signal ? { signal } : {}));
  const values = reply.answers.filter((a) => a.type === type).map((a) => a.value);
  const status = reply.status !== 'NOERROR' ? reply.status : values.length > 0 ? 'NOERROR' : 'NODATA';
  return { values, status, server };
}

/** The system's resolvers (real AWS): Node's resolver, with the servers of /etc/resolv.conf. */
async function querySystem(name: string, type: DnsRecordType, signal?: AbortSignal): Promise<DnsAnswer> {
  const resolver = new dns.Resolver({ timeout: STUB_TIMEOUT_MS / 5, tries: 3 });
  const onAbort = () => resolver.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const values = await resolveRecords(resolver, normalizeName(name), type);
    return { values: values.map(normalizeName), status: 'NOERROR', server: 'system' };
  } catch (error) {
    signal?.throwIfAborted();
    const code = (error as { code?: unknown }).code;
    const status = typeof code === 'string' ? (STATUS_BY_CODE[code] ?? code) : 'ERROR';
    return { values: [], status, server: 'system' };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function resolveRecords(resolver: InstanceType<typeof dns.Resolver>, name: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}

/** A short text for an answer: the values joined, or the status. */
export function describeAnswer(answer: DnsAnswer): string {
  return answer.values.length > 0 ? answer.values.join(',') : answer.status;
}

/** Longest CNAME chain followed before giving up (loops, misconfigured zones). */
const MAX_CNAME_HOPS = 8;

/** A name resolved the way a client does it: CNAME chain, then an address. */
export interface ResolvedName {
  /** The name asked for, normalised. */
  name: string;
  /** Every CNAME target followed, in order. */
  chain: string[];
  /** The last name of the chain (the name itself when it has no CNAME). */
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `name` like the tutorial's dns-resolver.py, then like the HTTP client it hands the
 * result to: follows the CNAME chain through the target's DNS (one query per hop: the emulator
 * and LocalStack answer a CNAME query with a single hop; the alias is already flattened), then
 * resolves the final host to an address through the same server. The emulator answers
 * `*.localhost.localstack.cloud` with 127.0.0.1, so execute-api hosts resolve offline. With no
 * target DNS (real AWS) the address comes from the system's `getaddrinfo`, /etc/hosts included.
 * The trailing dot dnspython keeps (`…cloud.`) is dropped here, so Host headers never carry it.
 */
export async function resolveName(target: Target, name: string, signal?: AbortSignal, via: ResolveVia = 'target'): Promise<ResolvedName> {
  const start = normalizeName(name);
  if (isIpAddress(start)) return { name: start, chain: [], host: start, address: start, family: start.includes(':') ? 6 : 4 };
  const chain: string[] = [];
  let host = start;
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    const answer = await queryDns(target, host, 'CNAME', signal, via);
    const next = answer.values[0];
    if (!next) break;
    if (next === host || chain.includes(next))
      throw new DnsResolutionError(`CNAME loop resolving ${start}: ${[start, ...chain, next].join(' → ')}`);
    chain.push(next);
    host = next;
  }
  const server = targetDnsServer(target, via);
  if (!server) {
    signal?.throwIfAborted();
    try {
      const found = await dns.lookup(host);
      return { name: start, chain, host, address: found.address, family: found.family === 6 ? 6 : 4 };
    } catch (error) {
      throw new DnsResolutionError(`cannot resolve ${host} (system resolver): ${(error as Error).message}`, { cause: error });
    }
  }
  const v4 = await queryDns(target, host, 'A', signal, via);
  if (v4.values[0]) return { name: start, chain, host, address: v4.values[0], family: 4 };
  const v6 = await queryDns(target, host, 'AAAA', signal, via);
  if (v6.values[0]) return { name: start, chain, host, address: v6.values[0], family: 6 };
  const path = [start, ...chain].join(' → ');
  throw new DnsResolutionError(`cannot resolve ${path} to an address through ${server}: A ${v4.status}, AAAA ${v6.status}`);
}

/** A name that does not resolve to an address. Retryable: DNS may still be converging. */
export class DnsResolutionError extends EngineError {
  declare readonly code: StepErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, code: StepErrorCode.DNS_RESOLUTION });
    this.name = 'DnsResolutionError';
  }
}

function isIpAddress(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || (value.includes(':') && /^[0-9a-f:.]+$/.test(value));
}
