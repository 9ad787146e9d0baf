/**
 * Environment lookups shared by the handlers. Read at call time, never at
 * module load, so one process (tests, an in-process runner) can change them
 * between invocations.
 */
import { LambdaError, LambdaErrorCode } from './errors.ts';

/** Table the handlers read and write: env `TABLE_NAME`, default `Products` as in the tutorial. */
export function tableName(): string {
  return process.env.TABLE_NAME || 'Products';
}

/** A variable that must be set and non-empty; throws `MissingConfig` otherwise. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new LambdaError(LambdaErrorCode.MissingConfig, `environment variable ${name} is required but not set`);
  }
  return value;
}
