import { createServer } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boundWork, IdleClock } from '../../emulator/clock.ts';
import { parseModelSettings } from '../../emulator/model.ts';

/**
 * The idle-skipping clock, driven without sleeping: every wait below is a setImmediate turn or
 * a loopback socket, never a timer of real time.
 */
const test = suite('idle-skipping clock');

const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

test('a parked activity lets time jump to the next due timer, in due order', async () => {
  const clock = new IdleClock({ start: 0 });
  const fired: Array<[string, number]> = [];
  clock.setTimeout(() => fired.push(['b', clock.now()]), 2000);
  clock.setTimeout(() => fired.push(['a', clock.now()]), 500);
  await clock.activity('sleeper', () => clock.sleep(3000));
  assert.equal(fired, [
    ['a', 500],
    ['b', 2000],
  ]);
  assert.is(clock.now(), 3000);
});

test('timers due at the same instant fire one per jump, in the order they were set: the work of one is done before the next starts', async () => {
  // Same-instant work does not race in wall time: a write and a fault that start at the same
  // AWS instant always meet in the same order, so a seed repeats a run's figures.
  const clock = new IdleClock({ start: 0 });
  const order: string[] = [];
  const client = (name: string) =>
    clock.activity(name, async () => {
      await clock.sleep(2000);
      order.push(`${name} woke at ${clock.now()}`);
      await turns(5); // work in progress holds time still
      order.push(`${name} done at ${clock.now()}`);
    });
  await Promise.all([client('a'), client('b')]);
  assert.equal(order, ['a woke at 2000', 'a done at 2000', 'b woke at 2000', 'b done at 2000']);
});

test('with no live activity nobody waits on time: it stands still', async () => {
  const clock = new IdleClock({ start: 0 });
  let fired = false;
  clock.setTimeout(() => (fired = true), 10);
  await turns(20);
  assert.not.ok(fired);
  assert.is(clock.now(), 0);
});

test('a busy activity holds time still until it ends or parks', async () => {
  const clock = new IdleClock({ start: 0 });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const busy = clock.activity('busy', () => held);
  const sleeper = clock.activity('sleeper', () => clock.sleep(1000));
  await turns(20);
  assert.is(clock.now(), 0, 'the busy activity holds time');
  assert.equal(clock.busy(), ['busy']);
  release();
  await busy;
  await sleeper;
  assert.is(clock.now(), 1000);
});

test('an activity waiting on a child is not busy; the child sleeping lets time move', async () => {
  const clock = new IdleClock({ start: 0 });
  const order: string[] = [];
  await clock.activity('parent', async () => {
    await clock.activity('child', async () => {
      await clock.sleep(5000);
      order.push(`child woke at ${clock.now()}`);
    });
  });
  assert.equal(order, ['child woke at 5000']);
});

test('a request in flight holds time still; its gateway activity, a child by socket, may sleep', async () => {
  const clock = new IdleClock({ start: 0 });
  const { callerOf } = await import('../../emulator/clock/outbound.ts');
  const server = createServer((req, res) => {
    void clock.activity(
      'gateway',
      async () => {
        await clock.sleep(5000);
        res.end(String(clock.now()));
      },
      callerOf(req.socket.remotePort),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  let timeout = false;
  clock.setTimeout(() => (timeout = true), 2000);
  const { request } = await import('node:http');
  const body = await clock.activity(
    'probe',
    () =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      }),
  );
  server.close();
  assert.is(body, '5000', 'the gateway slept 5 s of AWS time while the probe waited');
  assert.ok(timeout, 'a racing timer at 2 s fired on the way');
});

test('same seed, same random sequence', () => {
  const a = new IdleClock({ seed: 42 });
  const b = new IdleClock({ seed: 42 });
  assert.equal([a.random(), a.random()], [b.random(), b.random()]);
  assert.is.not(new IdleClock({ seed: 43 }).random(), new IdleClock({ seed: 42 }).random());
});

test('a bound on work fires in AWS time while the work waits, and can be disarmed', async () => {
  const clock = new IdleClock({ start: 0 });
  const fired: number[] = [];
  boundWork(clock, 2000, () => fired.push(clock.now()));
  const disarm = boundWork(clock, 3000, () => fired.push(-1));
  disarm();
  await clock.activity('work', () => clock.sleep(5000));
  assert.equal(fired, [2000]);
});

test('--emulate settings: durations with units, unknown keys and bad values refused', () => {
  assert.equal(parseModelSettings(['replicationLag=2s', 'invokeOverhead=50ms', 'streamPollInterval=1000']), {
    replicationLag: 2000,
    invokeOverhead: 50,
    streamPollInterval: 1000,
  });
  assert.throws(() => parseModelSettings(['lag=2s']), /unknown key 'lag'; known: invokeOverhead, streamPollInterval, replicationLag/);
  assert.throws(() => parseModelSettings(['replicationLag=soon']), /expects key=duration/);
});

test.run();
