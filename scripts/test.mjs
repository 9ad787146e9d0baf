#!/usr/bin/env node
// `npm test`'s test stage: runs every `test/**/*.test.ts` with uvu, in groups of files, several
// groups at a time. Plain JavaScript: it runs before anything is compiled.
//
// Why groups: one uvu process runs its files one after the other, and many of our tests mostly
// wait (a drill watched at a time scale, a real `engine serve`, a Lambda sandbox starting), so a
// second and third process keep the machine's cores busy meanwhile. Files are packed into a few
// groups per core of similar expected duration (see groups()), which start longest first, using
// the durations this script recorded last time in node_modules/.cache (a clean clone has none:
// e2e first).
//
// A file that says "npm test runs this file last, with the other real-time files" (a drill
// watched on a real-time clock, whose timing a machine loaded by the test groups would distort)
// runs after the others, at the same time as the other such files and nothing else: together they
// use less than the machine's cores (they mostly wait on their clocks). A file that says "npm test starts this file first, beside the others"
// (it mostly waits: a drill paced at wall speed) gets a process of its own from the start, on
// top of the N groups at a time, so that its waiting does not hold one of the N places.
//
// Each group's output is printed whole when it ends, so the log reads like uvu's; the last lines
// sum every group's totals and the CPU time of every process the run started (scripts/cpuAtExit.mjs),
// which on this machine's cores bounds how fast any ordering of the groups could be. Exit 1 if
// any group failed, or if a group's passed and skipped tests do not add up to its total (a file
// that crashed before its suites ran).
//
// The whole run also type-checks the project (`tsc --noEmit`) beside the groups; type errors fail
// it like a failed test.
//
// A stale dist/ (a source changed since the last build) is rebuilt first: see freshenBundle. The
// test files are then bundled (scripts/bundleTests.mjs), and each group runs the bundle on plain
// Node; FE_TEST_TSX=1 runs the TypeScript through tsx instead.
//
// FE_TEST_JOBS=N sets how many groups run at once (default: one more than the CPU count: a group
// often waits on a sandbox, a server or a child process, and a third one fills those gaps; on 2
// cores, two A/B pairs of whole runs took 146.3 and 150.8 s against 154.2 and 157.1 s, at the same CPU).
// `node scripts/test.mjs <regex>` runs only the files whose path (from test/) matches, and does
// not type-check.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleState } from '../bin/freshBundle.js';
import { bundledName, bundleTests, sourceName } from './bundleTests.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_DIR = join(ROOT, 'test');
const TIMES = join(ROOT, 'node_modules/.cache/failover-engine/test-times.json');
/** Where the test files are bundled (scripts/bundleTests.mjs); FE_TEST_TSX=1 runs them under tsx instead. */
const BUNDLE = process.env.FE_TEST_TSX === '1' ? undefined : join(ROOT, 'node_modules/.cache/failover-engine/test-bundle');
const GROUPS_PER_JOB = 5;
/** No group is planned shorter than this: below it a process's start is a large part of its time. */
const MIN_GROUP_MS = 10_000;
const JOBS = Number(process.env.FE_TEST_JOBS) || availableParallelism() + 1;
const CPU_AT_EXIT = join(ROOT, 'scripts/cpuAtExit.mjs');
const LAST_MARK = 'npm test runs this file last, with the other real-time files';
const BESIDE_MARK = 'npm test starts this file first, beside the others';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.ts') ? [relative(TEST_DIR, path)] : [];
    })
    .sort();
}

/** Each file's duration last time (ms), as this script recorded it; a clean clone has none. */
function lastTimes() {
  try {
    return JSON.parse(readFileSync(TIMES, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * The files packed into about JOBS × GROUPS_PER_JOB groups of similar expected duration (first
 * fit, longest file first), each group with its expected duration. A test process costs CPU
 * before its first test (the emulator's and the engine's modules: about 0.25 s bundled, 1.5 s
 * under tsx), so fewer, fuller processes leave more of the machine to the tests; several per job
 * still let the queue even out the end of the run. A file longer than the others' share gets a group of its own.
 */
function groups(files, times) {
  // Unknown files (a clean clone has no times) count as 20 s when they are e2e (most take 5–40 s
  // beside another group), else as a second. A guess far above the real times made one group of
  // every other file, which ran a minute alone at the end of CI's first run.
  const expected = (file) => times[file] ?? (file.startsWith('e2e/') ? 20_000 : 1_000);
  const sorted = [...files].sort((a, b) => expected(b) - expected(a) || a.localeCompare(b));
  const total = sorted.reduce((sum, file) => sum + expected(file), 0);
  // A file longer than this share gets a group of its own; it does not make every group as long.
  const capacity = Math.max(MIN_GROUP_MS, total / (JOBS * GROUPS_PER_JOB));
  const out = [];
  for (const file of sorted) {
    const group = out.find((g) => g.expected + expected(file) <= capacity);
    if (group) {
      group.files.push(file);
      group.expected += expected(file);
    } else out.push({ files: [file], expected: expected(file) });
  }
  return out.sort((a, b) => b.expected - a.expected);
}

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function runGroup(group) {
  const names = BUNDLE ? group.files.map(bundledName) : group.files;
  const pattern = `^(${names.map(escapeRegex).join('|')})$`;
  const loader = BUNDLE ? ['--enable-source-maps'] : ['--import', 'tsx'];
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ['--import', CPU_AT_EXIT, ...loader, join(ROOT, 'node_modules/uvu/bin.js'), BUNDLE ?? 'test', pattern],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    // uvu prints a file's path on a line of its own when it starts running that file's tests.
    // Lines are read whole: a chunk may end inside one.
    const began = {};
    let stdout = '';
    let scanned = 0;
    child.stdout.on('data', (d) => {
      output += d;
      stdout += d;
      const end = stdout.lastIndexOf('\n') + 1;
      for (const m of stdout.slice(scanned, end).matchAll(FILE_HEADER)) {
        const file = m[1].endsWith('.mjs') ? sourceName(m[1]) : m[1];
        if (group.files.includes(file)) began[file] ??= Date.now();
      }
      scanned = Math.max(scanned, end);
    });
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => {
      const ended = Date.now();
      resolvePromise({ ...group, code, signal, output, ms: ended - started, fileMs: fileTimes(group.files, began, started, ended) });
    });
  });
}

/** A line that is just a test file's path (or its bundled name), between colour codes or none. */
const FILE_HEADER = /^(?:\x1b\[[0-9;]*m)*([\w./~-]+\.test\.m?[jt]s)(?:\x1b\[[0-9;]*m)*$/gm;

/**
 * Each file's share of its group's time: from its header to the next file's (the first file also
 * gets the process's start and imports). A file whose header never came (a crash) gets none.
 */
function fileTimes(files, began, started, ended) {
  const order = files.filter((f) => began[f] !== undefined).sort((a, b) => began[a] - began[b]);
  const out = {};
  order.forEach((file, i) => {
    out[file] = (i + 1 < order.length ? began[order[i + 1]] : ended) - (i === 0 ? started : began[file]);
  });
  return out;
}

/**
 * The type-check (`tsc --noEmit -p .`, TypeScript 7's native compiler: about 2.5 s and 5 s of
 * CPU here), run beside the test groups from the start. Its errors fail the run.
 */
function typecheck() {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const child = spawn(process.execPath, ['--import', CPU_AT_EXIT, tsc, '--noEmit', '-p', ROOT], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => {
      const ms = Date.now() - started;
      const verdict = code === 0 ? 'no type errors' : `type errors (exit ${code ?? signal})`;
      resolvePromise({ files: ['typecheck: tsc --noEmit -p .'], code, signal, ms, typecheck: true, output: `${output}${verdict}\n` });
    });
  });
}

/** uvu's totals from a group's output (colour codes removed). */
function totals(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (label) => Number(plain.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? Number.NaN);
  return { total: count('Total'), passed: count('Passed'), skipped: count('Skipped') };
}

/**
 * Tests that spawn `engine` run bin/engine.js as a user does: the bundle in dist/ while it is
 * fresh, tsx otherwise, at two to three times the CPU per process. Rebuilding a stale bundle
 * first (about a second) keeps those tests on what users run, and keeps the suite's time the
 * same after a source edit as on a clean clone (where `npm install` built it).
 */
function freshenBundle() {
  const state = bundleState();
  if (state === 'fresh' || process.env.FE_NO_BUNDLE === '1') return;
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status !== 0) throw new Error(`dist/ is ${state} and rebuilding it failed (node scripts/build.mjs exited ${built.status})`);
  console.log(`dist/ was ${state}: ${built.stdout.toString().trim()}`);
}

async function main() {
  // The whole run's time, the bundling of dist/ and of the tests included.
  const started = Date.now();
  freshenBundle();
  const only = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
  const files = testFiles(TEST_DIR).filter((f) => !only || only.test(f));
  const results = [];
  const report = (result) => {
    const shown = result.output.replace(/^fe-cpu \d+\n/m, '');
    const cpu = result.output.match(/^fe-cpu (\d+)$/m);
    const cpuText = cpu ? `, ${(Number(cpu[1]) / 1000).toFixed(1)} s CPU` : '';
    process.stdout.write(`\n### ${result.files.join(', ')} (${(result.ms / 1000).toFixed(1)} s${cpuText})\n${shown}`);
    results.push(result);
  };
  // The type-check reads the sources, not the bundle: it starts while the tests are bundled.
  const checked = only ? undefined : typecheck().then(report);
  if (BUNDLE) await bundleTests(ROOT, files, BUNDLE);
  const times = lastTimes();
  const says = (mark) => (file) => readFileSync(join(TEST_DIR, file), 'utf8').includes(mark);
  const last = files.filter(says(LAST_MARK));
  const beside = files.filter((f) => !last.includes(f) && says(BESIDE_MARK)(f));
  const queue = groups(
    files.filter((f) => !last.includes(f) && !beside.includes(f)),
    times,
  );
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) report(await runGroup(group));
  };
  await Promise.all([
    checked,
    ...beside.map(async (file) => report(await runGroup({ files: [file] }))),
    ...Array.from({ length: Math.min(JOBS, queue.length) }, worker),
  ]);
  await Promise.all(last.map(async (file) => report(await runGroup({ files: [file] }))));

  const { sum, broken, cpuMs, cpuCounted } = summarize(results, times);
  try {
    mkdirSync(dirname(TIMES), { recursive: true });
    writeFileSync(TIMES, `${JSON.stringify(times, null, 1)}\n`);
  } catch {
    // A read-only node_modules: the next run orders groups by the default guess.
  }
  const wall = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${files.length} files in ${results.length} groups (${last.length} last, ${beside.length} beside), ${JOBS} at a time: ${sum.passed} passed, ${sum.skipped} skipped, ` +
      `${sum.total - sum.passed - sum.skipped} failed, of ${sum.total} tests, in ${wall} s`,
  );
  // What the run's work cost, whatever its order: on this machine's cores no run of it is faster.
  if (cpuCounted === results.length) {
    const cores = availableParallelism();
    console.log(
      `CPU time of every process started (tests, their children, the type-check): ${(cpuMs / 1000).toFixed(1)} s; ` +
        `on ${cores} cores that is at least ${(cpuMs / 1000 / cores).toFixed(1)} s of wall time`,
    );
  }
  if (broken.length) {
    console.log(`failed: ${broken.join('; ')}`);
    process.exitCode = 1;
  }
}

/**
 * Every group's totals summed, the groups that failed (or whose passed and skipped tests do not
 * add up: a file that crashed before its suites ran), the CPU the processes reported; each
 * file's time goes into `times`, by which the next run packs its groups.
 */
function summarize(results, times) {
  const sum = { total: 0, passed: 0, skipped: 0 };
  const broken = [];
  let cpuMs = 0;
  let cpuCounted = 0;
  for (const r of results) {
    const cpu = r.output.match(/^fe-cpu (\d+)$/m);
    if (cpu) {
      cpuMs += Number(cpu[1]);
      cpuCounted++;
    }
    if (r.typecheck) {
      if (r.code !== 0) broken.push(r.files.join(', '));
      continue;
    }
    const t = totals(r.output);
    for (const key of Object.keys(sum)) sum[key] += Number.isNaN(t[key]) ? 0 : t[key];
    if (r.code !== 0 || Number.isNaN(t.total) || t.passed + t.skipped !== t.total) broken.push(r.files.join(', '));
    // Per file, the time from its header to the next: what the next run packs groups by.
    for (const [f, ms] of Object.entries(r.fileMs ?? {})) times[f] = ms;
  }
  return { sum, broken, cpuMs, cpuCounted };
}

await main();
