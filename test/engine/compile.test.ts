import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileWorkflow, compileConfig } from '../../engine/compile.ts';
import { toDot, toMermaid } from '../../engine/graph.ts';
import { events, gate, startYaml, workflowFrom } from '../helpers/engine.ts';

const compile = suite('compile');
compile.before.each(() => {
  events.length = 0;
});

const PARALLEL = `name: p
steps:
  - { id: a, type: record }
  - id: block
    parallel:
      left:
        - { id: l1, type: record, params: { gate: left } }
        - { id: l2, type: record }
      right:
        - { id: r1, type: record, params: { gate: right } }
  - { id: z, type: record, params: { value: "\${{ steps.l2.outputs.stepId }}+\${{ steps.r1.outputs.stepId }}" } }
`;

compile('the config is plain data: sequential states, a parallel state, an onError on every invoke', () => {
  const config = compileConfig(workflowFrom(PARALLEL));
  assert.equal(JSON.parse(JSON.stringify(config)), config, 'JSON round-trip loses nothing');
  const running = config.states!.running!;
  assert.equal(Object.keys(running.states!), ['a', 'block', 'z', '__done']);
  assert.is(running.states!.block!.type, 'parallel');
  assert.equal(Object.keys(running.states!.block!.states!), ['left', 'right']);
  assert.is(running.states!.a!.invoke!.onDone.target, 'block');
  assert.equal(Object.keys(config.states!.compensating!.states!), ['undo_z', 'undo_r1', 'undo_l2', 'undo_l1', 'undo_a', '__done']);
  let invokes = 0;
  const walk = (node: typeof config) => {
    if (node.invoke) {
      invokes++;
      assert.ok(node.invoke.onError.target, `${node.invoke.id} has onError`);
    }
    for (const child of Object.values(node.states ?? {})) walk(child as typeof config);
  };
  walk(config);
  assert.is(invokes, 10, '5 steps + 5 compensations');
});

compile('cleanup: never sends errors straight to failed; always compensates after success', () => {
  const never = compileConfig(workflowFrom('name: n\ncleanup: never\nsteps:\n  - { id: a, type: record }\n'));
  assert.is(never.states!.running!.states!.a!.invoke!.onError.target, '#wf-failed');
  const always = compileConfig(workflowFrom('name: n\ncleanup: always\nsteps:\n  - { id: a, type: record }\n'));
  assert.is(always.states!.running!.onDone!.target, 'compensating');
});

compile('steps run in document order and outputs flow between them', async () => {
  const { handle } = startYaml(`name: seq
steps:
  - { id: one, type: record, params: { value: 1 } }
  - { id: two, type: record, params: { value: "\${{ steps.one.outputs.value }}" } }
  - { id: three, type: record, params: { value: "\${{ steps.two.outputs.value }}-x" } }
outputs:
  typed: "\${{ steps.two.outputs.value }}"
  text: "\${{ steps.three.outputs.value }}"
`);
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.equal(events, ['run:one', 'end:one', 'run:two', 'end:two', 'run:three', 'end:three']);
  assert.equal(report.outputs, { typed: 1, text: '1-x' });
});

compile('an output that resolves to nothing is shown as not set when the run passed, left out when it failed', async () => {
  const yaml = (fail: boolean) => `name: unset
steps:
  - { id: one, type: record, params: { value: [1], fail: ${fail} } }
outputs:
  env: "\${{ env.FE_TEST_SURELY_NOT_SET }}"
  past: "\${{ steps.one.outputs.value[3] }}"
  first: "\${{ steps.one.outputs.value[0] }}"
`;
  const passed = await startYaml(yaml(false)).handle.done;
  assert.equal(passed.outputs, {
    env: '<not set: ${{ env.FE_TEST_SURELY_NOT_SET }} resolved to nothing>',
    past: '<not set: ${{ steps.one.outputs.value[3] }} resolved to nothing>',
    first: 1,
  });
  const failed = await startYaml(yaml(true)).handle.done;
  assert.is(failed.exitCode, 1);
  assert.equal(failed.outputs, {}, 'the step never gave outputs');
});

compile('parallel branches run concurrently and the block waits for all of them', async () => {
  const { handle } = startYaml(PARALLEL);
  const left = gate('left');
  const right = gate('right');
  while (!events.includes('run:r1')) await new Promise((r) => setImmediate(r));
  assert.equal(events.slice(0, 4).sort(), ['end:a', 'run:a', 'run:l1', 'run:r1'].sort(), 'both branches started before either finished');
  right.release();
  while (!events.includes('end:r1')) await new Promise((r) => setImmediate(r));
  assert.not.ok(events.includes('run:z'), 'z waits for the left branch');
  left.release();
  const report = await handle.done;
  assert.is(report.exitCode, 0);
  assert.equal(events.slice(-2), ['run:z', 'end:z']);
  assert.ok(events.indexOf('run:l2') > events.indexOf('end:l1'), 'a branch is sequential');
});

compile('if: skips a step (not compensated) and evaluates templates', async () => {
  const { handle } = startYaml(`name: cond
inputs: { go: false, mode: full }
steps:
  - { id: skipped, type: record, if: "\${{ inputs.go }}" }
  - { id: ran, type: record, if: "\${{ inputs.mode == 'full' }}" }
  - { id: boom, type: record, params: { fail: true } }
`);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  assert.equal(
    report.steps.map((s) => s.status),
    ['skipped', 'succeeded', 'failed'],
  );
  assert.equal(events, ['run:ran', 'end:ran', 'run:boom', 'undo:boom', 'undo:ran']);
});

compile('a failure in one parallel branch aborts the other and compensates both', async () => {
  const { handle } = startYaml(`name: pf
steps:
  - id: block
    parallel:
      slow:
        - { id: hang, type: fail, params: { hang: true } }
      fast:
        - { id: bad, type: record, params: { fail: true } }
`);
  const report = await handle.done;
  assert.is(report.exitCode, 1);
  const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
  assert.is(byId.hang!.status, 'aborted');
  assert.is(byId.bad!.status, 'failed');
  assert.is(byId.hang!.compensation?.status, 'succeeded');
  assert.is(byId.bad!.compensation?.status, 'succeeded');
});

compile('graph renders Mermaid and DOT from the config', () => {
  const { config } = compileWorkflow(workflowFrom(PARALLEL));
  const mermaid = toMermaid(config);
  assert.ok(mermaid.startsWith('stateDiagram-v2\n'));
  assert.match(mermaid, /state "block" as running__block \{/);
  assert.match(mermaid, /\n\s+--\n/, 'parallel regions separated');
  assert.match(mermaid, /running__a --> compensating : error/);
  const dot = toDot(config);
  assert.ok(dot.startsWith('digraph workflow {'));
  assert.match(dot, /subgraph cluster_running__block \{/);
  assert.match(dot, /running__a -> running__block__entry \[label="done"\]/);
});

compile('DOT: every entry point leads to the initial state, and edges leave a cluster where they fire', () => {
  const { config } = compileWorkflow(workflowFrom(PARALLEL.replace('{ id: a, type: record }', '{ id: a, type: record, timeout: 2m }')));
  const dot = toDot(config);
  const points = [...dot.matchAll(/^\s*(\w+__entry) \[shape=point\];$/gm)].map((m) => m[1]!);
  assert.ok(points.length >= 4, `entry points: ${points.join(', ')}`);
  for (const point of points) assert.match(dot, new RegExp(`^  ${point} -> \\w+;$`, 'm'), `${point} has an edge to where it leads`);
  assert.match(dot, /^ {2}running__entry -> running__a;$/m);
  assert.match(dot, /^ {2}running__block__entry -> running__block__left__entry;$/m, 'a parallel state enters every region');
  assert.match(dot, /^ {2}running__block__entry -> running__block__right__entry;$/m);
  // `done` of `running` fires when its final state is reached; an interrupt leaves from anywhere in it.
  assert.match(dot, /^ {2}running____done -> \w+ \[label="done"\];$/m);
  assert.match(dot, /^ {2}running__entry -> compensating__entry \[label="INTERRUPT", ltail=cluster_running\];$/m);
  assert.match(dot, /label="a \(record\) timeout 2m"/, 'a timeout reads as the workflow wrote it');
});

compile.run();
