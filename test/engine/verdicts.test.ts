import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowLoadError, formatIssue } from '../../engine/errors.ts';
import { compileConfig } from '../../engine/compile.ts';
import { foldEvents } from '../../engine/foldEvents.ts';
import { readJournal } from '../../engine/journal.ts';
import { untrustedReason } from '../../engine/journalTrust.ts';
import { events, startYaml, workflowFrom } from '../helpers/engine.ts';

/**
 * The verdicts of a run, without a target: objectives over inputs and step outputs, `assert`
 * steps, the `verdicts` state before compensation, exit 4, and the `probes:` block's checks.
 */
const test = suite('engine/verdicts');

test.before.each(() => {
  events.length = 0;
});

const objectives = (limit: number) => `name: verdicts
inputs:
  lag: 5
steps:
  - id: a
    type: record
    params: { value: 1 }
objectives:
  expect:
    - name: lag
      that: inputs.lag <= ${limit}
`;

test('objectives that hold: exit 0, a verdict line per objective in the report', async () => {
  const { handle } = startYaml(objectives(10));
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.is(report.status, 'passed');
  assert.equal(
    report.drill?.verdicts.map((v) => [v.name, v.pass, v.line]),
    [['lag', true, 'lag 5 ≤ 10  PASS']],
  );
});

test('a breached objective: compensated, status breached, exit 4, the journal is trusted', async () => {
  const { handle, stateDir } = startYaml(objectives(3));
  const report = await handle.done;
  assert.is(report.exitCode, 4);
  assert.is(report.status, 'breached');
  assert.equal(events, ['run:a', 'end:a', 'undo:a']);
  assert.equal(
    report.drill?.verdicts.map((v) => v.line),
    ['lag 5 ≤ 3  FAIL'],
  );
  assert.is(report.error?.code, 'E_OBJECTIVE_BREACHED');
  assert.match(report.error!.message, /lag 5 ≤ 3 {2}FAIL/);
  const journal = readJournal(join(stateDir, 'runs', report.runId, 'journal.jsonl'));
  assert.is(untrustedReason(journal), undefined);
  // The report folds again from the journal alone, verdicts included.
  assert.equal(foldEvents(journal.records, { runDir: report.runDir }).drill?.verdicts, report.drill?.verdicts);
  assert.ok(readFileSync(join(report.runDir, 'report.md'), 'utf8').includes('lag 5 ≤ 3  FAIL'));
});

test('a failed assert step exits 4 too, after compensation', async () => {
  const { handle } = startYaml(`name: asserting
steps:
  - id: a
    type: record
    params: { value: 7 }
  - id: check
    type: assert
    params:
      that: steps.a.outputs.value <= 5
      message: value
`);
  const report = await handle.done;
  assert.is(report.exitCode, 4);
  assert.is(report.status, 'breached');
  assert.equal(events, ['run:a', 'end:a', 'undo:a']);
  assert.match(report.steps.find((s) => s.id === 'check')!.error!.message, /value 7 ≤ 5: FAIL/);
});

test('a failed step with objectives: exit 1, and the objectives are judged for the report', async () => {
  const { handle } = startYaml(`name: failing
steps:
  - id: boom
    type: fail
    params: { message: broken }
objectives:
  rto: 60s
`);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.is(report.status, 'failed');
  assert.equal(
    report.drill?.verdicts.map((v) => v.line),
    ['failover RTO not measured ≤ 60 s  FAIL'],
  );
});

test('a drill compiles a verdicts state between the steps and compensation', () => {
  const config = compileConfig(workflowFrom(objectives(3)));
  assert.equal(config.states!.running!.onDone, { target: 'verdicts' });
  assert.is(config.states!.verdicts!.invoke!.src, 'checkVerdicts');
  const plain = compileConfig(workflowFrom('name: p\nsteps:\n  - id: a\n    type: record\n'));
  assert.is(plain.states!.verdicts, undefined);
});

const probe = (body: string) => `name: probes
steps:
  - id: a
    type: record
probes:
${body}
`;

function loadProblems(yaml: string): string[] {
  try {
    workflowFrom(yaml);
  } catch (error) {
    if (error instanceof WorkflowLoadError)
      return error.issues.map((i) =>
        formatIssue(i)
          .replace(/^.*workflow\.yaml:/, '')
          .trim(),
      );
    throw error;
  }
  return [];
}

test('probes: block: loaded with its lifecycle, interval in ms, config kept for templates', () => {
  const wf = workflowFrom(
    probe(`  ttl:
    type: client
    startAfter: a
    cache: ttl
    dnsName: \${{ inputs.name }}
    path: /dev/productApi?id=1
    interval: 2s`).replace('steps:', 'inputs:\n  name: x.example.com\nsteps:'),
  );
  assert.equal(wf.probes, [
    {
      name: 'ttl',
      type: 'client',
      mode: 'continuous',
      startAfter: 'a',
      readBack: [],
      config: { name: 'ttl', cache: 'ttl', dnsName: '${{ inputs.name }}', path: '/dev/productApi?id=1', intervalMs: 2000 },
      pointer: '/probes/ttl',
    },
  ]);
});

test('probes: block: problems name file:line:col and what to change', () => {
  const problems = loadProblems(
    probe(`  w:
    type: writer
    url: http://x
    region: us-east-1
    interval: 1s
    startAfter: nope
    readBack: { region: eu-central-1, after: missing }
  c:
    type: client
    mode: onChaos
    startAfter: a
    cache: sometimes
    dnsName: x
    path: /
    interval: 1s
  h:
    type: healthCheck
    interval: 1s`),
  );
  assert.ok(
    problems.some((p) => /^11:17: .*startAfter: no step 'nope'/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /^12:46: .*readBack.after: no step 'missing'/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /cache/.test(p) && /must be one of: "ttl", "minTtl", "forever"/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /healthCheckId/.test(p)),
    problems.join('\n'),
  );
});

test.run();
