import { fileURLToPath } from 'node:url';

/**
 * The DNS worker's code, as one CommonJS script for `new Worker(code, { eval: true })`.
 *
 * A worker thread does not inherit the TypeScript loader the main thread runs under (tsx, in
 * tests and from the sources), and the prebuilt bundle of `npx engine` has no file of its own
 * for the worker; so the worker's modules (dnsWorker.ts and what it imports: the DNS wire code,
 * Route 53's resolver, dns2) are bundled here, once per process, with esbuild, which the
 * project already depends on. That takes some tens of milliseconds, while the rest of the
 * emulator starts.
 */
let script: Promise<string> | undefined;

export function dnsWorkerScript(): Promise<string> {
  script ??= bundle();
  return script;
}

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./dnsWorker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
