import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseWorkflow, loadWorkflowFile } from '../../engine/load.ts';
import { WorkflowLoadError, formatIssue, type LoadIssue } from '../../engine/errors.ts';
import { flattenSteps } from '../../engine/workflow.ts';
import { ROOT, testRegistry } from '../helpers/engine.ts';

const load = suite('load');
const registry = testRegistry();

/** Loads YAML and returns its issues formatted `line:col: path: message` (file name stripped). */
function issues(yaml: string): string[] {
  try {
    parseWorkflow(yaml, 'wf.yaml', registry);
  } catch (error) {
    assert.instance(error, WorkflowLoadError);
    return (error as WorkflowLoadError).issues.map((i: LoadIssue) => formatIssue(i).replace(/^wf\.yaml:/, ''));
  }
  assert.unreachable('expected a WorkflowLoadError');
  return [];
}

const header = 'name: t\n';

load('a valid workflow becomes a model with defaults filled in', () => {
  const wf = parseWorkflow(
    `${header}inputs:\n  n: 3\n  who: { type: string, default: me }\nsteps:\n  - id: a\n    type: wait\n    params: { ms: 5 }\n    timeout: 2s\n    retry: { maximumAttempts: 4 }\n  - id: b\n    parallel:\n      x:\n        - { id: c, type: record }\n      y:\n        - { id: d, type: record, rollback: false }\n`,
    'wf.yaml',
    registry,
  );
  assert.is(wf.cleanup, 'onFailure');
  assert.equal(wf.inputs.n, { default: 3, required: false });
  const [a] = flattenSteps(wf.steps);
  assert.is(a!.timeoutMs, 2000);
  assert.equal(a!.retry, {
    maximumAttempts: 4,
    initialInterval: 1000,
    backoffCoefficient: 2,
    maximumInterval: 100000,
    nonRetryableErrorTypes: [],
  });
  assert.is(a!.rollback.kind, 'none', 'wait has no rollback of its own');
  assert.equal(
    flattenSteps(wf.steps).map((s) => s.id),
    ['a', 'c', 'd'],
  );
  assert.is(wf.digest.length, 64);
});

load('a timeout without a unit is an error naming both readings', () => {
  const out = issues(
    `${header}steps:\n  - id: a\n    type: record\n    timeout: 30\n  - id: b\n    type: record\n    timeout: "45"\n  - { id: c, type: record, timeout: 30s }\n`,
  );
  assert.equal(out, [
    "5:14: /steps/0/timeout: timeout 30 has no unit: write '30s' for seconds or '30ms' for milliseconds",
    "8:14: /steps/1/timeout: timeout 45 has no unit: write '45s' for seconds or '45ms' for milliseconds",
  ]);
});

load('YAML syntax errors are located', () => {
  const out = issues(`${header}steps:\n  - id: a\n    type: [wait\n`);
  assert.ok(out.length >= 1);
  assert.match(out[0]!, /^\d+:\d+: \/: /);
});

load('duplicate YAML keys are located', () => {
  assert.equal(issues(`${header}steps:\n  - id: a\n    type: wait\n    type: wait\n    params: { ms: 1 }\n`), [
    '5:5: /: Map keys must be unique',
  ]);
});

load('unknown envelope property, with a suggestion, points at the key', () => {
  assert.equal(issues(`${header}steps:\n  - id: a\n    type: wait\n    params: { ms: 1 }\n    retries: 3\n`), [
    "6:5: /steps/0/retries: unknown property 'retries' (did you mean 'retry'?)",
  ]);
});

load('missing required properties and bad enums', () => {
  assert.equal(issues(`name: t\ncleanup: sometimes\nsteps:\n  - id: a\n    params: {}\n`), [
    '2:10: /cleanup: must be one of: "onFailure", "always", "never"',
    "4:5: /steps/0: missing required property 'type'",
  ]);
  assert.equal(issues(`steps:\n  - { id: a, type: wait, params: { ms: 1 } }\n`), ["1:1: /: missing required property 'name'"]);
});

load('bad durations and retry policies', () => {
  assert.equal(
    issues(
      `${header}steps:\n  - id: a\n    type: wait\n    params: { ms: 1 }\n    timeout: soon\n    retry: { initialInterval: 10s, maximumInterval: 1s }\n`,
    ),
    [
      "6:14: /steps/0/timeout: invalid duration 'soon': use milliseconds or a number with ms, s, m or h",
      '7:53: /steps/0/retry/maximumInterval: maximumInterval cannot be less than its initialInterval',
    ],
  );
});

load('unknown step type with a did-you-mean', () => {
  assert.equal(issues(`${header}steps:\n  - id: a\n    type: writefile\n`), [
    "4:11: /steps/0/type: unknown step type 'writefile' (did you mean 'writeFile'?)",
  ]);
  assert.equal(issues(`${header}steps:\n  - id: a\n    type: launchRockets\n`), ["4:11: /steps/0/type: unknown step type 'launchRockets'"]);
});

load('step params are validated against the type schema, all errors at once', () => {
  assert.equal(issues(`${header}steps:\n  - id: a\n    type: writeFile\n    params:\n      content: 5\n      mode: x\n`), [
    "6:7: /steps/0/params: missing required property 'path'",
    '6:16: /steps/0/params/content: must be string',
    "7:7: /steps/0/params/mode: unknown property 'mode' (allowed: path, content)",
  ]);
});

load('a template value is not checked against the param type statically', () => {
  parseWorkflow(
    `${header}inputs: { n: 5 }\nsteps:\n  - id: a\n    type: wait\n    params: { ms: "\${{ inputs.n }}" }\n`,
    'wf.yaml',
    registry,
  );
});

load('rollback overrides are validated like steps', () => {
  assert.equal(issues(`${header}steps:\n  - id: a\n    type: record\n    rollback: { type: wirteFile, params: {} }\n`), [
    "5:23: /steps/0/rollback/type: unknown step type 'wirteFile' (did you mean 'writeFile'?)",
  ]);
});

load('malformed and duplicate ids', () => {
  assert.equal(
    issues(
      `${header}steps:\n  - { id: a.b, type: record }\n  - { id: 9x, type: record }\n  - { id: c, type: record }\n  - { id: c, type: record }\n`,
    ),
    [
      "3:11: /steps/0/id: invalid id 'a.b': must start with a letter and contain only letters, digits, '_' or '-' (no dots)",
      "4:11: /steps/1/id: invalid id '9x': must start with a letter and contain only letters, digits, '_' or '-' (no dots)",
      "6:11: /steps/3/id: duplicate id 'c' (first used at line 5)",
    ],
  );
});

load('a generated parallel block id is registered: a later step with that id is a located duplicate', () => {
  assert.equal(
    issues(`${header}steps:\n  - parallel:\n      x:\n        - { id: a, type: record }\n  - { id: parallel-1, type: record }\n`),
    ["6:11: /steps/1/id: duplicate id 'parallel-1' (first used at line 3)"],
  );
});

load('invalid parallel branch names point at the key', () => {
  assert.equal(issues(`${header}steps:\n  - parallel:\n      bad.branch:\n        - { id: a, type: record }\n`), [
    "4:7: /steps/0/parallel/bad.branch: invalid id 'bad.branch': must start with a letter and contain only letters, digits, '_' or '-' (no dots)",
  ]);
});

load('references: unknown step, later step, sibling branch, itself', () => {
  const yaml = `${header}steps:
  - id: a
    type: record
    params: { value: "\${{ steps.nope.outputs.value }}" }
  - id: b
    type: record
    params: { value: "x-\${{ steps.c.outputs.value }}" }
  - id: c
    type: record
    params: { value: "\${{ steps.c.outputs.value }}" }
  - parallel:
      left:
        - { id: d, type: record, params: { value: "\${{ steps.e.outputs.value }}" } }
      right:
        - { id: e, type: record, params: { value: "\${{ steps.a.outputs.value }}" } }
  - { id: f, type: record, params: { value: "\${{ steps.d.outputs.value }} \${{ steps.e.outputs.value }}" } }
`;
  assert.equal(issues(yaml), [
    "5:23: /steps/0/params/value: unknown step 'nope'",
    "8:25: /steps/1/params/value: step 'c' does not run before 'b'",
    "11:23: /steps/2/params/value: step 'c' cannot reference its own outputs",
    "14:52: /steps/3/parallel/left/0/params/value: step 'e' does not run before 'd'",
  ]);
});

load('references: unknown inputs, outputs, target and run keys, bad syntax', () => {
  const yaml = `${header}inputs:\n  region: us-east-1\nsteps:
  - { id: a, type: record, params: { value: "\${{ inputs.regoin }}" } }
  - { id: b, type: wait, params: { ms: "\${{ steps.a.outputs.nothing }}" } }
  - { id: c, type: record, params: { value: "\${{ target.password }} \${{ run.nope }}" } }
  - { id: d, type: record, params: { value: "\${{ steps.a.outputs.value " } }
  - { id: e, type: record, params: { value: "\${{ process.exit }}" } }
`;
  assert.equal(issues(yaml), [
    "5:46: /steps/0/params/value: unknown input 'regoin' (did you mean 'region'?)",
    "6:41: /steps/1/params/ms: step 'a' (record) has no output 'nothing' (outputs: value, stepId)",
    "7:46: /steps/2/params/value: unknown target value 'password' (known: kind, endpoint, host, port, dnsHost, dnsPort, timeScale)",
    "7:69: /steps/2/params/value: unknown run value 'nope' (known: id, dir, workflowDir, startedAt)",
    "8:45: /steps/3/params/value: unterminated expression: '${{ steps.a.outputs.value ' has no closing '}}'",
    "9:45: /steps/4/params/value: unknown root 'process' in 'process.exit' (expected one of inputs, steps, env, target, run, secrets)",
  ]);
});

load('an output the step sets only with a param is refused where the step lacks that param', () => {
  const yaml = `${header}steps:
  - { id: early, type: awaitDnsTarget, params: { name: a.example, expected: b.example } }
  - { id: timed, type: awaitDnsTarget, params: { name: a.example, expected: b.example, since: 0 } }
  - { id: read, type: record, params: { value: "\${{ steps.timed.outputs.sinceMs }} \${{ steps.early.outputs.answer }}" } }
objectives:
  expect:
    - { name: quick, that: "steps.early.outputs.sinceAwsMs <= 60s" }
`;
  assert.equal(issues(yaml), [
    "8:29: /objectives/expect/0/that: step 'early' (awaitDnsTarget) sets output 'sinceAwsMs' only when its params give 'since', and they do not (add params.since to step 'early')",
  ]);
});

load('if: and workflow outputs are checked too', () => {
  assert.equal(
    issues(`${header}outputs:\n  x: "\${{ steps.zz.outputs.value }}"\nsteps:\n  - { id: a, type: record, if: "\${{ inputs.go }}" }\n`),
    ["3:7: /outputs/x: unknown step 'zz'", "5:33: /steps/0/if: unknown input 'go' (the workflow declares no inputs)"],
  );
});

load('expressions: type errors and syntax errors are located at the operator or character', () => {
  const yaml = `${header}inputs:\n  region: us-east-1\n  n: { type: integer, default: 1 }\nsteps:
  - { id: a, type: record, if: "\${{ inputs.region < 60s }}" }
  - { id: b, type: record, if: "\${{ inputs.n >= 1 && (inputs.n == 'x' || true) }}" }
  - { id: c, type: record, params: { value: "v=\${{ inputs.n > 2 < 3 }}" } }
  - { id: d, type: record, if: "\${{ inputs.n + 1 }}" }
  - { id: e, type: record, if: "\${{ inputs.n >= 50% && steps.a.outputs.value != 1.5s }}" }
`;
  assert.equal(issues(yaml), [
    "6:51: /steps/0/if: cannot compare inputs.region (string) with duration 60s using '<': it needs two numbers (durations and percentages are numbers) or two strings",
    "7:64: /steps/1/if: cannot compare inputs.n (number) with string 'x' using '==': they can never be equal",
    "8:65: /steps/2/params/value: comparisons do not chain in expression 'inputs.n > 2 < 3': write 'inputs.n > 2 && ...' instead of another '<'",
    "9:46: /steps/3/if: cannot parse expression 'inputs.n + 1': unexpected '+' at column 10",
  ]);
});

load('a missing file is one located issue', () => {
  try {
    loadWorkflowFile('/nonexistent/wf.yaml', registry);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, WorkflowLoadError);
    assert.is(formatIssue((error as WorkflowLoadError).issues[0]!), '/nonexistent/wf.yaml:1:1: /: cannot read workflow: no such file');
  }
});

load('the five-mistakes fixture yields five located errors', () => {
  try {
    loadWorkflowFile(join(ROOT, 'test/engine/fixtures/five-mistakes.yaml'), registry);
    assert.unreachable();
  } catch (error) {
    assert.is((error as WorkflowLoadError).issues.length, 5);
  }
});

load('every example workflow validates', () => {
  const dir = join(ROOT, 'workflows/examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 2);
  for (const f of files) loadWorkflowFile(join(dir, f), registry);
});

load('an if: that is text around a template (always true) is refused, with the condition to write instead', () => {
  const yaml = (cond: string) =>
    `${header}inputs:\n  a: { type: boolean, default: true }\nsteps:\n  - id: s\n    if: ${cond}\n    type: record\n`;
  assert.equal(issues(yaml('"${{ inputs.a }} == false"')), [
    "6:9: /steps/0/if: '${{ inputs.a }} == false' is text, not a condition: any non-empty text is true, so this step would always run. " +
      'Put the whole condition inside one template: if: ${{ inputs.a == false }}',
  ]);
  assert.match(issues(yaml('"false"'))[0]!, /'false' is text, not a condition/);
  // One whole template, a boolean, or the template with spaces around it: conditions.
  for (const ok of ['"${{ inputs.a == false }}"', 'false', '" ${{ !inputs.a }} "']) parseWorkflow(yaml(ok), 'wf.yaml', registry);
});

load('a param filled by a template of the wrong type is refused at load (not after earlier steps created resources)', () => {
  const yaml = (ms: string) =>
    `${header}inputs:\n  n: 3\n  s: { type: string }\nsteps:\n  - id: w\n    type: wait\n    params: { ms: ${ms} }\n`;
  assert.equal(issues(yaml('"${{ env.WAIT_MS }}"')), [
    "8:19: /steps/0/params/ms: '${{ env.WAIT_MS }}' is a string (environment variables are strings), but wait's 'ms' takes a number",
  ]);
  assert.match(issues(yaml('"${{ inputs.s }}"'))[0]!, /'\$\{\{ inputs\.s \}\}' is a string, but wait's 'ms' takes a number/);
  assert.match(issues(yaml('"1${{ inputs.n }}"'))[0]!, /is a string \(text around a template is a string\)/);
  // Numbers (an input whose default is one, the target's port) pass.
  for (const ok of ['"${{ inputs.n }}"', '"${{ target.port }}"']) {
    try {
      parseWorkflow(yaml(ok), 'wf.yaml', registry);
    } catch (error) {
      assert.unreachable(`${ok}: ${String(error)}`);
    }
  }
});

load.run();
