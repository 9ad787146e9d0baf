import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NonRetryableError, ObjectiveBreachedError } from '../../engine/errors.ts';
import { parseWorkflow } from '../../engine/load.ts';
import { WorkflowLoadError, formatIssue } from '../../engine/errors.ts';
import { StepRegistry } from '../../engine/registry.ts';
import assertStep, { type AssertContext } from '../../steps/assert.ts';
import { steps } from '../../steps/all.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { testStep } from '../helpers/testStep.ts';

const test = suite('steps/assert');

const scope = {
  inputs: { maxLag: 2000 },
  steps: { lag: { outputs: { ms: 2400, region: 'eu-central-1' } } },
  measures: { failover: { rto: 31_200, detection: null } },
};
const ctx = (): AssertContext => ({ ...stepContext(noTarget), scope });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

test('holds: returns the expression with its operands', async () => {
  assert.equal(await assertStep.run({ that: 'measures.failover.rto <= 60s' }, ctx()), {
    explained: '31.2 s ≤ 60 s',
    actual: 31_200,
    limit: 60_000,
  });
  assert.equal(await assertStep.run({ that: "steps.lag.outputs.region == 'eu-central-1' && true" }, ctx()), {
    explained: "'eu-central-1' = 'eu-central-1' && true",
  });
});

test('breached: an ObjectiveBreachedError with the evaluated operands', async () => {
  const e = await failure(assertStep.run({ that: 'steps.lag.outputs.ms <= 2s', message: 'replication' }, ctx()));
  assert.instance(e, ObjectiveBreachedError);
  assert.is(e.message, 'replication 2.4 s ≤ 2 s: FAIL');
  assert.is((e as ObjectiveBreachedError).code, 'E_OBJECTIVE_BREACHED');
  assert.equal((e as ObjectiveBreachedError).verdicts, [
    { name: 'replication', line: 'replication 2.4 s ≤ 2 s: FAIL', actual: 2400, limit: 2000 },
  ]);
  const noMessage = await failure(assertStep.run({ that: 'steps.lag.outputs.ms <= inputs.maxLag' }, ctx()));
  assert.is(noMessage.message, 'steps.lag.outputs.ms <= inputs.maxLag 2400 ≤ 2000: FAIL');
});

test('a measure that was never reached fails the assertion as not measured', async () => {
  const e = await failure(assertStep.run({ that: 'measures.failover.detection <= 40s', message: 'detection' }, ctx()));
  assert.instance(e, ObjectiveBreachedError);
  assert.is(e.message, 'detection: measures.failover.detection not measured: FAIL');
});

test('type errors at run time and a runner without an expression scope are errors, not breaches', async () => {
  const e = await failure(assertStep.run({ that: 'steps.lag.outputs.region < 2s' }, ctx()));
  assert.not.instance(e, ObjectiveBreachedError);
  assert.match(e.message, /cannot compare steps.lag.outputs.region \(string 'eu-central-1'\) with duration 2s/);
  assert.instance(await failure(assertStep.run({ that: 'true' }, stepContext(noTarget))), NonRetryableError);
});

testStep(test, assertStep, {
  valid: [{ that: 'true', message: 'm' }, { that: 'measures.failover.rto <= 60s' }],
  invalid: [
    { params: {}, errors: ["/: must have required property 'that'"] },
    { params: { that: 'true', nope: 1 }, errors: ['/: must NOT have additional properties'] },
    { params: { that: '' }, errors: ['/that: must NOT have fewer than 1 characters'] },
  ],
  runThenRollback: { noRollback: 'assert only reads: it checks an expression and changes nothing' },
});

test('engine validate checks `that` as an expression, located at file:line:col', () => {
  const yaml = `name: t
steps:
  - { id: lag, type: wait, params: { ms: 1 } }
  - { id: a, type: assert, params: { that: "steps.lag.outputs.waitedMs <= 'x'" } }
  - { id: b, type: assert, params: { that: "steps.nope.outputs.x < 1s" } }
  - { id: c, type: assert, params: { that: "measures.failover.rto <= 60s <= 1" } }
  - { id: d, type: assert, params: { that: "measures.failover.rto <= 60s" } }
`;
  try {
    parseWorkflow(yaml, 'wf.yaml', new StepRegistry(steps));
    assert.unreachable('expected errors');
  } catch (error) {
    assert.instance(error, WorkflowLoadError);
    assert.equal(
      (error as WorkflowLoadError).issues.map((i) => formatIssue(i).replace(/^wf\.yaml:/, '')),
      [
        "4:72: /steps/1/params/that: cannot compare steps.lag.outputs.waitedMs (number) with string 'x' using '<=': it needs two numbers (durations and percentages are numbers) or two strings",
        "5:45: /steps/2/params/that: unknown step 'nope'",
        "6:74: /steps/3/params/that: comparisons do not chain in expression 'measures.failover.rto <= 60s <= 1': write 'measures.failover.rto <= 60s && ...' instead of another '<='",
      ],
    );
  }
});

test.run();
