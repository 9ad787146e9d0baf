import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.cjs', import.meta.url));
/** uid/gid of `nobody`, the unprivileged user handlers run as when the emulator runs as root. */
const NOBODY = 65534;
const PAGE_BYTES = 4096;

/** What the bootstrap needs besides its environment (argv[2], JSON). */
export interface BootSpec {
  taskRoot: string;
  handler: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: number;
  logGroupName: string;
  logStreamName: string;
}

/**
 * Node's flags for a function of `memoryMb`, as AWS's Node.js bootstrap sets them: a new space
 * of a tenth of the memory (the semi-space half of that), the rest as old space, so the heap
 * alone cannot outgrow the function's memory size; `gc()` exposed; 80 KB HTTP headers.
 */
export function nodeArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/**
 * Starts one sandbox process: Node running bootstrap.cjs in the task root, with `env` as its
 * whole environment, fd 3 a socket pair to the emulator, and, when the emulator runs as root,
 * as `nobody` (AWS runs handlers as an unprivileged user; the task roots are world-readable).
 */
export function startSandboxProcess(boot: BootSpec, env: Record<string, string>): ChildProcess {
  const asRoot = process.getuid?.() === 0;
  return spawn(process.execPath, [...nodeArgs(boot.memoryLimitInMB), BOOTSTRAP, JSON.stringify(boot)], {
    cwd: boot.taskRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}

/** Resident memory of a process in MB from /proc (Linux); undefined where that is not readable. */
export function residentMb(pid: number): number | undefined {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]);
    return Number.isFinite(pages) ? (pages * PAGE_BYTES) / 1048576 : undefined;
  } catch {
    return undefined;
  }
}
