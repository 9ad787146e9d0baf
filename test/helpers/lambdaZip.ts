import { strToU8, zipSync } from 'fflate';

/**
 * A Lambda deployment package built in memory with fflate: one handler source as `index.js`,
 * or a map of file names to sources.
 */
export function lambdaZip(source: string | Record<string, string>): Uint8Array {
  const files = typeof source === 'string' ? { 'index.js': source } : source;
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}
