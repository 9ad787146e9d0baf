// Whether dist/ holds a bundle built from exactly the sources now on disk (scripts/build.mjs
// writes dist/stamp.json: every source with its size and mtime). About 300 stat calls, on plain
// path strings: building a URL for each took longer than the stat itself.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** 'fresh', 'stale' (a source changed, was removed, or FE_NO_BUNDLE=1) or 'missing'. */
export function bundleState() {
  let files;
  try {
    files = JSON.parse(readFileSync(`${ROOT}dist/stamp.json`, 'utf8')).files;
  } catch {
    return 'missing';
  }
  if (process.env.FE_NO_BUNDLE === '1') return 'stale';
  try {
    for (const [file, [size, mtimeMs]] of Object.entries(files)) {
      const stat = statSync(ROOT + file);
      if (stat.size !== size || stat.mtimeMs !== mtimeMs) return 'stale';
    }
  } catch {
    return 'stale';
  }
  return 'fresh';
}
