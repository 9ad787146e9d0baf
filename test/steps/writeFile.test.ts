import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import writeFile from '../../steps/writeFile.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { paramErrors } from '../helpers/validateParams.ts';

const test = suite<{ dir: string }>('steps/writeFile', { dir: '' });

test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'writefile-'));
});
test.after.each((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true });
});

test('writes the file relative to the workflow folder, creating folders', async ({ dir }) => {
  const out = await writeFile.run({ path: 'a/b.txt', content: 'héllo' }, stepContext(noTarget, { workflowDir: dir }));
  assert.is(out.path, join(dir, 'a/b.txt'));
  assert.is(out.bytes, 6);
  assert.is(readFileSync(out.path, 'utf8'), 'héllo');
});

test('compensation deletes the file, is idempotent, and needs no outputs', async ({ dir }) => {
  const ctx = stepContext(noTarget, { workflowDir: dir });
  const out = await writeFile.run({ path: 'x.txt' }, ctx);
  assert.ok(existsSync(out.path));
  await writeFile.rollback!({ path: 'x.txt' }, ctx, undefined);
  assert.not.ok(existsSync(out.path));
  await writeFile.rollback!({ path: 'x.txt' }, ctx, out);
});

test('validation errors', () => {
  assert.equal(paramErrors(writeFile, { path: 'x' }), []);
  assert.ok(paramErrors(writeFile, {}).some((e) => e.includes("required property 'path'")));
  assert.ok(paramErrors(writeFile, { path: '' }).some((e) => e.includes('fewer than 1')));
  assert.ok(paramErrors(writeFile, { path: 'x', content: 3 }).some((e) => e.includes('string')));
});

test.run();
