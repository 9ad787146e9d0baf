// Bundles the test files for `npm test` (scripts/test.mjs), so that a test process starts on
// plain Node instead of tsx. Plain JavaScript: it runs before anything is compiled.
//
// Why: tsx compiles and resolves each module through loader hooks in a second thread; a test
// process importing the emulator and the engine spent about 1.5 s of CPU on that before its
// first test, against about 0.25 s for the same imports bundled (measured on an empty test).
// The bundle is built the way dist/ is (scripts/bundleOptions.mjs): the same esbuild transform
// tsx uses, `import.meta.url` kept as each source file's own, every lazy `import()` a chunk.
//
// Each test file is one entry, written flat into the output folder as its path from test/ with
// `~` for `/` (`e2e/prove.test.ts` → `e2e~prove.test.mjs`): one folder keeps the
// `import.meta.url` rewriting exact. Source maps are linked, for `node --enable-source-maps`:
// a failing assertion names the test's own file and line.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from './bundleOptions.mjs';

/** The bundled name of a test file given by its path from test/. */
export const bundledName = (file) => `${file.replaceAll('/', '~').replace(/\.ts$/, '')}.mjs`;

/** The test file (path from test/) a bundled name stands for. */
export const sourceName = (bundled) => `${bundled.replaceAll('~', '/').replace(/\.mjs$/, '')}.ts`;

/** Bundles `files` (paths from `root`/test/) into `outDir`, emptied first. */
export async function bundleTests(root, files, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const options = bundleOptions(root, outDir);
  await build({
    ...options,
    entryPoints: Object.fromEntries(files.map((f) => [bundledName(f).replace(/\.mjs$/, ''), join('test', f)])),
    // The test runner's own uvu (its suites are registered on a global the runner reads), and
    // the architecture test's parser, which reads source files as they are.
    external: [...options.external, 'uvu', '@babel/parser'],
    chunkNames: 'chunk~[name]-[hash]',
    sourcemap: 'linked',
  });
}
