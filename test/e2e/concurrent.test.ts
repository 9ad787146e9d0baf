import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/engine.ts';
import { childRuns } from './childRuns.ts';
import { Clients, exitOf, leftovers, poll, serveReady } from './leftovers.ts';

/**
 * Drills side by side. On one shared `engine serve`, the tutorial drill and the DNS-failover
 * drill claim the same names (zone hello-localstack.com, API 12345, table Products in
 * us-east-1). While the first holds them (it kept its resources), the second is refused naming
 * it, and a third (the DNS-failover drill again) given --wait-lock waits until `engine destroy`
 * settles the first, then passes.
 * (On the embedded target each run has its own emulator: e2e/concurrent-embedded.)
 */
const test = suite('e2e/concurrent');

const RUN_TIMEOUT_MS = 240_000;
const { children, stateDir, report } = childRuns(test);

test('two drills on one engine serve: the second is refused naming the holder, another waits with --wait-lock and passes', async () => {
  // On the shared idle-skipping clock: each drill joins it for as long as it runs (docs/clock.md),
  // the waiting one only once it holds its locks.
  const serve = children.engine(['serve', '--port', '0', '--dns-port', '0', '--time-scale', 'idle']);
  const { endpoint } = await serveReady(serve);
  const clients = new Clients(endpoint);
  try {
    // The first drill keeps what it made (cleanup: never), so it holds its names until `engine destroy`.
    const dir = dirname(stateDir('keep'));
    const keeping = join(dir, 'dns-failover-kept.yaml');
    writeFileSync(keeping, readFileSync(join(ROOT, 'workflows/dns-failover.yaml'), 'utf8').replace('cleanup: always', 'cleanup: never'));
    // No --dns: the engine takes the DNS server engine serve advertises.
    const stateA = stateDir('a');
    const first = children.engine(['run', keeping, '--endpoint', endpoint, '--state-dir', stateA, '--json']);
    assert.is((await exitOf(first, RUN_TIMEOUT_MS)).code, 0, first.output.stderr.slice(-3000));
    const runA = report(first).runId;
    assert.match(first.output.stderr, `locks kept`);

    const stateB = stateDir('b');
    const refused = children.engine(['run', 'workflows/route53-failover.yaml', '--endpoint', endpoint, '--state-dir', stateB, '--json']);
    const refusedExit = await exitOf(refused, RUN_TIMEOUT_MS);
    assert.is(refusedExit.code, 2, refused.output.stderr);
    assert.match(refused.output.stderr, `is held by run ${runA}`);
    assert.is((JSON.parse(refused.output.stdout) as { status: string }).status, 'refused');
    assert.not.ok(existsSync(join(stateB, 'runs')), 'the refused drill created nothing and has no run to roll back');

    const stateC = stateDir('c');
    // The waiting drill is the short DNS-failover drill (same names): the tutorial drill would
    // prove nothing more about locks (the tutorial drill against `engine serve` is
    // e2e/route53-failover-endpoint).
    const waiting = children.engine([
      'run',
      'workflows/dns-failover.yaml',
      '--endpoint',
      endpoint,
      '--state-dir',
      stateC,
      '--json',
      '--wait-lock',
    ]);
    await poll(
      () => (waiting.output.stderr.includes('waiting: ') ? true : undefined),
      RUN_TIMEOUT_MS,
      'the third drill waiting',
      () => waiting.output.stderr,
    );
    assert.match(waiting.output.stderr, `is held by run ${runA}`);
    assert.not.ok(existsSync(join(stateC, 'runs')), 'a waiting drill has started nothing');
    // Settling the first drill releases its names: the waiting drill goes on and passes.
    const destroy = children.engine(['destroy', runA, '--state-dir', stateA]);
    assert.is((await exitOf(destroy, RUN_TIMEOUT_MS)).code, 0, destroy.output.stderr);
    assert.match(destroy.output.stderr, 'locks released');
    const waitingExit = await exitOf(waiting, RUN_TIMEOUT_MS * 2);
    assert.is(waitingExit.code, 0, waiting.output.stderr.slice(-3000));
    assert.is(report(waiting).status, 'passed');
    const left = await leftovers(clients);
    assert.equal(left, [], `left behind:\n  ${left.join('\n  ')}`);
  } finally {
    clients.destroy();
    serve.child.kill('SIGTERM');
    await exitOf(serve, 30_000);
  }
});

test.run();
