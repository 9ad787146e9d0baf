import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import writeFile from '../../steps/writeFile.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = suite<{ dir: string }>('steps/writeFile', { dir: '' });

test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'writefile-'));
});
test.after.each((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true });
});

testStep(test, writeFile, {
  valid: [{ path: 'x' }, { path: 'a/b.txt', content: 'hello' }],
  invalid: [
    { params: {}, errors: ["/: must have required property 'path'"] },
    { params: { path: '' }, errors: ['/path: must NOT have fewer than 1 characters'] },
    { params: { path: 'x', content: 3 }, errors: ['/content: must be string'] },
  ],
  runThenRollback: {
    params: { path: 'sub/conformance.txt' },
    context: ({ dir }) => ({ workflowDir: dir }),
    leftovers: async ({ dir }) => (existsSync(join(dir, 'sub/conformance.txt')) ? ['sub/conformance.txt'] : []),
  },
});

test('writes the file relative to the workflow folder, creating folders', async ({ dir }) => {
  const out = await runStep(writeFile, { path: 'a/b.txt', content: 'héllo' }, stepContext(noTarget, { workflowDir: dir }));
  assert.is(out.path, join(dir, 'a/b.txt'));
  assert.is(out.bytes, 6);
  assert.is(readFileSync(out.path, 'utf8'), 'héllo');
});

test('compensation deletes the file, is idempotent, and needs no outputs', async ({ dir }) => {
  const ctx = stepContext(noTarget, { workflowDir: dir });
  const out = await runStep(writeFile, { path: 'x.txt' }, ctx);
  assert.ok(existsSync(out.path));
  await rollbackStep(writeFile, { path: 'x.txt' }, ctx, undefined);
  assert.not.ok(existsSync(out.path));
  await rollbackStep(writeFile, { path: 'x.txt' }, ctx, out);
});

test.run();
