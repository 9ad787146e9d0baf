import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowLoadError } from '../../engine/errors.ts';
import { loadWorkflowFile } from '../../engine/load.ts';
import { StepRegistry } from '../../engine/registry.ts';
import { flattenSteps, type StepNode } from '../../engine/workflow.ts';
import { steps } from '../../steps/all.ts';
import { runCli, tmp } from '../helpers/engine.ts';

/** `uses:` blocks: inlining, inputs, outputs, repeat/matrix aggregates, and errors located in the file that has them. */
const test = suite('engine/blocks');
const registry = new StepRegistry(steps);

const BLOCK = `name: pause
inputs:
  ms:
    type: integer
  label:
    default: pause
steps:
  - id: nap
    type: wait
    params:
      ms: \${{ inputs.ms }}
  - id: note
    type: setOutputs
    params:
      values:
        text: "\${{ inputs.label }} of \${{ inputs.ms }} ms"
        ok: \${{ steps.nap.outputs.waitedMs >= inputs.ms }}
outputs:
  waited: \${{ steps.nap.outputs.waitedMs }}
  text: \${{ steps.note.outputs.text }}
`;

function files(main: string, block = BLOCK): string {
  const dir = tmp('blocks-');
  mkdirSync(join(dir, 'blocks'));
  writeFileSync(join(dir, 'blocks', 'pause.yaml'), block);
  writeFileSync(join(dir, 'main.yaml'), main);
  return join(dir, 'main.yaml');
}

function issues(file: string): string[] {
  try {
    loadWorkflowFile(file, registry);
  } catch (error) {
    const shown = (f: string) => (f.includes('/blocks/') ? `blocks/${f.split('/').pop()}` : f.split('/').pop());
    if (error instanceof WorkflowLoadError) return error.issues.map((i) => `${shown(i.file)}:${i.line}:${i.col} ${i.message}`);
    throw error;
  }
  return [];
}

test('a use is inlined: <id>_<step> ids, with: values (types kept), defaults, inner references, outputs as a setOutputs step', () => {
  const file = files(`name: main
steps:
  - id: first
    uses: ./blocks/pause.yaml
    with:
      ms: 5
  - id: after
    type: setOutputs
    params:
      values:
        got: \${{ steps.first.outputs.waited }}
`);
  const all = flattenSteps(loadWorkflowFile(file, registry).steps);
  assert.equal(
    all.map((s) => `${s.id}:${s.type}`),
    ['first_nap:wait', 'first_note:setOutputs', 'first:setOutputs', 'after:setOutputs'],
  );
  const byId = (id: string) => all.find((s) => s.id === id) as StepNode;
  assert.equal(byId('first_nap').params, { ms: 5 });
  assert.equal(byId('first_note').params, { values: { text: 'pause of 5 ms', ok: '${{ steps.first_nap.outputs.waitedMs >= 5 }}' } });
  assert.equal(byId('first').params, {
    values: { waited: '${{ steps.first_nap.outputs.waitedMs }}', text: '${{ steps.first_note.outputs.text }}' },
  });
});

test('a with: value that is a template of the using workflow is spliced in', () => {
  const file = files(`name: main
inputs:
  n: 7
steps:
  - id: b
    uses: ./blocks/pause.yaml
    with:
      ms: \${{ inputs.n }}
      label: nap
`);
  const all = flattenSteps(loadWorkflowFile(file, registry).steps);
  assert.equal(all[0]!.params, { ms: '${{ inputs.n }}' });
  assert.equal(all[1]!.params, { values: { text: 'nap of ${{ inputs.n }} ms', ok: '${{ steps.b_nap.outputs.waitedMs >= (inputs.n) }}' } });
});

test('errors: in the block file at their line; a missing or unknown input, a missing block and a cycle at the use', () => {
  const broken = BLOCK.replace('type: wait', 'type: wiat');
  assert.equal(issues(files(`name: main\nsteps:\n  - id: b\n    uses: ./blocks/pause.yaml\n    with:\n      ms: 1\n`, broken)), [
    "blocks/pause.yaml:9:11 unknown step type 'wiat' (did you mean 'wait'?)",
  ]);
  assert.equal(issues(files(`name: main\nsteps:\n  - id: b\n    uses: ./blocks/pause.yaml\n    with:\n      secs: 1\n`)), [
    "main.yaml:3:5 block './blocks/pause.yaml' needs input 'ms': add it under with:",
    "main.yaml:6:7 block './blocks/pause.yaml' has no input 'secs' (inputs: ms, label)",
  ]);
  assert.equal(issues(files(`name: main\nsteps:\n  - id: b\n    uses: ./blocks/nope.yaml\n`)), [
    "main.yaml:4:11 cannot read block './blocks/nope.yaml': no such file",
  ]);
  const self = `name: loop\nsteps:\n  - id: again\n    uses: ./pause.yaml\n`;
  assert.equal(issues(files(`name: main\nsteps:\n  - id: b\n    uses: ./blocks/pause.yaml\n`, self)), [
    "blocks/pause.yaml:4:11 './pause.yaml' is already being expanded (a block cannot use itself, directly or not)",
  ]);
});

test('repeat: n and matrix: give one use per iteration and an aggregate step under the id', () => {
  const file = files(`name: main
steps:
  - id: r
    uses: ./blocks/pause.yaml
    repeat: 2
    with:
      ms: 1
  - id: m
    uses: ./blocks/pause.yaml
    matrix:
      ms: [1, 2]
      label: [a, b]
`);
  const all = flattenSteps(loadWorkflowFile(file, registry).steps);
  const ids = all.map((s) => s.id);
  assert.equal(ids.slice(0, 7), ['r_1_nap', 'r_1_note', 'r_1', 'r_2_nap', 'r_2_note', 'r_2', 'r']);
  assert.equal(all.find((s) => s.id === 'r')!.params, {
    aggregate: {
      waited: ['${{ steps.r_1.outputs.waited }}', '${{ steps.r_2.outputs.waited }}'],
      text: ['${{ steps.r_1.outputs.text }}', '${{ steps.r_2.outputs.text }}'],
    },
  });
  assert.equal(
    all.filter((s) => s.id.startsWith('m_') && s.type === 'wait').map((s) => s.params['ms']),
    [1, 1, 2, 2],
  );
  assert.equal(
    all.filter((s) => /^m_\d_note$/.test(s.id)).map((s) => (s.params['values'] as { text: string }).text),
    ['a of 1 ms', 'b of 1 ms', 'a of 2 ms', 'b of 2 ms'],
  );
});

test('a run: per-iteration outputs and min/p50/p95/max of a matrix', async () => {
  const file = files(`name: main
steps:
  - id: m
    uses: ./blocks/pause.yaml
    matrix:
      ms: [30, 10, 20]
outputs:
  waited: \${{ steps.m.outputs.waited }}
  second: \${{ steps.m_2.outputs.text }}
`);
  const out = await runCli(['run', file, '--json', '--state-dir', join(tmp('blocks-state-'), 's')]);
  assert.is(out.code, 0, out.stderr);
  const result = JSON.parse(out.stdout) as { outputs: Record<string, unknown> };
  assert.equal(result.outputs['waited'], { values: [30, 10, 20], min: 10, p50: 20, p95: 30, max: 30 });
  assert.is(result.outputs['second'], 'pause of 10 ms');
});

test.run();
