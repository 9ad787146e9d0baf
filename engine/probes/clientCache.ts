import { CacheClass } from '../evidence.ts';

/**
 * How long a client keeps a DNS answer, by cache class: the record's TTL; the TTL raised to a
 * resolver's minimum (resolvers that clamp short TTLs, browsers that hold answers ~60 s); or
 * forever (a JVM with `networkaddress.cache.ttl=-1`, the default under a security manager).
 */
export interface CachePolicy {
  cache: CacheClass;
  /** For `minTtl`: the floor in AWS ms (default 300 000, a common resolver minimum). */
  minTtlMs?: number;
}

/** TTL used when the answer carried none (a name without CNAME): Route 53's default record TTL. */
export const DEFAULT_TTL_MS = 300_000;
export const DEFAULT_MIN_TTL_MS = 300_000;

/** AWS time at which an answer obtained at `now` with `ttlSeconds` stops being used. */
export function expiresAt(policy: CachePolicy, now: number, ttlSeconds: number | undefined): number {
  const ttlMs = ttlSeconds === undefined ? DEFAULT_TTL_MS : ttlSeconds * 1000;
  switch (policy.cache) {
    case CacheClass.TTL:
      return now + ttlMs;
    case CacheClass.MIN_TTL:
      return now + Math.max(ttlMs, policy.minTtlMs ?? DEFAULT_MIN_TTL_MS);
    case CacheClass.FOREVER:
      return Infinity;
  }
}

/** One client's cached answer for one name (a host name, or what it resolved to). */
export class ClientDnsCache<T = string> {
  private entry: { value: T; expiresAt: number } | undefined;
  constructor(private readonly policy: CachePolicy) {}

  /** The cached answer, if still valid at `now`. */
  get(now: number): T | undefined {
    if (this.entry && now < this.entry.expiresAt) return this.entry.value;
    this.entry = undefined;
    return undefined;
  }

  put(now: number, value: T, ttlSeconds: number | undefined): void {
    this.entry = { value, expiresAt: expiresAt(this.policy, now, ttlSeconds) };
  }
}
