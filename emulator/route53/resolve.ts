import type { QueryType, Resolution } from '../dns/answer.ts';
import { parseRecordValue, type DnsRecord, type DnsRecordData } from '../dns/records.ts';
import { normalizeName, parentName } from './names.ts';
import { selectMembers, type RoutingClient } from './routingPolicy.ts';
import type { AliasTarget, RecordSet, RecordType } from './types.ts';

/**
 * Route 53's routing policy, the one resolver: Route 53 zones + health → the answer an authoritative Route 53 name
 * server would give. Pure (no sockets, no clock), so the DNS server, the health checker's
 * FQDN resolution and unit tests all use it alike.
 *
 * Rules (docs/fidelity/route53-routing.md: "Failover", "Alias records", "The DNS answer"):
 * - a name outside every hosted zone → REFUSED, except LocalStack's fixed names:
 *   `localhost`, `localhost.localstack.cloud` and `*.localhost.localstack.cloud` → A 127.0.0.1
 *   (AAAA and other types → NODATA), so execute-api host names resolve offline;
 * - in a zone: the chosen RRset with its own TTL, the zone's NS RRset in authority, aa=1;
 *   a missing name → NXDOMAIN, a missing type → NODATA, both with the zone's SOA in authority
 *   at the negative TTL min(SOA TTL, SOA minimum);
 * - a CNAME answers any type; its target is chased into the answer section when we serve it
 *   (any of our zones, or a LocalStack name), up to 8 hops;
 * - failover: PRIMARY when healthy; SECONDARY when PRIMARY is unhealthy and SECONDARY healthy;
 *   otherwise PRIMARY. A record without a health check is healthy; an alias with
 *   EvaluateTargetHealth is healthy only if its target is (any healthy member of the target
 *   RRset); a health check id that no longer exists counts as healthy (AWS does not stop you
 *   deleting a check a record uses);
 * - an alias answers with the target's type and values under the queried name and with the
 *   target's TTL (an alias of Type CNAME to a CNAME record, as in the tutorial, answers that
 *   record's CNAME); an alias whose target cannot be found → REFUSED, as LocalStack does;
 * - weighted, multivalue, latency and geolocation sets: routingPolicy.ts, with the client's
 *   Region, location and generator given by the caller (routingSettings.ts).
 */

export interface ResolverZone {
  id: string;
  name: string;
  records: ReadonlyMap<string, readonly RecordSet[]>;
  nonTerminals: ReadonlySet<string>;
}

export interface ZoneSource {
  /** The zone that answers for a (normalised) name, if any. */
  findZone(name: string): ResolverZone | undefined;
  zoneById(id: string): ResolverZone | undefined;
}

/** Health of a health check by id: true when healthy or unknown. */
export type HealthLookup = (healthCheckId: string) => boolean;

export type { QueryType, Resolution };

export const LOCALHOST_ADDRESS = '127.0.0.1';
const LOCALHOST_TTL = 300;
const MAX_CHAIN = 8;

/** Whether a name is one of LocalStack's loopback names (`*.localhost.localstack.cloud` ...). */
export function isLocalhostName(name: string): boolean {
  const n = normalizeName(name);
  return n === 'localhost.' || n === 'localhost.localstack.cloud.' || n.endsWith('.localhost.localstack.cloud.');
}

/** Who asks: defaults are a client in us-east-1 at an unknown location, with Math.random. */
export function resolve(
  source: ZoneSource,
  health: HealthLookup,
  qname: string,
  qtype: QueryType,
  client: Partial<RoutingClient> = {},
): Resolution {
  const full: RoutingClient = {
    random: client.random ?? Math.random,
    region: client.region ?? 'us-east-1',
    location: client.location ?? {},
  };
  return new Resolver(source, health, full).run(normalizeName(qname), qtype);
}

/**
 * The first IPv4 address a name leads to, following CNAMEs and aliases through our zones.
 * `external` means the chain left our zones at `name` (resolve it elsewhere); `not-found`
 * means one of our zones is authoritative and has no address for it.
 */
export type AddressLookup =
  | { status: 'found'; address: string }
  | { status: 'not-found'; reason: string }
  | { status: 'external'; name: string };

export function lookupAddress(source: ZoneSource, health: HealthLookup, name: string): AddressLookup {
  const n = normalizeName(name);
  if (!isLocalhostName(n) && !source.findZone(n)) return { status: 'external', name: n };
  const r = resolve(source, health, n, 'A');
  const a = r.answers.find((x) => x.type === 'A');
  if (a && a.type === 'A') return { status: 'found', address: a.address };
  if (r.rcode !== 'NOERROR') return { status: 'not-found', reason: `${r.rcode} for ${n}` };
  const last = r.answers[r.answers.length - 1];
  if (last?.type === 'CNAME' && !isLocalhostName(last.target) && !source.findZone(last.target)) {
    return { status: 'external', name: last.target };
  }
  return { status: 'not-found', reason: `no A record for ${n}` };
}

class Unresolvable extends Error {}

/** Parsed values per stored record set; record sets are replaced, never mutated, on change. */
const parsedValues = new WeakMap<RecordSet, DnsRecordData[]>();

class Resolver {
  constructor(
    private readonly source: ZoneSource,
    private readonly health: HealthLookup,
    private readonly client: RoutingClient,
  ) {}

  run(name: string, qtype: QueryType): Resolution {
    if (isLocalhostName(name)) return localhostAnswer(name, qtype);
    const zone = this.source.findZone(name);
    if (!zone) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [] };
    try {
      return this.inZone(zone, name, qtype);
    } catch (err) {
      if (err instanceof Unresolvable) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [] };
      throw err;
    }
  }

  private inZone(zone: ResolverZone, name: string, qtype: QueryType): Resolution {
    const answers: DnsRecord[] = [];
    const visited = new Set<string>();
    let currentZone = zone;
    let current = name;
    for (let hop = 0; ; hop++) {
      visited.add(current);
      const referral = this.delegation(currentZone, current);
      if (referral) {
        return { rcode: 'NOERROR', authoritative: answers.length > 0, answers, authorities: referral };
      }
      const sets = this.setsAt(currentZone, current);
      if (!sets) {
        const rcode = currentZone.nonTerminals.has(current) ? 'NOERROR' : 'NXDOMAIN';
        return { rcode, authoritative: true, answers, authorities: this.soa(currentZone) };
      }
      if (qtype === 'ANY') {
        const types = [...new Set(sets.map((s) => s.Type))];
        for (const type of types) answers.push(...this.answer(currentZone, sets, type, current));
        return this.positive(zone, answers);
      }
      const own = sets.filter((s) => s.Type === qtype);
      if (own.length > 0) {
        answers.push(...this.answer(currentZone, sets, qtype as RecordType, current));
        return answers.length > 0
          ? this.positive(zone, answers)
          : { rcode: 'NOERROR', authoritative: true, answers, authorities: this.soa(currentZone) };
      }
      if (!sets.some((s) => s.Type === 'CNAME')) {
        return { rcode: 'NOERROR', authoritative: true, answers, authorities: this.soa(currentZone) };
      }
      const cnames = this.answer(currentZone, sets, 'CNAME', current);
      answers.push(...cnames);
      const target = cnames.find((c) => c.type === 'CNAME');
      if (!target || target.type !== 'CNAME' || hop >= MAX_CHAIN || visited.has(target.target)) return this.positive(zone, answers);
      if (isLocalhostName(target.target)) {
        answers.push(...localhostAnswer(target.target, qtype).answers);
        return this.positive(zone, answers);
      }
      const next = this.source.findZone(target.target);
      if (!next) return this.positive(zone, answers);
      currentZone = next;
      current = target.target;
    }
  }

  private positive(zone: ResolverZone, answers: DnsRecord[]): Resolution {
    const ns = this.setsAt(zone, zone.name)?.find((s) => s.Type === 'NS');
    return { rcode: 'NOERROR', authoritative: true, answers, authorities: ns ? this.values(ns, zone.name) : [] };
  }

  /** Record sets owned by `name`, or synthesised from a wildcard (RFC 4592), or undefined. */
  private setsAt(zone: ResolverZone, name: string): readonly RecordSet[] | undefined {
    const exact = zone.records.get(name);
    if (exact && exact.length > 0) return exact;
    if (zone.nonTerminals.has(name) || name === zone.name) return undefined;
    // The closest encloser is the nearest existing ancestor; only `*.<encloser>` may match.
    for (let p = parentName(name); p; p = parentName(p)) {
      if (zone.records.has(p) || zone.nonTerminals.has(p) || p === zone.name) {
        const wildcard = zone.records.get(`*.${p}`);
        return wildcard && wildcard.length > 0 ? wildcard : undefined;
      }
    }
    return undefined;
  }

  /** NS records of a delegated subdomain at or above `name` (below the apex), if any. */
  private delegation(zone: ResolverZone, name: string): DnsRecord[] | undefined {
    for (let p: string | undefined = name; p && p !== zone.name; p = parentName(p)) {
      const ns = zone.records.get(p)?.find((s) => s.Type === 'NS' && !s.AliasTarget);
      if (ns) return this.values(ns, p);
    }
    return undefined;
  }

  private soa(zone: ResolverZone): DnsRecord[] {
    const soa = zone.records.get(zone.name)?.find((s) => s.Type === 'SOA');
    if (!soa) return [];
    return this.values(soa, zone.name).map((r) => (r.type === 'SOA' ? { ...r, ttl: Math.min(r.ttl, r.minimum) } : r));
  }

  /** Routing selection for one (name, type), then the chosen sets' records under `owner`. */
  private answer(zone: ResolverZone, sets: readonly RecordSet[], type: RecordType, owner: string, depth = 0): DnsRecord[] {
    const group = sets.filter((s) => s.Type === type);
    return this.select(zone, group, depth).flatMap((s) => this.produce(zone, s, owner, depth));
  }

  private select(zone: ResolverZone, group: readonly RecordSet[], depth: number): RecordSet[] {
    return selectMembers(group, (s) => this.isHealthy(zone, s, depth), this.client);
  }

  private isHealthy(zone: ResolverZone, set: RecordSet, depth: number): boolean {
    if (set.HealthCheckId && !this.health(set.HealthCheckId)) return false;
    if (!set.AliasTarget?.EvaluateTargetHealth) return true;
    if (depth >= MAX_CHAIN) return false;
    const target = this.aliasTarget(zone, set.AliasTarget);
    if (!target) return true; // an AWS resource outside our zones: nothing to evaluate
    const group = target.zone.records.get(target.name)?.filter((s) => s.Type === set.Type) ?? [];
    return group.some((s) => this.isHealthy(target.zone, s, depth + 1));
  }

  private aliasTarget(zone: ResolverZone, alias: AliasTarget): { zone: ResolverZone; name: string } | undefined {
    const target = alias.HostedZoneId === zone.id ? zone : this.source.zoneById(alias.HostedZoneId);
    return target ? { zone: target, name: normalizeName(alias.DNSName) } : undefined;
  }

  private produce(zone: ResolverZone, set: RecordSet, owner: string, depth: number): DnsRecord[] {
    if (!set.AliasTarget) return this.values(set, owner);
    if (depth >= MAX_CHAIN) throw new Unresolvable();
    const target = this.aliasTarget(zone, set.AliasTarget);
    if (!target) {
      // Alias to something outside our zones: answer it if we can (a LocalStack name or a
      // name in another of our zones), under the queried name.
      const r = new Resolver(this.source, this.health, this.client).run(normalizeName(set.AliasTarget.DNSName), set.Type);
      const same = r.answers.filter((a) => a.type === set.Type);
      if (same.length === 0) throw new Unresolvable();
      return same.map((a) => ({ ...a, name: owner }));
    }
    const group = target.zone.records.get(target.name)?.filter((s) => s.Type === set.Type) ?? [];
    if (group.length === 0) throw new Unresolvable();
    return this.answer(target.zone, group, set.Type, owner, depth + 1);
  }

  private values(set: RecordSet, owner: string): DnsRecord[] {
    const ttl = set.TTL ?? 300;
    let data = parsedValues.get(set);
    if (!data) {
      data = (set.ResourceRecords ?? []).map((v) => parseRecordValue(set.Type, v)).filter((d): d is DnsRecordData => d !== undefined);
      parsedValues.set(set, data);
    }
    return data.map((d) => ({ ...d, name: owner, ttl }));
  }
}

function localhostAnswer(name: string, qtype: QueryType): Resolution {
  const answers: DnsRecord[] =
    qtype === 'A' || qtype === 'ANY' ? [{ type: 'A', address: LOCALHOST_ADDRESS, name, ttl: LOCALHOST_TTL }] : [];
  return { rcode: 'NOERROR', authoritative: true, answers, authorities: [] };
}
