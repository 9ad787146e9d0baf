import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWorkflow } from '../../engine/load.ts';
import { WorkflowLoadError, formatIssue } from '../../engine/errors.ts';
import { runCli, testRegistry, tmp } from '../helpers/engine.ts';

/**
 * YAML sources that fail before the loader sees a value: an alias to no anchor, an alias bomb,
 * bytes that are not UTF-8. Each is a located load error (`engine validate` exits 2), never an
 * internal error or a silently replaced character. `engine validate` runs in process (its
 * `main`, as bin/engine.js calls it: same exit code, same stderr); cli.test.ts spawns the binary.
 */
const test = suite('load/yaml source');

const BOMB = [
  'name: bomb',
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'steps: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  '',
].join('\n');

function validate(name: string, content: string | Buffer) {
  const dir = tmp();
  const file = join(dir, name);
  writeFileSync(file, content);
  return runCli(['validate', file]).then((r) => ({ ...r, stderr: r.stderr.split(file).join('wf') }));
}

test('an alias to no anchor: located at the alias, exit 2', async () => {
  const r = await validate('undefined-alias.yaml', 'name: t\nsteps:\n  - id: a\n    type: wait\n    params: *missing\n');
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim(), 'wf:5:13: /: alias *missing refers to no anchor: define &missing before it, or write the value out');
  assert.not.match(r.stderr, /internal error|\n\s+at /);
});

test('an alias bomb: located at the first alias, exit 2', async () => {
  const r = await validate('bomb.yaml', BOMB);
  assert.is(r.code, 2, r.stderr);
  assert.is(
    r.stderr.trim(),
    'wf:3:8: /: aliases expand to more than 100 nodes (an alias bomb?): write the values out, or use fewer aliases',
  );
});

test('bytes that are not UTF-8: located at the first one, exit 2', async () => {
  const latin1 = Buffer.concat([Buffer.from('name: t\n# caf'), Buffer.from([0xe9]), Buffer.from('\nsteps: []\n')]);
  const r = await validate('latin1.yaml', latin1);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim(), 'wf:2:6: /: the file is not UTF-8 text (byte 0xe9 at offset 13): save it as UTF-8');
  const utf16 = Buffer.from('\ufeffname: t\n', 'utf16le');
  const r16 = await validate('utf16.yaml', utf16);
  assert.is(r16.code, 2, r16.stderr);
  assert.match(r16.stderr, /^wf:1:1: \/: the file is not UTF-8 text \(byte 0xff at offset 0\)/);
});

test('UTF-8 with multi-byte characters and a few aliases still loads', () => {
  const wf = parseWorkflow(
    'name: café-drill\nsteps:\n  - { id: a, type: wait, params: &p { ms: 1 } }\n  - { id: b, type: wait, params: *p }\n',
    'wf.yaml',
    testRegistry(),
  );
  assert.is(wf.name, 'café-drill');
});

test('in process the same errors are WorkflowLoadErrors with a line and column', () => {
  try {
    parseWorkflow(BOMB, 'wf.yaml', testRegistry());
    assert.unreachable('expected a WorkflowLoadError');
  } catch (error) {
    assert.instance(error, WorkflowLoadError);
    assert.is(formatIssue((error as WorkflowLoadError).issues[0]!).split(': ')[0], 'wf.yaml:3:8');
  }
});

test.run();
