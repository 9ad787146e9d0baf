// Whether dist/ holds a bundle built from exactly the sources now on disk (scripts/build.mjs
// writes dist/stamp.json: every source with its size and mtime). About 200 stat calls.
import { readFileSync, statSync } from 'node:fs';

/** 'fresh', 'stale' (a source changed, was removed, or FE_NO_BUNDLE=1) or 'missing'. */
export function bundleState() {
  let files;
  try {
    files = JSON.parse(readFileSync(new URL('../dist/stamp.json', import.meta.url), 'utf8')).files;
  } catch {
    return 'missing';
  }
  if (process.env.FE_NO_BUNDLE === '1') return 'stale';
  try {
    for (const [file, [size, mtimeMs]] of Object.entries(files)) {
      const stat = statSync(new URL(`../${file}`, import.meta.url));
      if (stat.size !== size || stat.mtimeMs !== mtimeMs) return 'stale';
    }
  } catch {
    return 'stale';
  }
  return 'fresh';
}
