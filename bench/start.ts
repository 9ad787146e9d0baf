// `npm run bench -- start`: how fast a user's command starts, as separate processes, beside the
// floor measured in the same run (a bare Node HTTP server: start to first answer).
// - `engine serve`: start to the first answer on /_localstack/health, and its RSS once idle;
// - `engine run workflows/route53-failover.yaml`: start to exit (the whole drill).
// Medians of several runs; each figure also as a ratio to the floor. Runs the command the way
// `npx engine` does (bin/engine.js), so it measures dist/ when `npm install` built it and it is
// fresh, tsx otherwise (printed).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain JavaScript next to the bin script, no declarations.
import { bundleState } from '../bin/freshBundle.js';
import { freePort } from './freePort.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENGINE = join(ROOT, 'bin/engine.js');
const WORKFLOW = join(ROOT, 'workflows/route53-failover.yaml');
const FLOOR_SERVER = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')";
const STARTS = 7;
const DRILLS = 3;
/** How long `engine serve` sits idle before its RSS is read. */
const IDLE_MS = 1000;

/** One GET; resolves with the status, or undefined when nothing listens yet. */
function get(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Spawns `args` and polls `path` until it answers 200: wall ms from spawn to that answer. */
async function timeToAnswer(args: string[], port: number, path: string): Promise<{ ms: number; child: ChildProcess }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${args.join(' ')} exited before answering`);
    if ((await get(port, path)) === 200) return { ms: performance.now() - t0, child };
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) / 1024;
}

async function floor(): Promise<number> {
  const port = await freePort();
  const { ms, child } = await timeToAnswer(['-e', FLOOR_SERVER, String(port)], port, '/');
  await stop(child);
  return ms;
}

async function serve(): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const args = [ENGINE, 'serve', '--port', String(port), '--dns-port', '0'];
  const { ms, child } = await timeToAnswer(args, port, '/_localstack/health');
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const rss = rssMb(child.pid!);
  await stop(child);
  return { ms, rss };
}

async function drill(): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), 'start-bench-'));
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [ENGINE, 'run', WORKFLOW, '--state-dir', stateDir], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`engine run exited with ${code}`);
    return performance.now() - t0;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const floors: number[] = [];
  const serves: number[] = [];
  const rss: number[] = [];
  // Interleaved, so that a change in the machine's load touches floor and engine alike.
  for (let i = 0; i < STARTS; i++) {
    floors.push(await floor());
    const s = await serve();
    serves.push(s.ms);
    rss.push(s.rss);
  }
  const drills: number[] = [];
  for (let i = 0; i < DRILLS; i++) drills.push(await drill());
  const f = median(floors);
  const row = (label: string, value: string, ratio: string) => console.log(`${label.padEnd(44)}${value.padStart(10)}  ${ratio}`);
  console.log(
    `engine code: ${bundleState() === 'fresh' ? 'dist/ bundle' : 'TypeScript through tsx (dist/ missing or stale: npm run build)'}`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on this machine; medians of ${STARTS} starts, ${DRILLS} drills`,
  );
  row('bare node HTTP listen → first answer (floor)', `${f.toFixed(0)} ms`, '1.0× floor');
  row(
    'engine serve → first /_localstack/health',
    `${median(serves).toFixed(0)} ms`,
    `${(median(serves) / f).toFixed(1)}× floor  (target ≤ 150 ms)`,
  );
  row('engine serve idle RSS', `${median(rss).toFixed(0)} MB`, '(target ≤ 80 MB)');
  row(
    'engine run route53-failover.yaml → exit',
    `${median(drills).toFixed(0)} ms`,
    `${(median(drills) / f).toFixed(1)}× floor  (target ≤ 1500 ms)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
