import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tmp } from '../helpers/engine.ts';

/**
 * bin/freshBundle.js decides whether `npx engine` runs dist/ or the TypeScript through tsx: a
 * bundle runs only while every source it was built from has the size and mtime dist/stamp.json
 * recorded (docs/startup.md). Checked on a copy of bin/ in a tree of its own, where the stamp
 * and the sources are the test's: the module finds both next to itself.
 */
const test = suite('engine/freshBundle');

type State = 'fresh' | 'stale' | 'missing';

/** A tree with bin/freshBundle.js, two sources and (unless told) a stamp of them as they are. */
function tree(stamped = true): string {
  const root = tmp('fresh-bundle-');
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'engine'));
  copyFileSync(join(ROOT, 'bin/freshBundle.js'), join(root, 'bin/freshBundle.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, 'engine/a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'engine/b.ts'), 'export const b = 2;\n');
  if (stamped) {
    const files: Record<string, [number, number]> = {};
    for (const file of ['engine/a.ts', 'engine/b.ts']) {
      const stat = statSync(join(root, file));
      files[file] = [stat.size, stat.mtimeMs];
    }
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/stamp.json'), JSON.stringify({ files }));
  }
  return root;
}

let loads = 0;
async function stateOf(root: string): Promise<State> {
  // A fresh module instance each time (the query string), as each `npx engine` is a new process.
  const url = `${pathToFileURL(join(root, 'bin/freshBundle.js')).href}?${++loads}`;
  const { bundleState } = (await import(url)) as { bundleState(): State };
  return bundleState();
}

test('no dist/stamp.json: missing; the sources as stamped: fresh', async () => {
  assert.is(await stateOf(tree(false)), 'missing');
  assert.is(await stateOf(tree()), 'fresh');
});

test('a source edited, touched or removed since the build: stale', async () => {
  const edited = tree();
  writeFileSync(join(edited, 'engine/a.ts'), 'export const a = 10;\n');
  assert.is(await stateOf(edited), 'stale', 'edited (another size)');

  const touched = tree();
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(touched, 'engine/b.ts'), later, later);
  assert.is(await stateOf(touched), 'stale', 'touched (same size, another mtime: a checkout)');

  const removed = tree();
  rmSync(join(removed, 'engine/b.ts'));
  assert.is(await stateOf(removed), 'stale', 'removed');
});

test('FE_NO_BUNDLE=1 forces the TypeScript sources', async () => {
  const root = tree();
  process.env.FE_NO_BUNDLE = '1';
  try {
    assert.is(await stateOf(root), 'stale');
  } finally {
    delete process.env.FE_NO_BUNDLE;
  }
  assert.is(await stateOf(root), 'fresh');
});

test.run();
