import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import type { JsonSchema } from './types.ts';

/**
 * The ajv settings the engine uses everywhere: all errors, verbose (errors carry the schema
 * and data the loader's messages quote), lenient keywords, defaults applied in place.
 */
const OPTIONS: Options = { allErrors: true, verbose: true, strict: false, useDefaults: true, logger: false };

/** Where compiled validators are kept between processes (beside the Lambda zips' cache). */
const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/failover-engine/validators/', import.meta.url));

const require_ = createRequire(import.meta.url);
let ajvVersion: string | undefined;

/**
 * Compiles `schema` to a validator with the engine's ajv settings, and keeps the
 * generated code (ajv's standalone output) in node_modules/.cache, keyed by the schema, ajv's
 * version and the settings: the next process loads it instead of generating it again. Ajv's
 * code generation is most of a workflow's load time (about 300 ms for the tutorial's drill,
 * every run); loading the kept code is a `require`. A cache that cannot be read or written is
 * skipped: it only saves time, and a damaged file is compiled afresh and replaced. `cacheDir`
 * is for tests.
 */
export function compileValidator(schema: JsonSchema, cacheDir: string = CACHE_DIR): ValidateFunction {
  const file = cacheFile(schema, cacheDir);
  if (file) {
    const cached = load(file);
    if (cached) return cached;
  }
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const validate = ajv.compile(schema);
  if (file) store(file, standalone.default(ajv, validate));
  return validate;
}

function cacheFile(schema: JsonSchema, cacheDir: string): string | undefined {
  try {
    ajvVersion ??= (require_('ajv/package.json') as { version: string }).version;
    const key = createHash('sha256')
      .update(`${ajvVersion}\0${JSON.stringify(OPTIONS)}\0${JSON.stringify(schema)}`)
      .digest('hex');
    return join(cacheDir, `${key.slice(0, 24)}.cjs`);
  } catch {
    return undefined;
  }
}

/** The kept validator, or undefined when there is none or it does not load. */
function load(file: string): ValidateFunction | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    // The standalone code is CommonJS that requires ajv's runtime helpers; resolve them from
    // this project's ajv, whatever directory the cache is in.
    const module = { exports: {} as unknown };
    new Function('require', 'module', 'exports', code)(require_, module, module.exports);
    const validate = module.exports as ValidateFunction;
    return typeof validate === 'function' ? validate : undefined;
  } catch {
    return undefined;
  }
}

/** Writes atomically: a concurrent run reads a whole file or none. */
function store(file: string, code: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  } catch {
    // a read-only install: compile again next time
  }
}
