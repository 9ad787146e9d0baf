import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { journalPath } from '../../engine/journal.ts';
import { parseWorkflow } from '../../engine/load.ts';
import { StepRegistry } from '../../engine/registry.ts';
import { rollbackRun } from '../../engine/rollback.ts';
import { startRun } from '../../engine/run.ts';
import { compileWorkflow } from '../../engine/compile.ts';
import { createTargetSession } from '../../engine/target.ts';
import { Default, defineStep } from '../../steps/define.ts';
import { steps } from '../../steps/all.ts';
import { tmp } from '../helpers/engine.ts';

/** What `run` and `rollback` of the `defaulted` step saw. */
const seen: string[] = [];
let release: () => void = () => undefined;

/** A step whose `mode` has a schema default; `hold: true` waits until released or aborted. */
const defaulted = defineStep({
  type: 'defaulted',
  description: 'test step with a defaulted param',
  needsTarget: false,
  params: Type.Object({ mode: Default(Type.String(), 'gentle'), hold: Default(Type.Boolean(), false) }, { additionalProperties: false }),
  outputs: Type.Object({}),
  run: async (params, ctx) => {
    seen.push(`run:${params.mode}`);
    if (params.hold)
      await new Promise<void>((resolve, reject) => {
        release = resolve;
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      });
    return {};
  },
  rollback: async (params) => void seen.push(`rollback:${params.mode}`),
});

const registry = new StepRegistry([...steps, defaulted]);
const test = suite('step defaults: applied before run and before rollback');

function start(yaml: string) {
  const dir = tmp();
  const workflow = parseWorkflow(yaml, join(dir, 'wf.yaml'), registry);
  const stateDir = join(dir, 'state');
  return {
    stateDir,
    handle: startRun({
      workflow,
      compiled: compileWorkflow(workflow),
      registry,
      target: createTargetSession(),
      stateDir,
      inputs: {},
      fsync: false,
    }),
  };
}

test.before.each(() => void (seen.length = 0));

test('a live run: run and its compensation see the default', async () => {
  const { handle } = start('name: d\nsteps:\n  - { id: d, type: defaulted }\n  - { id: f, type: fail, params: { nonRetryable: true } }\n');
  await handle.done;
  assert.equal(seen, ['run:gentle', 'rollback:gentle']);
});

test('engine rollback from a journal whose params lack the default (older journal): the rollback sees it', async () => {
  const { handle, stateDir } = start('name: d\nsteps:\n  - { id: d, type: defaulted, params: { hold: true } }\n');
  while (!seen.includes('run:gentle')) await new Promise((r) => setImmediate(r));
  await handle.abortNow('test');
  release();
  const path = journalPath(stateDir, handle.runId);
  const stripped = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => (line.includes('"step-intent"') ? line.replace('"mode":"gentle",', '').replace(',"mode":"gentle"', '') : line))
    .join('\n');
  assert.not.match(stripped, '"mode"', 'the journal no longer holds the default');
  writeFileSync(path, stripped);
  const result = await rollbackRun({ stateDir, runId: handle.runId, registry, target: createTargetSession(), fsync: false });
  assert.is(result.status, 'completed', result.message);
  assert.equal(seen, ['run:gentle', 'rollback:gentle']);
});

test.run();
