import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../engine/clock.ts';
import { CacheClass } from '../../../engine/evidence.ts';
import { ClientDnsCache, expiresAt } from '../../../engine/probes/clientCache.ts';
import { runAtFixedRate } from '../../../engine/probes/fixedRate.ts';
import { settle } from './settle.ts';

const test = suite('probes/fixedRate and clientCache');

test('ticks at start, start + interval, ... in AWS time, without waiting for slow ticks', async () => {
  const clock = new ManualClock(1000);
  const ticks: Array<[number, number]> = [];
  const hold: Array<() => void> = [];
  const probe = runAtFixedRate('p', clock, 500, (n) => {
    ticks.push([n, clock.now()]);
    return new Promise<void>((resolve) => hold.push(resolve)); // never answers until released
  });
  for (let i = 0; i < 3; i++) {
    await clock.nextSleep();
    await clock.advance(500);
  }
  assert.equal(
    ticks,
    [
      [1, 1000],
      [2, 1500],
      [3, 2000],
      [4, 2500],
    ],
    'an open loop: unanswered ticks do not hold the next',
  );
  let stopped = false;
  const stopping = probe.stop().then(() => (stopped = true));
  await settle(() => hold.length === 4, 'ticks');
  assert.not.ok(stopped, 'stop waits for ticks in flight');
  for (const release of hold) release();
  await stopping;
  assert.ok(stopped);
});

test('a tick that itself waits on the clock does not shift the schedule', async () => {
  const clock = new ManualClock(0);
  const ticks: number[] = [];
  const probe = runAtFixedRate('p', clock, 1000, async () => {
    ticks.push(clock.now());
    if (ticks.length === 2) await clock.sleep(2500); // a tick that makes the loop's clock jump
  });
  await clock.nextSleep();
  await clock.advance(1000);
  await clock.nextSleep(2);
  await clock.advance(4000);
  await probe.stop();
  assert.equal(ticks, [0, 1000, 2000, 3000, 4000, 5000]);
  assert.throws(() => runAtFixedRate('bad', clock, 0, async () => {}), /interval must be > 0/);
});

test('cache classes: TTL, TTL raised to a minimum, forever', () => {
  assert.is(expiresAt({ cache: CacheClass.TTL }, 1000, 60), 61_000);
  assert.is(expiresAt({ cache: CacheClass.TTL }, 1000, undefined), 301_000, 'no TTL known: the 300 s default');
  assert.is(expiresAt({ cache: CacheClass.MIN_TTL, minTtlMs: 120_000 }, 1000, 60), 121_000);
  assert.is(expiresAt({ cache: CacheClass.MIN_TTL, minTtlMs: 120_000 }, 1000, 600), 601_000);
  assert.is(expiresAt({ cache: CacheClass.MIN_TTL }, 0, 60), 300_000);
  assert.is(expiresAt({ cache: CacheClass.FOREVER }, 0, 60), Infinity);
  const cache = new ClientDnsCache({ cache: CacheClass.TTL });
  assert.is(cache.get(0), undefined);
  cache.put(0, 'a', 60);
  assert.is(cache.get(59_999), 'a');
  assert.is(cache.get(60_000), undefined, 'expired exactly at the TTL');
});

test.run();
