import { realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emulatorNodeModules } from './TaskRoots.ts';

/** uid/gid of `nobody`, the unprivileged user handlers run as when the emulator runs as root. */
export const NOBODY = 65534;

let decided: { uid: number; gid: number } | null | undefined;

/**
 * The user sandboxes run as: `nobody` when the emulator runs as root (AWS runs handlers as an
 * unprivileged user) and `nobody` can reach what a sandbox loads — the bootstrap and the SDK the
 * runtime provides. A checkout in a private folder (under `/root`, say) cannot be read by
 * `nobody`; sandboxes then run as the emulator's own user and `warn` says so once, rather than
 * every function failing at start.
 */
export function sandboxUser(bootstrap: string, warn: (line: string) => void = () => {}): { uid: number; gid: number } | undefined {
  if (decided !== undefined) return decided ?? undefined;
  if (process.getuid?.() !== 0) {
    decided = null;
    return undefined;
  }
  const needed = [bootstrap, join(emulatorNodeModules(), '@aws-sdk')];
  const blocked = needed.find((path) => !othersCanReach(path));
  if (blocked) {
    warn(`lambda sandboxes run as root: 'nobody' cannot read ${blocked} (move the checkout out of a private folder)`);
    decided = null;
    return undefined;
  }
  decided = { uid: NOBODY, gid: NOBODY };
  return decided;
}

/** True when every folder above `path` is searchable by others and `path` itself readable. */
function othersCanReach(path: string): boolean {
  try {
    const real = realpathSync(path);
    if ((statSync(real).mode & 0o004) === 0) return false;
    for (let dir = dirname(real); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      if (dirname(dir) === dir) return true;
    }
  } catch {
    return false;
  }
}
