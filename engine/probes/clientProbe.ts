import { sendHttpRequest } from '../../steps/support/httpRequest.ts';
import { errorMessage } from '../errors.ts';
import type { CacheClass, ClientRequestSample } from '../evidence.ts';
import { ClientDnsCache } from './clientCache.ts';
import { resolveAddress, resolveChain } from './dnsChain.ts';
import { runAtFixedRate, type ProbeRuntime, type RunningProbe } from './fixedRate.ts';

/** A client probe: a real client of the service, with its own DNS cache. */
export interface ClientProbeConfig {
  /** The probe's name, the key of its measures (`ttl`, `minTtl`, `forever`). */
  name: string;
  cache: CacheClass;
  /** For `minTtl`: the resolver's floor, AWS ms. */
  minTtlMs?: number;
  /** The service's name, e.g. `test.hello-localstack.com`. */
  dnsName: string;
  /** Path and query, e.g. `/dev/productApi?id=prod-1088`. */
  path: string;
  /** Port to connect to (default: the target's port; 443 on AWS). */
  port?: number;
  /** One request every this many AWS ms. */
  intervalMs: number;
  /** Status that counts as success (default: any 2xx). */
  expectStatus?: number;
}

/** What a client caches for `dnsName`: the end of its CNAME chain and that host's address. */
interface CachedAnswer {
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * What a stub resolver returns for `name`: the chain's last host and its address, kept for the
 * smallest TTL along the way (each record is cached for its own TTL, so the whole answer lasts
 * as long as the shortest-lived of them); or why there is none.
 */
async function resolveForClient(
  target: ProbeRuntime['target'],
  name: string,
): Promise<{ answer: CachedAnswer; ttl: number | undefined } | { error: string }> {
  const chain = await resolveChain(target, name);
  if (chain.status !== 'NOERROR') return { error: `DNS ${chain.status}` };
  const address = await resolveAddress(target, chain.host);
  if (!address.address || !address.family) return { error: `DNS ${address.status} for ${chain.host}` };
  const ttls = [chain.ttl, address.ttl].filter((t): t is number => t !== undefined);
  return {
    answer: { host: chain.host, address: address.address, family: address.family },
    ttl: ttls.length > 0 ? Math.min(...ttls) : undefined,
  };
}

/**
 * Starts a client probe. Each request: take the answer from the client's cache, or resolve
 * `dnsName` through the target's DNS (CNAME chain, then the address, with their TTLs) and cache
 * it by the probe's class, as a client's resolver cache does: a cached answer costs no query;
 * connect to that address with the host's name and GET `path`; emit a
 * `client-request` sample with the AWS send time, the answer used, the status, the region that
 * served (`x-served-region`) and the AWS latency. A failed resolution or connection is a sample
 * with status 0, never a thrown error. A request is bounded by the probe's stop, not by a timer.
 */
export function startClientProbe(runtime: ProbeRuntime, config: ClientProbeConfig): RunningProbe {
  const cache = new ClientDnsCache<CachedAnswer>({
    cache: config.cache,
    ...(config.minTtlMs === undefined ? {} : { minTtlMs: config.minTtlMs }),
  });
  const { target, clock, emit } = runtime;
  const aws = target.kind === 'aws';
  const port = config.port ?? (aws ? 443 : Number(target.values.port));
  return runAtFixedRate(config.name, clock, config.intervalMs, async (_n, signal) => {
    const sent = clock.now();
    const base = { kind: 'client-request', aws: sent, probe: config.name, cache: config.cache } as const;
    let answer = cache.get(sent);
    const cached = answer !== undefined;
    if (answer === undefined) {
      const resolved = await resolveForClient(target, config.dnsName);
      if ('error' in resolved) {
        emit({ ...base, answer: '', cached, status: 0, ok: false, latencyMs: clock.now() - sent, error: resolved.error });
        return;
      }
      answer = resolved.answer;
      cache.put(sent, answer, resolved.ttl);
    }
    const { host, address, family } = answer;
    const sample: ClientRequestSample = { ...base, answer: host, cached, status: 0, ok: false, latencyMs: 0 };
    try {
      const url = `${aws ? 'https' : 'http'}://${host}:${port}${config.path}`;
      const resolved = { name: host, chain: [], host, address, family };
      const response = await sendHttpRequest(target, { url, resolved, signal });
      sample.status = response.status;
      sample.ok =
        config.expectStatus === undefined ? response.status >= 200 && response.status < 300 : response.status === config.expectStatus;
      const region = response.headers['x-served-region'];
      if (region) sample.region = region;
    } catch (error) {
      // Cut off by the probe's stop: not something the service did.
      if (signal.aborted) return;
      sample.error = errorMessage(error);
    }
    sample.latencyMs = clock.now() - sent;
    emit(sample);
  });
}
