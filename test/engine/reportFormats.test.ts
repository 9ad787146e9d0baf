import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import { ROOT, runCli, tmp } from '../helpers/engine.ts';
import { foldEvents } from '../../engine/foldEvents.ts';
import { renderJunit } from '../../engine/reports/junit.ts';
import { renderMarkdown } from '../../engine/reports/markdown.ts';
import type { RunEvent } from '../../engine/events.ts';
import type { RunReport } from '../../engine/report.ts';

/**
 * The report files of a real run (`engine run` in-process): report.json against the published
 * schema, report.md for a ticket, junit.xml as CI servers read it, GITHUB_STEP_SUMMARY.
 */
const test = suite('report formats');

const WORKFLOW = `name: formats
description: Writes a JSON file, then fails on purpose.
inputs:
  label: { type: string, default: "a | b", description: The label of this run. }
outputs:
  written: \${{ steps.write.outputs.path }}
  doc: '{"price":"29.99"}'
steps:
  - id: write
    type: writeFile
    description: Writes a small JSON document.
    params: { path: out.json, content: '{"price":"29.99","name":"Widget"}' }
  - id: pause
    type: wait
    params: { ms: 5 }
  - id: boom
    type: fail
    description: Fails, so that the run is compensated.
    params: { message: 'deliberate <failure> & "quotes"' }
  - id: never
    type: wait
    params: { ms: 1 }
`;

interface Ran {
  dir: string;
  runDir: string;
  report: RunReport;
  summary: string;
}

async function runFormats(): Promise<Ran> {
  const dir = tmp('formats-');
  writeFileSync(join(dir, 'wf.yaml'), WORKFLOW);
  const summaryFile = join(dir, 'step-summary.md');
  writeFileSync(summaryFile, '# earlier step\n');
  const res = await runCli(['run', join(dir, 'wf.yaml'), '--json', '--state-dir', join(dir, 'state')], {
    env: { GITHUB_STEP_SUMMARY: summaryFile },
  });
  assert.is(res.code, 1, res.stderr);
  const printed = JSON.parse(res.stdout) as RunReport;
  const report = JSON.parse(readFileSync(join(printed.runDir, 'report.json'), 'utf8')) as RunReport;
  return { dir, runDir: printed.runDir, report, summary: readFileSync(summaryFile, 'utf8') };
}

function reportValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')) as object);
}

test('report.json of a failed run validates against schemas/report.schema.json', async () => {
  const { report } = await runFormats();
  const validate = reportValidator();
  assert.ok(validate(report), JSON.stringify(validate.errors, null, 2));
  assert.is(report.reportVersion, 1);
  assert.is(report.status, 'failed');
  assert.equal(
    report.steps.map((s) => s.status),
    ['succeeded', 'succeeded', 'failed', 'not-run'],
  );
  assert.is(report.steps[0]!.description, 'Writes a small JSON document.');
  assert.equal(report.inputDescriptions, { label: 'The label of this run.' });
  assert.is(report.workflow.description, 'Writes a JSON file, then fails on purpose.');
});

test('the schema refuses a report without its version or with an unknown field', async () => {
  const { report } = await runFormats();
  const validate = reportValidator();
  const { reportVersion: _dropped, ...noVersion } = report;
  assert.not.ok(validate(noVersion));
  assert.not.ok(validate({ ...report, surprise: true }));
});

test('report.md: verdicts first, a timeline with absolute AWS times, descriptions, values unescaped', async () => {
  const { runDir, report } = await runFormats();
  const md = readFileSync(join(runDir, 'report.md'), 'utf8');
  assert.ok(md.startsWith('# formats: FAILED\n'));
  assert.ok(md.indexOf('**Failed: exit 1') < md.indexOf('## Timeline'), 'the verdict comes before the timeline');
  assert.ok(md.indexOf('## Timeline') < md.indexOf('## Steps'));
  const firstRow = md.split('\n').find((l) => l.includes('| run started |'))!;
  assert.ok(firstRow.startsWith(`| ${report.startedAtAws.slice(11, 23)} | +0:00.0 |`), firstRow);
  assert.match(md, /\| boom failed \| step 'boom' failed after 1 attempt\(s\): deliberate <failure> & "quotes" \|/);
  assert.match(md, /Writes a small JSON document\./);
  assert.match(md, /Fails, so that the run is compensated\./);
  assert.ok(md.includes('- label: `a | b` (The label of this run.)'), 'inputs as they are, with their descriptions');
  assert.ok(md.includes('- doc: `{"price":"29.99"}`'), 'a JSON string output as it is');
  assert.ok(md.includes(`(sha256 ${report.workflow.digest})`));
  assert.not.match(md, /\\"/, 'nothing is JSON-escaped');
});

test('junit.xml: one test case per step, failures carry the reason, counts agree', async () => {
  const { runDir } = await runFormats();
  const xml = readFileSync(join(runDir, 'junit.xml'), 'utf8');
  const doc = junit(xml);
  const suites = doc.testsuites.testsuite;
  assert.is(suites.length, 1, 'no objectives, so only the steps suite');
  const cases = suites[0]!.testcase ?? [];
  assert.equal(
    cases.map((c) => c['@_name']),
    ['write', 'pause', 'boom', 'never'],
  );
  assert.is(cases[2]!.failure?.['@_message'], `step 'boom' failed after 1 attempt(s): deliberate <failure> & "quotes"`);
  assert.ok(cases[3]!.skipped !== undefined);
  checkCounts(doc);
  assert.is(doc.testsuites['@_failures'], '1');
  assert.is(doc.testsuites['@_skipped'], '1');
});

test('junit.xml maps each objective verdict to a test case; a breach is a failure naming actual and limit', () => {
  const start = {
    kind: 'run-start',
    runId: 'r',
    workflow: { file: 'w', name: 'w', digest: 'd', dir: '/' },
    inputs: {},
    target: { kind: 'aws', timeScale: 1 },
    cleanup: 'always',
    pid: 1,
    steps: [],
  };
  const events = [
    start,
    {
      kind: 'verdict',
      name: 'failover time',
      expression: 'dns.failoverSeconds <= 60',
      actual: 35,
      limit: 60,
      pass: true,
      line: 'failover time 35 ≤ 60  PASS',
      pointer: '/objectives/rto',
    },
    {
      kind: 'verdict',
      name: 'error rate',
      expression: 'clients.errorRate <= 0.01',
      actual: 0.2,
      limit: 0.01,
      pass: false,
      line: 'error rate 0.2 ≤ 0.01  FAIL',
      pointer: '/objectives/expect/0',
    },
    {
      kind: 'verdict',
      name: 'quick',
      expression: 'steps.w.outputs.sinceAwsMs <= 60s',
      actual: null,
      limit: 60000,
      pass: false,
      line: 'quick not measured ≤ 60 s  FAIL',
      pointer: '/objectives/expect/1',
      error: 'not measured: steps.w.outputs.sinceAwsMs has no value',
    },
    {
      kind: 'verdict',
      name: 'failover RTO',
      expression: 'measures.failover.rto <= 2m',
      actual: 75_000,
      limit: 120_000,
      pass: true,
      line: 'failover RTO 1.25 min ≤ 2 min  PASS',
      pointer: '/objectives/rto',
    },
  ].map((e, i) => ({ ...e, seq: i + 1, wall: 1000 * i, aws: 1000 * i })) as RunEvent[];
  const report = foldEvents(events, { runDir: '/tmp' });
  const doc = junit(renderJunit(report));
  const objectives = doc.testsuites.testsuite[0]!;
  const cases = objectives.testcase ?? [];
  assert.equal(
    cases.map((c) => c['@_name']),
    ['failover time', 'error rate', 'quick', 'failover RTO'],
  );
  assert.is(cases[1]!.failure?.['@_message'], 'error rate breached: actual 0.2, limit 0.01');
  // Not measured: the report says what had no value, not `null`.
  const why = 'not measured: steps.w.outputs.sinceAwsMs has no value';
  assert.is(cases[2]!.failure?.['@_message'], `quick breached: actual ${why}, limit 60 s`);
  assert.ok(renderMarkdown(report).includes(`| quick | **BREACHED** | ${why} | 60 s |`), renderMarkdown(report));
  // Operands read in the unit the limit was written in (as the verdict line does), not in milliseconds.
  assert.ok(renderMarkdown(report).includes('| failover RTO | met | 1.25 min | 2 min |'), renderMarkdown(report));
  assert.match(cases[1]!.failure?.['#text'] ?? '', /clients\.errorRate <= 0\.01 \(workflow \/objectives\/expect\/0\)/);
  checkCounts(doc);
  const validate = reportValidator();
  assert.ok(validate(report), JSON.stringify(validate.errors));
});

test('GITHUB_STEP_SUMMARY gets the Markdown report appended', async () => {
  const { summary, runDir } = await runFormats();
  assert.ok(summary.startsWith('# earlier step\n# formats: FAILED\n'));
  assert.ok(summary.includes(readFileSync(join(runDir, 'report.md'), 'utf8')));
});

interface JunitCase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: { '@_message': string; '#text'?: string };
  skipped?: unknown;
}
interface JunitSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  '@_time': string;
  testcase?: JunitCase[];
}
interface JunitDoc {
  testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: JunitSuite[] };
}

/** Parses JUnit XML with every testsuite/testcase as an array. */
function junit(xml: string): JunitDoc {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' });
  return parser.parse(xml) as JunitDoc;
}

/**
 * What CI servers read (the Jenkins/Surefire JUnit schema): every suite has name, tests,
 * failures, errors, skipped, time; every case name, classname and a numeric time; the counts
 * equal the cases.
 */
function checkCounts(doc: JunitDoc): void {
  let tests = 0;
  for (const s of doc.testsuites.testsuite) {
    for (const attr of ['@_name', '@_tests', '@_failures', '@_errors', '@_skipped', '@_time'] as const)
      assert.type(s[attr], 'string', `testsuite ${attr}`);
    const cases = s.testcase ?? [];
    assert.is(Number(s['@_tests']), cases.length);
    assert.is(Number(s['@_failures']), cases.filter((c) => c.failure).length);
    assert.is(Number(s['@_skipped']), cases.filter((c) => !c.failure && c.skipped !== undefined).length);
    for (const c of cases) {
      assert.ok(c['@_name'] && c['@_classname'], 'testcase name and classname');
      assert.ok(Number.isFinite(Number(c['@_time'])), 'testcase time');
    }
    tests += cases.length;
  }
  assert.is(Number(doc.testsuites['@_tests']), tests);
}

test.run();
