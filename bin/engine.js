#!/usr/bin/env node
// Entry point for `npx engine`. Runs the bundle `npm install` built into dist/ (scripts/build.mjs)
// while every source it was built from is unchanged; otherwise, or with FE_NO_BUNDLE=1, registers
// tsx so the TypeScript sources run as they are. A stale bundle never runs (docs/startup.md).
import { bundleState } from './freshBundle.js';

// The SDK v3 warns on every start that versions published after January 2027 need Node 22;
// the lockfile pins today's versions, so the warning only adds noise to drill output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let cli;
let io;
if (bundleState() === 'fresh') {
  // `engine serve` would load its module only once the command line has loaded and parsed:
  // fetch it alongside (the same module instance the command line imports), so the two load
  // side by side rather than one after the other before serve listens (docs/startup.md).
  const serve = process.argv[2] === 'serve' ? import('../dist/serve.mjs') : undefined;
  [cli, io] = await Promise.all([import('../dist/cli.mjs'), import('../dist/io.mjs'), serve]);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../engine/cli.ts');
  io = await import('../engine/io.ts');
}

// `engine steps | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await cli.main(process.argv.slice(2), io.processIo());
process.exitCode = code;
// A step that ignores its abort signal must not keep the process alive past the end of the run.
setTimeout(() => process.exit(code), 3000).unref();
