import { readFileSync } from 'node:fs';

/** The engine's version, from its package.json (`unknown` when it cannot be read). */
export function engineVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
