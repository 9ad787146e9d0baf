import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { availability, clientOutage, errorWindow, errorWindowRange, requestsOf } from '../../../engine/measures/clientWindows.ts';
import { client, goodDrill, PRIMARY, s } from './streams.ts';

const test = suite('measures/clientWindows');
const failover = { start: s(60), end: s(150) };

test('error window per client class: TTL-honouring vs cache-forever', () => {
  const events = goodDrill();
  assert.is(errorWindow(requestsOf(events, 'ttl'), failover), 50_000, '62 s → first success at 112 s');
  assert.is(errorWindow(requestsOf(events, 'forever'), failover), 88_000, '63 s → 151 s, after the fault stopped');
  assert.ok(errorWindow(requestsOf(events, 'forever'), failover)! > errorWindow(requestsOf(events, 'ttl'), failover)!);
});

test('no failed request: window 0; never recovered: null', () => {
  const fine = client('c', 'ttl', 0, 100, 5, () => ({ ok: true, region: PRIMARY }));
  assert.is(errorWindow(fine, failover), 0);
  const dead = client('c', 'ttl', 0, 200, 5, (sec) => ({ ok: sec < 70 }));
  assert.is(errorWindow(dead, failover), null);
  assert.equal(clientOutage(dead, failover), { errors: 16, requests: 18, firstError: s(70), lastError: s(145) });
});

test('an outage that began before the window still counts from its first failure inside it', () => {
  const flaky = client('c', 'ttl', 0, 200, 10, (sec) => ({ ok: !(sec >= 50 && sec < 100) }));
  assert.is(errorWindow(flaky, failover), 40_000, 'failures at 60..90 s inside the window, success at 100 s');
});

test('what an error window can have been: between the samples around each of its ends', () => {
  const events = goodDrill();
  // Failed from the request at 62 s (the one at 60 s was fine) to 110 s; fine again at 112 s.
  assert.equal(errorWindowRange(requestsOf(events, 'ttl'), failover), { min: 48_000, max: 52_000 });
  // No failure seen: an outage shorter than the 5 s between two requests could have gone unseen.
  assert.equal(
    errorWindowRange(
      client('c', 'ttl', 0, 100, 5, () => ({ ok: true, region: PRIMARY })),
      failover,
    ),
    { min: 0, max: 5000 },
  );
  assert.is(
    errorWindowRange(
      client('c', 'ttl', 0, 200, 5, (sec) => ({ ok: sec < 70 })),
      failover,
    ),
    null,
    'never recovered',
  );
  assert.equal(
    errorWindowRange(
      client('c', 'ttl', 62, 200, 5, (sec) => ({ ok: sec >= 80 })),
      failover,
    ),
    { min: 15_000, max: null },
  );
});

test('availability: share of successes; null without requests', () => {
  const events = goodDrill();
  assert.is(availability(requestsOf(events, 'ttl')), 95 / 120);
  assert.is(availability(requestsOf(events, 'forever')), 76 / 120);
  assert.is(availability([]), null);
});

test.run();
