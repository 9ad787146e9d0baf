import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileObjectives } from '../../engine/objectiveSpecs.ts';
import { allPassed, checkObjectives } from '../../engine/objectives.ts';
import { parseWorkflow } from '../../engine/load.ts';
import { WorkflowLoadError, formatIssue } from '../../engine/errors.ts';
import { deriveMeasures } from '../../engine/measures/deriveMeasures.ts';
import { testRegistry } from '../helpers/engine.ts';
import { goodDrill } from './measures/streams.ts';

const test = suite('objectives');
const registry = testRegistry();

const measures = {
  failover: { rto: 31_200, detection: 28_000, rpo: { lostWrites: 0, spanMs: 0 } },
  failback: { rto: null, rpo: { lostWrites: 3, spanMs: 2000 } },
  errorWindow: { ttl: 40_000, forever: 88_000 },
  availability: { all: 0.994, ttl: 0.999 },
};

function lines(block: Record<string, unknown>, m: unknown = measures): string[] {
  const { specs, problems } = compileObjectives(block);
  assert.equal(problems, []);
  return checkObjectives(specs, { measures: m, inputs: { budget: 30_000 } }).map((v) => v.line);
}

test('the shorthand vocabulary, one verdict line each', () => {
  assert.equal(lines({ rto: '60s', rpo: 0, rpoSpan: '5s', availability: '99%' }), [
    'failover RTO 31.2 s ≤ 60 s  PASS',
    'failover RPO span 0 s ≤ 5 s  PASS',
    'failover RPO (lost writes) 0 ≤ 0  PASS',
    'availability 99.4% ≥ 99%  PASS',
  ]);
  assert.equal(lines({ rto: 30000, availability: 0.995 }), ['failover RTO 31200 ms ≤ 30000 ms  FAIL', 'availability 99.4% ≥ 99.5%  FAIL']);
});

test('a measure never reached fails as not measured', () => {
  const { specs } = compileObjectives({ failbackRto: '90s', failbackRpo: 0 });
  const verdicts = checkObjectives(specs, { measures });
  assert.equal(
    verdicts.map((v) => v.line),
    ['failback RTO not measured ≤ 90 s  FAIL', 'failback RPO (lost writes) 3 ≤ 0  FAIL'],
  );
  assert.equal(verdicts[0], {
    name: 'failback RTO',
    expression: 'measures.failback.rto <= 90s',
    actual: null,
    limit: 90_000,
    pass: false,
    line: 'failback RTO not measured ≤ 90 s  FAIL',
    pointer: '/objectives/failbackRto',
    error: 'not measured: measures.failback.rto has no value',
  });
  assert.not.ok(allPassed(verdicts));
});

test('error window: one limit for every client probe, or one per probe', () => {
  assert.equal(lines({ errorWindow: '45s' }), ['error window (ttl) 40 s ≤ 45 s  PASS', 'error window (forever) 88 s ≤ 45 s  FAIL']);
  assert.equal(lines({ errorWindow: { ttl: '45s', forever: '2m' } }), [
    'error window (ttl) 40 s ≤ 45 s  PASS',
    'error window (forever) 1.467 min ≤ 2 min  PASS',
  ]);
  assert.equal(lines({ errorWindow: '45s' }, {}), ['error window (no client probe) not measured ≤ 45 s  FAIL']);
});

test('availability per client, `all` for every request', () => {
  assert.equal(lines({ availability: { all: '99%', ttl: '99.9%', nobody: '50%' } }), [
    'availability 99.4% ≥ 99%  PASS',
    'availability (ttl) 99.9% ≥ 99.9%  PASS',
    'availability (nobody) not measured ≥ 50%  FAIL',
  ]);
});

test('free expressions, with or without ${{ }}, named or not', () => {
  assert.equal(
    lines({
      expect: [
        { that: '${{ measures.failover.detection <= 40s }}', name: 'detection' },
        { that: 'measures.errorWindow.ttl < measures.errorWindow.forever && measures.failover.rto <= inputs.budget' },
      ],
    }),
    [
      'detection 28 s ≤ 40 s  PASS',
      'measures.errorWindow.ttl < measures.errorWindow.forever && measures.failover.rto <= inputs.budget 40000 < 88000 && 31200 ≤ 30000 (measures.errorWindow.ttl < measures.errorWindow.forever && measures.failover.rto <= inputs.budget)  FAIL',
    ],
  );
});

test('verdicts on measures derived from an evidence stream', () => {
  const { specs } = compileObjectives({ rto: '60s', errorWindow: { ttl: '60s', forever: '60s' } });
  const verdicts = checkObjectives(specs, { measures: deriveMeasures(goodDrill()) });
  assert.equal(
    verdicts.map((v) => v.line),
    ['failover RTO 52 s ≤ 60 s  PASS', 'error window (ttl) 50 s ≤ 60 s  PASS', 'error window (forever) 88 s ≤ 60 s  FAIL'],
  );
  assert.equal([verdicts[0]!.actual, verdicts[0]!.limit], [52_000, 60_000]);
});

function loadIssues(yaml: string): string[] {
  try {
    parseWorkflow(yaml, 'wf.yaml', registry);
  } catch (error) {
    assert.instance(error, WorkflowLoadError);
    return (error as WorkflowLoadError).issues.map((i) => formatIssue(i).replace(/^wf\.yaml:/, ''));
  }
  return [];
}

test('the loader compiles the block into the workflow', () => {
  const wf = parseWorkflow(
    'name: t\nobjectives:\n  rto: 60s\n  expect:\n    - that: measures.failover.dns < 10s\nsteps:\n  - { id: a, type: record }\n',
    'wf.yaml',
    registry,
  );
  assert.equal(wf.objectives, [
    { name: 'failover RTO', source: 'measures.failover.rto <= 60s', pointer: '/objectives/rto' },
    { name: 'measures.failover.dns < 10s', source: 'measures.failover.dns < 10s', pointer: '/objectives/expect/0/that' },
  ]);
  assert.is(parseWorkflow('name: t\nsteps:\n  - { id: a, type: record }\n', 'wf.yaml', registry).objectives, undefined);
});

test('engine validate locates objective errors at file:line:col', () => {
  const yaml = `name: t
inputs:
  who: { type: string, default: me }
objectives:
  rto: 60 seconds
  availability: 101%
  rpo: -1
  latency: 1s
  expect:
    - that: "\${{ measures.failover.rto <= 'fast' }}"
    - that: measures.failover.rto <= inputs.who
    - that: measures.failover.rto <= 60s <= 70s
    - that: process.exit(1)
    - that: steps.nope.outputs.x > 1 || inputs.whom == 'x'
steps:
  - { id: a, type: record }
`;
  assert.equal(loadIssues(yaml), [
    "5:8: /objectives/rto: invalid duration '60 seconds': use milliseconds or a number with ms, s, m or h",
    "6:17: /objectives/availability: availability '101%' is over 100%",
    '7:8: /objectives/rpo: must be >= 0',
    "8:3: /objectives/latency: unknown property 'latency' (allowed: rto, failbackRto, rpo, rpoSpan, failbackRpo, errorWindow, availability, expect)",
    "10:40: /objectives/expect/0/that: cannot compare measures.failover.rto (number) with string 'fast' using '<=': it needs two numbers (durations and percentages are numbers) or two strings",
    "11:35: /objectives/expect/1/that: cannot compare measures.failover.rto (number) with inputs.who (string) using '<=': it needs two numbers (durations and percentages are numbers) or two strings",
    "12:42: /objectives/expect/2/that: comparisons do not chain in expression 'measures.failover.rto <= 60s <= 70s': write 'measures.failover.rto <= 60s && ...' instead of another '<='",
    "13:13: /objectives/expect/3/that: unknown root 'process' in 'process.exit(1)' (expected one of inputs, steps, env, target, run, secrets, measures)",
    "14:13: /objectives/expect/4/that: unknown step 'nope'",
    "14:41: /objectives/expect/4/that: unknown input 'whom' (did you mean 'who'?)",
  ]);
});

test.run();
