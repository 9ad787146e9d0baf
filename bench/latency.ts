import { performance } from 'node:perf_hooks';

/** Latency figures the benchmarks print, from samples in milliseconds. */

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The sample at quantile `q` (0 to 1) of samples sorted in ascending order. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Calls `call` `warmup` times untimed, then `count` times one after another, timing each. */
export async function sequentialLatency(call: () => Promise<void>, warmup: number, count: number): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { count, p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99), maxMs: samples[samples.length - 1]! };
}
