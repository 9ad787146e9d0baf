import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { faultWindows } from '../../../engine/measures/faultWindows.ts';
import { rtoSplit } from '../../../engine/measures/rtoSplit.ts';
import type { EvidenceSample } from '../../../engine/evidence.ts';
import { goodDrill, s, T } from './streams.ts';

const test = suite('measures/rtoSplit');

const failover = (events: EvidenceSample[], client = 'ttl') => rtoSplit(events, faultWindows(events).failover!, 'failover', { client });

test('fault windows: failover from fault start to fault stop, failback after it', () => {
  assert.equal(faultWindows(goodDrill()), { failover: { start: s(60), end: s(150) }, failback: { start: s(150), end: Infinity } });
  assert.equal(faultWindows([]), {});
  assert.equal(faultWindows([{ kind: 'fault-start', aws: T }]), { failover: { start: T, end: Infinity } });
});

test('failover split: onset, detection, DNS, recovery, stable, summing to the RTO', () => {
  const split = failover(goodDrill());
  assert.equal(split.marks, { start: s(60), onset: s(62), detection: s(90), dns: s(95), recovery: s(112), stable: s(112) });
  assert.equal(
    { onset: split.onset, detection: split.detection, dns: split.dns, recovery: split.recovery, stable: split.stable, rto: split.rto },
    { onset: 2000, detection: 28_000, dns: 5000, recovery: 17_000, stable: 0, rto: 52_000 },
  );
  assert.ok(split.clientErrors);
});

test('each mark says how long before it the change may have happened: the gap to the previous sample of its stream', () => {
  // Requests every 2 s, the health check read every 30 s, the DNS answer at 45 s and 95 s.
  assert.equal(failover(goodDrill()).resolution, { onset: 2000, detection: 30_000, dns: 50_000, recovery: 2000, stable: 2000 });
});

test('stable comes after the last error, even when a success came in between', () => {
  const events = goodDrill().map((e) =>
    e.kind === 'client-request' && e.probe === 'ttl' && e.aws === s(116) ? { ...e, ok: false, status: 502 } : e,
  );
  const split = failover(events);
  assert.is(split.marks.recovery, s(112));
  assert.is(split.marks.stable, s(118));
  assert.is(split.stable, 6000);
  assert.is(split.rto, 58_000);
});

test('marks never go back in time: a check that was unhealthy before the first client error makes detection 0', () => {
  const events = goodDrill().map((e) => (e.kind === 'health-check-status' && e.aws === s(60) ? { ...e, healthy: false } : e));
  const split = failover(events);
  assert.is(split.marks.detection, s(62));
  assert.is(split.detection, 0);
  assert.is(split.dns, 33_000);
});

test('no RTO when the failover did not happen: check never unhealthy, DNS never changed, standby never served', () => {
  const noDetection = goodDrill().filter((e) => e.kind !== 'health-check-status');
  const split = failover(noDetection);
  assert.equal([split.onset, split.detection, split.dns, split.recovery, split.stable, split.rto], [2000, null, null, null, null, null]);
  const noDns = goodDrill().filter((e) => e.kind !== 'dns-answer');
  assert.equal([failover(noDns).detection, failover(noDns).dns, failover(noDns).rto], [28_000, null, null]);
  const standbyBroken = goodDrill().map((e) =>
    e.kind === 'client-request' && e.region === 'eu-central-1' ? { ...e, ok: false, status: 502, region: undefined } : e,
  );
  assert.equal([failover(standbyBroken).dns, failover(standbyBroken).recovery, failover(standbyBroken).rto], [5000, null, null]);
});

test('a fault that changed nothing for clients: onset 0, and still no RTO without a failover', () => {
  const quiet = goodDrill()
    .filter((e) => e.kind === 'client-request' || e.kind === 'fault-start' || e.kind === 'fault-stop')
    .map((e) => (e.kind === 'client-request' ? { ...e, ok: true, status: 200, region: 'us-east-1' } : e));
  const split = failover(quiet);
  assert.is(split.onset, 0);
  assert.not.ok(split.clientErrors);
  assert.is(split.rto, null);
});

test('failback: healthy again, DNS back, success from the primary again', () => {
  const events = goodDrill();
  const split = rtoSplit(events, faultWindows(events).failback!, 'failback', { client: 'ttl' });
  assert.equal(split.marks, { start: s(150), onset: s(150), detection: s(170), dns: s(175), recovery: s(180), stable: s(180) });
  assert.equal([split.onset, split.detection, split.dns, split.recovery, split.stable, split.rto], [0, 20_000, 5000, 5000, 0, 30_000]);
  assert.not.ok(split.clientErrors, 'the TTL client kept using the standby until the answer expired');
});

test('health check and DNS name filters', () => {
  const events = [...goodDrill(), { kind: 'health-check-status', aws: s(70), healthCheckId: 'other', healthy: false } as EvidenceSample];
  assert.is(failover(events).marks.detection, s(70));
  const only = rtoSplit(events, faultWindows(events).failover!, 'failover', { client: 'ttl', healthCheckId: 'hc-1', dnsName: 'nothing' });
  assert.is(only.marks.detection, s(90));
  assert.is(only.dns, null);
});

test.run();
