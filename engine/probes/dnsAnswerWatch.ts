import { resolveChain } from './dnsChain.ts';
import { runAtFixedRate, type ProbeRuntime, type RunningProbe } from './fixedRate.ts';

export interface DnsAnswerWatchConfig {
  name: string;
  /** The name whose answer to follow, e.g. `test.hello-localstack.com`. */
  dnsName: string;
  /** One uncached query every this many AWS ms. */
  intervalMs: number;
}

/**
 * Queries the target's DNS at a fixed AWS-time rate, uncached, and emits a `dns-answer` sample
 * per query: the end of the CNAME chain (the host a fresh client would connect to) and the
 * chain's TTL. It is the authoritative view the RTO's DNS phase is measured on; what each
 * client really used is in its own requests.
 */
export function startDnsAnswerWatch(runtime: ProbeRuntime, config: DnsAnswerWatchConfig): RunningProbe {
  const { target, clock, emit } = runtime;
  return runAtFixedRate(config.name, clock, config.intervalMs, async (_n, signal) => {
    const at = clock.now();
    const answer = await resolveChain(target, config.dnsName);
    if (signal.aborted) return;
    const values = answer.status === 'NOERROR' ? [answer.host] : [];
    emit({
      kind: 'dns-answer',
      aws: at,
      name: config.dnsName,
      values,
      status: answer.status,
      ...(answer.ttl === undefined ? {} : { ttl: answer.ttl }),
    });
  });
}
