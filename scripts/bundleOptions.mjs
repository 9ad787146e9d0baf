// How the project's TypeScript is bundled with esbuild, for scripts/build.mjs (the command line,
// in dist/) and scripts/bundleTests.mjs (the test files, for `npm test`). Plain JavaScript: it
// runs before anything is compiled.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * esbuild options shared by every bundle of the project, written to `outDir` (absolute), to which
 * a caller adds its entry points. Contract: every output file is directly in `outDir`.
 */
export function bundleOptions(root, outDir) {
  return {
    absWorkingDir: root,
    outdir: outDir,
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
    logLevel: 'warning',
    plugins: [sourceUrlPlugin(outDir)],
  };
}

/**
 * `import.meta.url` in a source file is replaced by that file's own URL, computed from the
 * output file's location (`new URL('../engine/cli.ts', import.meta.url)`): files found next to
 * a source (`new URL('./bootstrap.cjs', import.meta.url)`, `../package.json`, the Lambda
 * sources, a test's fixtures) resolve exactly as they do under tsx, and the tree can be moved
 * after building. Every output file is directly in `outDir`, so one relative path fits every
 * chunk a source may land in.
 */
function sourceUrlPlugin(outDir) {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
        const fromOut = relative(outDir, args.path).split('\\').join('/');
        const own = `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
      });
    },
  };
}
