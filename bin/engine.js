#!/usr/bin/env node
// Entry point for `npx engine`: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

// The SDK v3 warns on every start that versions published after January 2027 need Node 22;
// the lockfile pins today's versions, so the warning only adds noise to drill output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../engine/cli.ts');
const { processIo } = await import('../engine/io.ts');

// `engine steps | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// A step that ignores its abort signal must not keep the process alive past the end of the run.
setTimeout(() => process.exit(code), 3000).unref();
