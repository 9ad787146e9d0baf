import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The dependency rules of DESIGN.md §2, checked on every import line: the emulator stands
 * alone; steps reach the engine only through its public surface; load and compile stay pure.
 */
const test = suite('architecture');
const ROOT = new URL('..', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return /\.(ts|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** Import specifiers of a file, resolved to repository paths where relative. */
function imports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[4]!,
  );
  return specifiers.map((s) => (s.startsWith('.') ? relative(ROOT, join(ROOT, file, '..', s)) : s));
}

test('emulator/ never imports engine/ or steps/', () => {
  for (const file of files('emulator')) {
    for (const target of imports(file)) {
      assert.not.ok(/^(engine|steps)\//.test(target), `${file} imports ${target}`);
    }
  }
});

test("steps/ import only the engine's public surface (with the expression grammar), each other's support code, the drill's lambdas and SDK clients", () => {
  const publicEngine = new Set(['engine/types.ts', 'engine/errors.ts', 'engine/duration.ts']);
  for (const file of files('steps')) {
    for (const target of imports(file)) {
      if (target.startsWith('node:') || target.startsWith('@aws-sdk/') || target.startsWith('steps/')) continue;
      if (publicEngine.has(target) || target.startsWith('lambdas/') || target.startsWith('engine/expression/')) continue;
      assert.unreachable(`${file} imports ${target}`);
    }
  }
});

test('engine/load.ts and engine/compile.ts are pure (load may read the workflow file)', () => {
  const effects = /^(node:(child_process|net|http|https|dgram|dns)|emulator\/|steps\/)/;
  for (const file of ['engine/load.ts', 'engine/compile.ts']) {
    for (const target of imports(file)) assert.not.ok(effects.test(target), `${file} imports ${target}`);
  }
  assert.not.ok(imports('engine/compile.ts').some((t) => t.startsWith('node:fs')), 'compile does no I/O');
});

test('no source file passes ~400 lines', () => {
  for (const dir of ['engine', 'steps', 'emulator', 'lambdas']) {
    for (const file of files(dir)) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n').length;
      assert.ok(lines <= 420, `${file} has ${lines} lines: split it`);
    }
  }
});

test.run();
