import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Children, serveReady } from './leftovers.ts';
import { assertStory, runDrill } from './route53FailoverStory.ts';

/**
 * The whole drill against an emulator started separately, `engine serve --time-scale idle`
 * (`engine run --endpoint --dns`): the run's clock joins the emulator's idle-skipping clock
 * (docs/clock.md, "Across processes"), so the drill tells the embedded target's story, and with
 * the same seed it measures exactly what the embedded run measures, to the millisecond. The
 * drill against a real-time `engine serve --time-scale N` is run by e2e/concurrent and
 * e2e/interrupt; on the embedded target by e2e/route53-failover.
 */
const test = suite('e2e/route53-failover-endpoint');
const children = new Children();

test.after(async () => {
  await children.killAll();
});

test('endpoint target on `engine serve --time-scale idle`: the embedded story, and the same figures with the same seed', async () => {
  const serve = children.engine(['serve', '--port', '0', '--dns-port', '0', '--time-scale', 'idle', '--seed', '1234']);
  const { endpoint, dns } = await serveReady(serve);
  const [remote, embedded] = await Promise.all([
    runDrill(['--endpoint', endpoint, '--dns', dns, '--seed', '1234']),
    runDrill(['--seed', '1234']),
  ]);
  assert.is(remote.result.target.kind, 'endpoint');
  assert.match(String(remote.result.target.clock), 'idle-skipping, shared with the emulator (seed 1234)');
  assertStory(remote.result, remote.journal);
  const figures = (r: typeof remote) => ({
    awsMs: r.result.durationMs,
    outputs: r.result.outputs,
    drill: r.result.drill,
    steps: r.result.steps.map((s) => ({ id: s.id, status: s.status, durationMs: (s as { durationMs?: number }).durationMs })),
  });
  assert.equal(figures(remote), figures(embedded), 'the same seed measures the same, whichever process runs the emulator');
});

test.run();
