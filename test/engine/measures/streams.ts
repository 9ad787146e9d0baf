import type { CacheClass, ClientRequestSample, EvidenceSample } from '../../../engine/evidence.ts';

/** Hand-made evidence streams for the measure tests. Times are AWS ms from T (seconds given as s(…)). */
export const T = Date.UTC(2026, 11, 6, 12, 0, 0);
export const s = (seconds: number) => T + seconds * 1000;

/** Requests every `every` s over [from, to): each one ok/failing and served as `at(sec)` says. */
export function client(
  probe: string,
  cache: CacheClass,
  from: number,
  to: number,
  every: number,
  at: (sec: number) => { ok: boolean; region?: string; answer?: string },
): ClientRequestSample[] {
  const out: ClientRequestSample[] = [];
  for (let sec = from; sec < to; sec += every) {
    const r = at(sec);
    out.push({
      kind: 'client-request',
      aws: s(sec),
      probe,
      cache,
      answer: r.answer ?? 'api',
      cached: false,
      status: r.ok ? 200 : 502,
      ok: r.ok,
      ...(r.region ? { region: r.region } : {}),
      latencyMs: 10,
    });
  }
  return out;
}

export const PRIMARY = 'us-east-1';
export const STANDBY = 'eu-central-1';

/**
 * The drill as it should go: fault 60 s → 150 s. The TTL client fails from 62 s, the health
 * check goes unhealthy at 90 s, DNS flips at 95 s, the TTL client reaches the standby at 112 s.
 * The forever client keeps the primary's answer and fails until the fault stops. After 150 s
 * the check is healthy at 170 s and DNS flips back at 175 s.
 */
export function goodDrill(): EvidenceSample[] {
  const ttl = (sec: number) =>
    sec < 62
      ? { ok: true, region: PRIMARY }
      : sec < 112
        ? { ok: false }
        : sec < 180
          ? { ok: true, region: STANDBY }
          : { ok: true, region: PRIMARY };
  const forever = (sec: number) => (sec >= 62 && sec < 150 ? { ok: false } : { ok: true, region: PRIMARY });
  return [
    ...client('ttl', 'ttl', 0, 240, 2, ttl),
    ...client('forever', 'forever', 1, 240, 2, forever),
    { kind: 'fault-start', aws: s(60) },
    { kind: 'fault-stop', aws: s(150) },
    ...[0, 30, 60, 90, 120, 150, 170, 200].map(
      (sec): EvidenceSample => ({
        kind: 'health-check-status',
        aws: s(sec),
        healthCheckId: 'hc-1',
        healthy: sec < 90 || sec >= 170,
      }),
    ),
    ...[0, 45, 95, 130, 175, 220].map(
      (sec): EvidenceSample => ({
        kind: 'dns-answer',
        aws: s(sec),
        name: 'test.hello-localstack.com',
        status: 'NOERROR',
        values: [sec >= 95 && sec < 175 ? '67890.hello-localstack.com' : '12345.hello-localstack.com'],
      }),
    ),
  ];
}
