import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tmp } from '../helpers/engine.ts';

/**
 * The live status line, seen through a real pseudo-terminal (util-linux `script` gives the
 * engine a TTY on stdout and stderr): during a wait one line is redrawn in place (`\r` and
 * clear-line) with the elapsed wall and AWS time and the running step; progress lines print
 * as before; nothing is left of it at the end. With NO_COLOR or --json there is none.
 *
 * The 2 s wait runs at `--time-scale 1`, the idle-skipping clock paced at wall speed: it lasts
 * at least 2 s of wall time however loaded the machine (AWS time stands still while anything
 * computes), and the line is redrawn every 250 ms of wall time meanwhile, so the file runs
 * beside others.
 */
// npm test starts this file first, beside the others: its drills mostly wait, at wall speed.
const test = suite('e2e/status line');

const CLEAR = '\r\u001b[2K';

/** Runs `engine run` of a workflow waiting 2 s inside a pseudo-terminal; returns what the terminal received. */
function inTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const dir = tmp('status-');
  writeFileSync(join(dir, 'wait.yaml'), 'name: wait-a-bit\nsteps:\n  - { id: pause, type: wait, params: { duration: 2s } }\n');
  const command = [process.execPath, join(ROOT, 'bin/engine.js'), 'run', join(dir, 'wait.yaml'), '--state-dir', join(dir, 'state'), ...args]
    .map((a) => `'${a}'`)
    .join(' ');
  const { NO_COLOR: _n, ...base } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...base, TERM: 'xterm-256color', COLUMNS: '120', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`engine run in a terminal exited ${code}:\n${out}`))));
  });
}

test('on a terminal, one status line is redrawn during the wait and cleared at the end', async () => {
  // At 1× the 2 s wait really takes 2 s of wall time (idle-skipping, nothing else at work, it would end at once).
  const out = await inTerminal(['--time-scale', '1']);
  const draws = out
    .split(CLEAR)
    .slice(1)
    .map((chunk) => chunk.split(/[\r\n]/)[0]!)
    .filter((line) => line.startsWith('elapsed '));
  const duringWait = draws.filter((line) => line.endsWith(' · pause'));
  const distinct = new Set(duringWait);
  assert.ok(distinct.size >= 2, `the status line was redrawn during the wait:\n${JSON.stringify(draws, null, 1)}`);
  for (const line of duringWait) assert.match(line, /^elapsed \+\d+:\d\d\.\d wall, \+\d+:\d\d\.\d AWS · pause$/);
  // Progress lines are still there, each on its own line.
  assert.match(out, /start\u001b\[0m pause \(wait\)\r?\n/);
  assert.match(out, /passed\u001b\[0m \(exit 0, \d+ms\)\r?\n/);
  // After the outcome nothing redraws: the last status draw is followed by a clear before the summary.
  const summary = out.indexOf('wait-a-bit: PASSED');
  assert.ok(summary > 0);
  assert.not.ok(out.slice(summary).includes('elapsed '), 'no status line after the run ended');
});

test('NO_COLOR and --json turn it off: plain lines only', async () => {
  for (const [args, env] of [
    [[], { NO_COLOR: '1' }],
    [['--json'], {}],
  ] as const) {
    const out = await inTerminal([...args], env);
    assert.not.ok(out.includes('\u001b[2K'), `no redraw with ${JSON.stringify({ args, env })}`);
    assert.not.ok(out.includes('elapsed '), 'no status line');
    assert.match(out, /start.* pause \(wait\)/);
  }
});

test.run();
