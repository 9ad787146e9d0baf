import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * The DNS worker's code, as one CommonJS script for `new Worker(code, { eval: true })`.
 *
 * A worker thread does not inherit the TypeScript loader the main thread runs under (tsx, in
 * tests and from the sources), and the prebuilt bundle of `npx engine` has no file of its own
 * for the worker; so the worker's modules (dnsWorker.ts and what it imports: the DNS wire code,
 * Route 53's resolver, dns2) are bundled with esbuild, which the project already depends on.
 *
 * The script is kept in the system's temporary directory with the size and mtime of every
 * file it was built from, and reused while they are all unchanged (a stat of each, well under
 * a millisecond), so only the first start after a change pays for the build (tens of ms).
 */
const ENTRY = fileURLToPath(new URL('./dnsWorker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHED = join(tmpdir(), `failover-engine-dns-worker-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);

type Stamps = Record<string, [number, number]>;

/**
 * The worker uses dns2's Packet codec only; its index also loads dns2's clients and servers
 * (http, https, tls, ...), which would cost every start time for nothing. `dns2` resolves to
 * its packet module instead.
 */
const DNS2_PACKET = join(dirname(createRequire(import.meta.url).resolve('dns2')), 'packet.js');
const packetOnly: Plugin = {
  name: 'dns2-packet-only',
  setup(b) {
    b.onResolve({ filter: /^dns2$/ }, () => ({ path: 'dns2', namespace: 'dns2-packet' }));
    b.onLoad({ filter: /.*/, namespace: 'dns2-packet' }, () => ({
      contents: `module.exports = { Packet: require(${JSON.stringify(DNS2_PACKET)}) };`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

let script: Promise<string> | undefined;

export function dnsWorkerScript(): Promise<string> {
  script ??= cached() ?? bundle();
  return script;
}

function cached(): Promise<string> | undefined {
  try {
    const stamps = JSON.parse(readFileSync(`${CACHED}.json`, 'utf8')) as Stamps;
    for (const [file, [size, mtime]] of Object.entries(stamps)) {
      const stat = statSync(file);
      if (stat.size !== size || stat.mtimeMs !== mtime) return undefined;
    }
    return Promise.resolve(readFileSync(`${CACHED}.cjs`, 'utf8'));
  } catch {
    return undefined;
  }
}

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [packetOnly],
  });
  const code = result.outputFiles[0]!.text;
  try {
    const stamps: Stamps = {};
    // This file too: it holds the build's settings.
    for (const file of [fileURLToPath(import.meta.url), ...files(result.metafile.inputs)]) {
      const stat = statSync(file);
      stamps[file] = [stat.size, stat.mtimeMs];
    }
    // Written under temporary names, then renamed: a concurrent start reads whole files.
    const tag = `${process.pid}.${Date.now()}`;
    writeFileSync(`${CACHED}.${tag}.cjs`, code);
    renameSync(`${CACHED}.${tag}.cjs`, `${CACHED}.cjs`);
    writeFileSync(`${CACHED}.${tag}.json`, JSON.stringify(stamps));
    renameSync(`${CACHED}.${tag}.json`, `${CACHED}.json`);
  } catch {
    // No cache this time (a read-only temporary directory): the next start bundles again.
  }
  return code;
}

/** The files among esbuild's inputs (not the virtual `dns2-packet:` module), as absolute paths. */
function files(inputs: Record<string, unknown>): string[] {
  return Object.keys(inputs)
    .filter((input) => !input.startsWith('dns2-packet:'))
    .map((input) => join(ROOT, input));
}
