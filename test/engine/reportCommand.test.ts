import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { LONG_WORKFLOW, onlyRun, runCli, spawnEngine, tmp, waitUntil } from '../helpers/engine.ts';
import { readJournal } from '../../engine/journal.ts';
import type { RunReport } from '../../engine/report.ts';

/**
 * `engine report <runId>`: every format again from the journal alone, here of a run killed
 * with SIGKILL in the middle of a wait (no run-end, no report written by the run itself).
 */
const test = suite('engine report');

/** Starts the long workflow, kills it (-9) once its wait step is under way; returns the state dir and run id. */
async function killedRun(): Promise<{ dir: string; stateDir: string; runId: string }> {
  const dir = tmp('killed-');
  writeFileSync(join(dir, 'long.yaml'), LONG_WORKFLOW(dir));
  const stateDir = join(dir, 'state');
  // At 1× the wait is really long (on the idle-skipping default it would end at once: nothing else is at work).
  const spawned = await spawnEngine(['run', join(dir, 'long.yaml'), '--state-dir', stateDir, '--time-scale', '1'], {
    onStart: (child) => {
      void waitUntil(
        () => {
          const run = onlyRun(stateDir);
          return Boolean(run && readJournal(run.path).records.some((r) => r.kind === 'step-intent' && r.stepId === 'long'));
        },
        30_000,
        'the wait step to start',
      ).then(() => child.kill('SIGKILL'));
    },
  });
  assert.is(spawned.signal, 'SIGKILL');
  const run = onlyRun(stateDir)!;
  assert.not.ok(existsSync(join(stateDir, 'runs', run.runId, 'report.json')), 'the killed run wrote no report');
  return { dir, stateDir, runId: run.runId };
}

/** One killed run serves every test (each only reads its journal and writes report files). */
let killed: ReturnType<typeof killedRun> | undefined;
const sharedKilledRun = () => (killed ??= killedRun());

test('renders every format of a killed run into its folder, as far as the journal got', async () => {
  const { stateDir, runId } = await sharedKilledRun();
  const res = await runCli(['report', runId, '--state-dir', stateDir]);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /^unfinished \(exit 1\): wrote /);
  const folder = join(stateDir, 'runs', runId);
  const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as RunReport;
  assert.is(report.status, 'unfinished');
  assert.equal(
    report.steps.map((s) => `${s.id}:${s.status}`),
    ['first:succeeded', 'second:succeeded', 'long:running', 'after:not-run'],
  );
  const html = readFileSync(join(folder, 'report.html'), 'utf8');
  assert.equal(
    [...html.matchAll(/data-lane="([^"]+)"/g)].map((m) => m[1]),
    ['first', 'second', 'long', 'after'],
  );
  assert.match(html, /data-lane="long" data-status="running"/);
  const xml = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testcase' || n === 'testsuite' }).parse(
    readFileSync(join(folder, 'junit.xml'), 'utf8'),
  ) as {
    testsuites: { testsuite: Array<{ testcase: Array<{ '@_name': string; failure?: { '@_message': string }; skipped?: unknown }> }> };
  };
  const cases = xml.testsuites.testsuite[0]!.testcase;
  assert.match(cases.find((c) => c['@_name'] === 'long')!.failure!['@_message'], /the run ended before this step did/);
  assert.ok(cases.find((c) => c['@_name'] === 'after')!.skipped !== undefined);
  assert.match(readFileSync(join(folder, 'report.md'), 'utf8'), /^# long: UNFINISHED\n/);
});

test('--format renders one format to stdout, or to --out', async () => {
  const { dir, stateDir, runId } = await sharedKilledRun();
  const md = await runCli(['report', runId, '--state-dir', stateDir, '--format', 'md']);
  assert.is(md.code, 0, md.stderr);
  assert.match(md.stdout, /\| long started \| wait \|/);
  const out = join(dir, 'copy.json');
  const json = await runCli(['report', runId, '--state-dir', stateDir, '--format', 'json', '--out', out]);
  assert.is(json.code, 0, json.stderr);
  assert.is((JSON.parse(readFileSync(out, 'utf8')) as RunReport).runId, runId);
});

test('usage errors: an unknown format, --out without --format, an unknown run', async () => {
  const { stateDir, runId } = await sharedKilledRun();
  const bad = await runCli(['report', runId, '--state-dir', stateDir, '--format', 'pdf']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of html, md, json, junit, got 'pdf'/);
  const noFormat = await runCli(['report', runId, '--state-dir', stateDir, '--out', 'x.html']);
  assert.is(noFormat.code, 2);
  const unknown = await runCli(['report', 'nope', '--state-dir', stateDir]);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /no run 'nope'/);
});

test.run();
