import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { ServiceError } from '../../protocol/ServiceError.ts';

/**
 * Where function code lives on disk: one folder per emulator under os.tmpdir(), one sub-folder
 * (LAMBDA_TASK_ROOT) per code version. Removed on delete, reset and stop.
 *
 * Like AWS's nodejs18.x+ runtimes, the runtime provides the AWS SDK v3: the shared folder holds
 * `node_modules/@aws-sdk` and `node_modules/@smithy` links to the emulator's own copies, so
 * `require('@aws-sdk/client-dynamodb')` (CJS) and `import` (ESM) from a task root resolve there
 * by Node's ordinary parent-folder lookup, while a package the zip bundles in its own
 * node_modules still wins, as /var/task does over /var/runtime on AWS. No other package of the
 * emulator is visible to functions.
 *
 * Folders are 0755 and files 0644, owned by the emulator's user: sandboxes run as `nobody` when
 * the emulator runs as root, and must read their code but not change it (AWS's /var/task is
 * read-only too).
 */
export class TaskRoots {
  private root?: Promise<string>;

  /** Writes the files into a fresh task root and returns its absolute path. */
  async create(label: string, files: Map<string, Uint8Array>): Promise<string> {
    const root = await this.ensureRoot();
    const dir = await mkdtemp(join(root, `${label.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
    await chmod(dir, 0o755);
    for (const [name, data] of files) {
      const target = resolve(dir, name);
      const rel = relative(dir, target);
      // readCodePackage already refused unsafe names; this is the belt to those braces.
      if (rel.startsWith('..') || isAbsolute(rel)) {
        await this.remove(dir);
        throw new ServiceError('InvalidParameterValueException', `Entry '${name}' would be extracted outside the function's folder.`);
      }
      if (name.endsWith('/')) {
        await mkdir(target, { recursive: true, mode: 0o755 });
      } else {
        await mkdir(dirname(target), { recursive: true, mode: 0o755 });
        await writeFile(target, data, { mode: 0o644 });
      }
    }
    return dir;
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Removes every task root (stop). */
  async dispose(): Promise<void> {
    const root = this.root;
    this.root = undefined;
    if (root) await rm(await root.catch(() => ''), { recursive: true, force: true }).catch(() => undefined);
  }

  private ensureRoot(): Promise<string> {
    this.root ??= (async () => {
      await sweepOrphans();
      const root = await mkdtemp(join(tmpdir(), `${ROOT_PREFIX}${process.pid}-`));
      await chmod(root, 0o755);
      const modules = join(root, 'node_modules');
      await mkdir(modules, { mode: 0o755 });
      const own = emulatorNodeModules();
      for (const scope of ['@aws-sdk', '@smithy']) {
        const source = join(own, scope);
        // 'junction' is ignored on POSIX and needs no privilege on Windows.
        if (existsSync(source)) await symlink(source, join(modules, scope), 'junction');
      }
      return root;
    })();
    return this.root;
  }
}

const ROOT_PREFIX = 'failover-engine-lambda-';

/**
 * Removes the task roots of emulators whose process is gone: a `kill -9` skips `dispose`, and
 * the folder name carries the owner's pid for this.
 */
async function sweepOrphans(): Promise<void> {
  const names = await readdir(tmpdir()).catch((): string[] => []);
  for (const name of names) {
    const pid = Number(/^failover-engine-lambda-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The node_modules folder that holds the emulator's @aws-sdk packages. */
export function emulatorNodeModules(): string {
  const entry = createRequire(import.meta.url).resolve('@aws-sdk/client-lambda');
  const marker = `${sep}node_modules${sep}@aws-sdk${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate node_modules from ${entry}`);
  return entry.slice(0, at + marker.length - `@aws-sdk${sep}`.length);
}
