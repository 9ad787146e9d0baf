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
// `import.meta.url` in a source file is replaced by that file's own URL, computed from the
// chunk's location (`new URL('../engine/cli.ts', import.meta.url)`): files found next to a
// source (`new URL('./bootstrap.cjs', import.meta.url)`, `../package.json`, the Lambda
// sources) resolve exactly as they do under tsx, and the tree can be moved after building.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'dist');

/** Rewrites `import.meta.url` in the project's TypeScript to the source file's own URL. */
const sourceUrl = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      // Every output file is directly in dist/, so one relative path fits every chunk.
      const fromOut = relative(OUT, args.path).split('\\').join('/');
      const own = `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
    });
  },
};

const started = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'engine/cli.ts', io: 'engine/io.ts', serve: 'emulator/serve.ts' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages are bundled too: resolving, reading and lexing CommonJS files one by one from
  // node_modules was most of a start. ES module builds first (`module`): the AWS SDK's CommonJS
  // builds would lose their named exports behind a bundled dynamic import(), its ES builds do
  // not. External: packages located by path at run time or shipping native code. (The Lambda
  // sandboxes load the SDK from node_modules, in their own processes.)
  mainFields: ['module', 'main'],
  external: ['esbuild', 'dynalite', 'tsx', 'typescript', 'playwright-core'],
  // Bundled CommonJS packages call require() for Node's modules: give the ESM output one.
  banner: { js: "import { createRequire as __feCreateRequire } from 'node:module'; const require = __feCreateRequire(import.meta.url);" },
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  plugins: [sourceUrl],
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
