#!/usr/bin/env node
// Entry point for `npx engine`: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

// The SDK v3 warns on every start that versions published after January 2027 need Node 22;
// the lockfile pins today's versions, so the warning only adds noise to drill output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../engine/cli.ts');
