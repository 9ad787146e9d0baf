/**
 * Packages a drill handler as a Lambda deployment zip, in memory.
 *
 * `lambdas/<name>.ts` is bundled by esbuild into one CommonJS `index.js`
 * (platform node, target node18) exporting `handler`, so CreateFunction takes
 * `Handler: 'index.handler'` ({@link LAMBDA_HANDLER}) on any Node 18+ runtime.
 * `@aws-sdk/*` stays external: AWS's nodejs18.x+ runtimes ship SDK v3, and so
 * does our emulator's runtime.
 *
 * Builds are cached per process: the same name always yields the same promise
 * (a failed build is evicted so a later call can retry). Across processes, the
 * zips are kept in `node_modules/.cache/failover-engine/lambdas/`, keyed by a hash
 * of every `lambdas/*.ts` source and the esbuild version, so a drill does not
 * rebuild them (esbuild is not even loaded then). A cache that cannot be read or
 * written is skipped silently: it only saves time.
 *
 * @example
 * const zip = await buildLambdaZip('getProduct');
 * await lambda.send(new CreateFunctionCommand({
 *   FunctionName: 'get-product', Runtime: 'nodejs20.x', Handler: LAMBDA_HANDLER,
 *   Role: 'arn:aws:iam::000000000000:role/productRole', Code: { ZipFile: zip },
 * }));
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { LambdaError, LambdaErrorCode } from './errors.ts';

export const LambdaName = {
  getProduct: 'getProduct',
  addProduct: 'addProduct',
  healthcheck: 'healthcheck',
  replicate: 'replicate',
} as const;
export type LambdaName = (typeof LambdaName)[keyof typeof LambdaName];

export const LAMBDA_NAMES: readonly LambdaName[] = Object.values(LambdaName);

/** What each bundle does, and which tutorial function it replaces. */
export const LAMBDA_DESCRIPTIONS: Readonly<Record<LambdaName, string>> = {
  getProduct: 'get-product: GET /productApi?id=… → the product as Java-ordered JSON (replaces lambda.GetProduct)',
  addProduct: 'add-product: POST /productApi → upsert into Products (replaces lambda.AddProduct)',
  healthcheck: 'healthcheck: GET /healthcheck → {"message": "Success"} (replaces healthcheck.py)',
  replicate: 'dynamodb-streams-to-lambda: Products stream → standby region TARGET_REGION (replaces DynamoDBStreamHandler)',
};

/** The CreateFunction `Handler` for every bundle. */
export const LAMBDA_HANDLER = 'index.handler';

/**
 * Fixed entry timestamp so identical code gives an identical zip, hence a
 * stable CodeSha256. (ZIP's DOS time cannot go before 1980.)
 */
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

/**
 * Regular file, Unix mode 0644. AWS quirk: Lambda extracts with the zip's permissions, and a
 * file that is not world-readable fails at init with EACCES, so set it
 * explicitly rather than rely on fflate's MS-DOS default.
 */
const ZIP_FILE_ATTRS = { os: 3, attrs: (0o100644 << 16) >>> 0 } as const;

const cache = new Map<LambdaName, Promise<Uint8Array>>();

export function buildLambdaZip(name: LambdaName): Promise<Uint8Array> {
  let pending = cache.get(name);
  if (!pending) {
    pending = bundle(name);
    cache.set(name, pending);
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

async function bundle(name: LambdaName): Promise<Uint8Array> {
  if (!LAMBDA_NAMES.includes(name)) {
    throw new LambdaError(LambdaErrorCode.BuildFailed, `unknown lambda "${name}"; expected one of ${LAMBDA_NAMES.join(', ')}`);
  }
  const cached = cacheFile(name);
  if (cached) {
    try {
      return new Uint8Array(readFileSync(cached));
    } catch {
      // not built yet with these sources
    }
  }
  const zip = await bundleZip(name);
  if (cached) writeCache(cached, zip);
  return zip;
}

async function bundleZip(name: LambdaName): Promise<Uint8Array> {
  const entry = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  let code: Uint8Array;
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      outfile: 'index.js',
      logLevel: 'silent',
    });
    const output = result.outputFiles.find((file) => file.path.endsWith('.js'));
    if (!output) throw new Error('esbuild produced no JavaScript output');
    code = output.contents;
  } catch (error) {
    throw new LambdaError(LambdaErrorCode.BuildFailed, `bundling lambdas/${name}.ts failed: ${String(error)}`, {
      cause: error,
    });
  }
  return zipSync({ 'index.js': [code, { ...ZIP_FILE_ATTRS, mtime: ZIP_MTIME }] }, { level: 9 });
}

let sourcesHash: string | undefined;

/** Where the zip of `name` built from today's sources is cached; undefined when it cannot be. */
function cacheFile(name: LambdaName): string | undefined {
  try {
    if (sourcesHash === undefined) {
      const dir = fileURLToPath(new URL('.', import.meta.url));
      const hash = createHash('sha256');
      // The bundles import only each other and @aws-sdk (external): these files are all their code.
      for (const file of readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .sort()) {
        hash
          .update(`${file}\0`)
          .update(readFileSync(join(dir, file)))
          .update('\0');
      }
      const esbuild = createRequire(import.meta.url)('esbuild/package.json') as { version: string };
      sourcesHash = hash.update(esbuild.version).digest('hex').slice(0, 16);
    }
    return fileURLToPath(new URL(`../node_modules/.cache/failover-engine/lambdas/${name}-${sourcesHash}.zip`, import.meta.url));
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically (a concurrent run reads a whole zip or none). */
function writeCache(file: string, zip: Uint8Array): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, zip);
    renameSync(partial, file);
  } catch {
    // a read-only install: build again next time
  }
}
