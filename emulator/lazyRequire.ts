import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded on first use instead of at start: `engine serve` answers its first request
 * before anything has unzipped a function, validated a request body, rendered a mapping template
 * or imported an OpenAPI document, so those packages (and their module-level set-up) wait until
 * then. `name` must be a CommonJS-loadable package of the project's dependencies; pass its type:
 * `lazyRequire<typeof import('fflate')>('fflate')`.
 */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
