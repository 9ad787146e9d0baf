#!/usr/bin/env node
// Builds the command line into `dist/` so `npx engine …` starts without compiling TypeScript.
// Run by npm as the `prepare` script (on `npm install` / `npm ci` in this project) and by
// `npm run build`. Plain JavaScript on purpose: it must run before anything is compiled.
//
// What it writes:
// - `dist/cli.mjs`, the entry (engine/cli.ts), and `dist/*-HASH.mjs` chunks: every lazy
//   `import()` of the sources stays lazy, as a chunk loaded on first use. Packages are bundled
//   too (their ES module builds), except those located by path at run time or shipping native code.
//   `dist/serve.mjs` (emulator/serve.ts) has a fixed name too, so that `bin/engine.js` can load
//   it alongside the command line for `engine serve` (the command line imports the same file).
// - `dist/stamp.json`: every source file the bundle was built from, with its size and mtime
//   (bundled packages through node_modules/.package-lock.json).
//   `bin/engine.js` runs the bundle only while all of them are unchanged (see docs/startup.md).
//
// `import.meta.url` in a source file is replaced by that file's own URL (scripts/bundleOptions.mjs),
// so files found next to a source resolve exactly as they do under tsx.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundleOptions.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'dist');

const started = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const result = await build({
  ...bundleOptions(ROOT, OUT),
  entryPoints: { cli: 'engine/cli.ts', io: 'engine/io.ts', serve: 'emulator/serve.ts' },
  chunkNames: '[name]-[hash]',
  metafile: true,
});

// Bundled package files are not stamped one by one: npm rewrites node_modules/.package-lock.json
// whenever it adds, removes or changes a package, so that one file stands for all of them.
const LOCK = 'node_modules/.package-lock.json';
const all = Object.keys(result.metafile.inputs);
const own = all.filter((input) => !input.split('/').includes('node_modules'));
const inputs = (existsSync(resolve(ROOT, LOCK)) ? [...own, LOCK] : all).sort();
const files = {};
for (const input of inputs) {
  const stat = statSync(resolve(ROOT, input));
  files[input] = [stat.size, stat.mtimeMs];
}
writeFileSync(resolve(OUT, 'stamp.json'), `${JSON.stringify({ files })}\n`);
const chunks = Object.keys(result.metafile.outputs).length;
console.log(`engine: built dist/ (${all.length} sources, ${chunks} files) in ${Date.now() - started} ms`);
