import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/engine.ts';
import { assertStory, runDrill } from './route53FailoverStory.ts';

/**
 * The whole drill against an emulator started separately with `engine serve --time-scale 10`
 * (`engine run --endpoint --dns`): the engine's times are AWS time there too. The same drill on
 * the embedded target is e2e/route53-failover.
 */
// npm test runs this file last, with the other real-time files: its drills run on real-time clocks, which a machine loaded by the test groups would distort.
const test = suite('e2e/route53-failover-endpoint');

test('endpoint target: `engine run --endpoint --dns` against a separately started `engine serve`', async () => {
  let serve: ChildProcess | undefined;
  try {
    serve = spawn(process.execPath, [join(ROOT, 'bin/engine.js'), 'serve', '--port', '0', '--dns-port', '0', '--time-scale', '10'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await waitForReady(serve);
    const { result, journal } = await runDrill(['--endpoint', ready.endpoint, '--dns', ready.dns], { objectivesMayBreach: true });
    assert.is(result.target.kind, 'endpoint');
    // The serving emulator advertises its 10× clock; the engine runs on wall time × 10 too.
    assert.is(result.target.timeScale, 10);
    assertStory(result, journal, 'real time');
  } finally {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
  }
});

/** Waits for `emulator ready: <endpoint> dns <host:port>` on the server's stderr. */
function waitForReady(child: ChildProcess): Promise<{ endpoint: string; dns: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`engine serve did not become ready:\n${text}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /emulator ready: (http:\/\/\S+) dns (\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve({ endpoint: match[1]!, dns: match[2]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`engine serve exited with ${code}:\n${text}`)));
  });
}

test.run();
