import { ServiceError } from '../protocol/ServiceError.ts';
import { functionArn, functionNotFound } from './functionArn.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import type { AliasRecord, FunctionRecord } from './LambdaStore.ts';

/** `1`, `42`: a published version; anything else but `$LATEST` names an alias. */
export const isVersionNumber = (qualifier: string): boolean => /^[0-9]+$/.test(qualifier);

/** What a qualified function name resolves to: the function, the version that serves, and the alias if one was named. */
export interface ResolvedQualifier {
  /** The function's `$LATEST` record. */
  fn: FunctionRecord;
  /** `$LATEST` or the published version. */
  target: FunctionRecord;
  alias?: AliasRecord;
}

/** AWS's 404 for an alias that does not exist. */
export function aliasNotFound(region: string, name: string, alias: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Cannot find alias arn: ${functionArn(region, name, alias)}`, { status: 404 });
}

/**
 * The function version a (name, qualifier) pair names, for the control plane: an unknown
 * function or version is `Function not found: <arn>` (qualified when a qualifier was given), an
 * unknown alias `Cannot find alias arn: <arn>`. An alias resolves to its primary version.
 */
export function resolveQualifier(backend: LambdaBackend, region: string, name: string, qualifier?: string): ResolvedQualifier {
  const fn = backend.findFunction(region, name);
  if (!fn) throw functionNotFound(region, name, qualifier);
  if (qualifier === undefined || qualifier === '$LATEST') return { fn, target: fn };
  if (isVersionNumber(qualifier)) {
    const target = fn.versions.get(qualifier);
    if (!target) throw functionNotFound(region, name, qualifier);
    return { fn, target };
  }
  const alias = fn.aliases.get(qualifier);
  if (!alias) throw aliasNotFound(region, name, qualifier);
  return { fn, target: fn.versions.get(alias.functionVersion) ?? fn, alias };
}

/**
 * The version an invocation runs, as Invoke resolves it: an unqualified name runs `$LATEST`
 * (and its not-found message names `…:$LATEST`, as AWS's does); an alias with routing weights
 * sends each invocation to its additional version with that probability (RoutingDraw).
 */
export function resolveInvocationTarget(backend: LambdaBackend, region: string, name: string, qualifier?: string): FunctionRecord {
  const fn = backend.findFunction(region, name);
  if (!fn) throw functionNotFound(region, name, qualifier ?? '$LATEST');
  if (qualifier === undefined || qualifier === '$LATEST') return fn;
  if (isVersionNumber(qualifier)) {
    const target = fn.versions.get(qualifier);
    if (!target) throw functionNotFound(region, name, qualifier);
    return target;
  }
  const alias = fn.aliases.get(qualifier);
  if (!alias) throw functionNotFound(region, name, qualifier);
  return fn.versions.get(pickAliasVersion(alias, backend.store.routing.next())) ?? fn;
}

/** The alias's primary version, or one of its additional versions with the weight's probability (`r` in [0, 1)). */
export function pickAliasVersion(alias: AliasRecord, r: number): string {
  const weights = Object.entries(alias.additionalVersionWeights ?? {});
  if (weights.length === 0) return alias.functionVersion;
  let rest = r;
  for (const [version, weight] of weights) {
    if (rest < weight) return version;
    rest -= weight;
  }
  return alias.functionVersion;
}
