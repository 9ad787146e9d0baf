import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation, RequestContext } from '../types.ts';
import { functionArn, functionNotFound, parseFunctionName, validationError } from './functionArn.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import type { AliasRecord, FunctionRecord } from './LambdaStore.ts';
import { HandlerChecked, Maybe, typedHandler } from './lambdaInput.ts';
import { aliasNotFound } from './qualifiers.ts';
import { checkRange } from './validation.ts';

const ALIAS_PATTERN = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';
const VERSION_PATTERN = '(\\$LATEST|[0-9]+)';

/** `RoutingConfig`: the weights are range-checked by checkRouting, with AWS's messages. */
const RoutingConfig = Type.Object({ AdditionalVersionWeights: Maybe(Type.Record(Type.String(), Type.Unknown())) });

/**
 * What CreateAlias and UpdateAlias read: the function (path label), the alias name (body for
 * CreateAlias, path label otherwise) and version, checked with AWS's patterns, and the rest.
 */
const AliasInput = Type.Object({
  FunctionName: Type.String(),
  Name: HandlerChecked(),
  FunctionVersion: HandlerChecked(),
  Description: Maybe(Type.String()),
  RoutingConfig: Maybe(RoutingConfig),
  RevisionId: Maybe(Type.String()),
});

/**
 * Aliases: CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases. An alias names one
 * version and may send a share of invocations to one more (`RoutingConfig.AdditionalVersionWeights`);
 * Invoke picks per invocation (qualifiers.ts). Messages are AWS's (docs/fidelity/lambda.md).
 */
export function aliasOperations(backend: LambdaBackend): Operation[] {
  const locate = (input: { FunctionName?: unknown }, ctx: RequestContext): FunctionRecord => {
    const loc = parseFunctionName(input.FunctionName);
    return backend.getFunction(loc.region ?? ctx.region, loc.name);
  };
  const path = '/2015-03-31/functions/{FunctionName}/aliases';
  return [
    {
      name: 'CreateAlias',
      http: { method: 'POST', path, status: 201 },
      handler: typedHandler(AliasInput, (input, ctx) => {
        const fn = locate(input, ctx);
        const name = checkAliasName(input.Name);
        const version = checkVersion(fn, input.FunctionVersion);
        if (fn.aliases.has(name)) {
          throw new ServiceError('ResourceConflictException', `Alias already exists: ${functionArn(fn.region, fn.name, name)}`, {
            status: 409,
          });
        }
        const alias: AliasRecord = {
          name,
          arn: functionArn(fn.region, fn.name, name),
          functionVersion: version,
          description: input.Description ?? '',
          additionalVersionWeights: checkRouting(fn, version, input.RoutingConfig),
          revisionId: randomUUID(),
          statements: [],
        };
        fn.aliases.set(name, alias);
        return aliasConfiguration(alias);
      }),
    },
    {
      name: 'GetAlias',
      http: { method: 'GET', path: `${path}/{Name}` },
      handler(input, ctx) {
        const fn = locate(input, ctx);
        return aliasConfiguration(findAlias(fn, input.Name));
      },
    },
    {
      name: 'UpdateAlias',
      http: { method: 'PUT', path: `${path}/{Name}` },
      handler: typedHandler(AliasInput, (input, ctx) => {
        const fn = locate(input, ctx);
        const alias = findAlias(fn, input.Name);
        if (typeof input.RevisionId === 'string' && input.RevisionId !== alias.revisionId) {
          throw new ServiceError(
            'PreconditionFailedException',
            'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
            { status: 412 },
          );
        }
        const version = input.FunctionVersion !== undefined ? checkVersion(fn, input.FunctionVersion) : alias.functionVersion;
        const weights = input.RoutingConfig !== undefined ? checkRouting(fn, version, input.RoutingConfig) : alias.additionalVersionWeights;
        if (input.RoutingConfig === undefined && weights && Object.keys(weights).includes(version))
          checkRouting(fn, version, { AdditionalVersionWeights: weights });
        alias.functionVersion = version;
        alias.additionalVersionWeights = weights;
        if (typeof input.Description === 'string') alias.description = input.Description;
        alias.revisionId = randomUUID();
        return aliasConfiguration(alias);
      }),
    },
    {
      name: 'DeleteAlias',
      http: { method: 'DELETE', path: `${path}/{Name}`, status: 204 },
      handler(input, ctx) {
        const fn = locate(input, ctx);
        const name = checkAliasName(input.Name);
        fn.aliases.delete(name);
        fn.urlConfigs.delete(name);
        fn.eventInvokeConfigs.delete(name);
        return undefined;
      },
    },
    {
      name: 'ListAliases',
      http: { method: 'GET', path, query: { FunctionVersion: 'FunctionVersion', Marker: 'Marker', MaxItems: 'MaxItems' } },
      handler(input, ctx) {
        const fn = locate(input, ctx);
        const all = [...fn.aliases.values()]
          .filter((a) => input.FunctionVersion === undefined || a.functionVersion === input.FunctionVersion)
          .sort((a, b) => a.name.localeCompare(b.name));
        const maxItems = checkRange(input.MaxItems, 'maxItems', 1, 10_000, 50);
        const start = typeof input.Marker === 'string' ? all.findIndex((a) => a.name > String(input.Marker)) : 0;
        const page = start < 0 ? [] : all.slice(start, start + maxItems);
        const more = start >= 0 && start + maxItems < all.length;
        return { Aliases: page.map(aliasConfiguration), ...(more ? { NextMarker: page[page.length - 1]!.name } : {}) };
      },
    },
  ];
}

export function aliasConfiguration(alias: AliasRecord): Record<string, unknown> {
  return {
    AliasArn: alias.arn,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(alias.additionalVersionWeights ? { RoutingConfig: { AdditionalVersionWeights: alias.additionalVersionWeights } } : {}),
    RevisionId: alias.revisionId,
  };
}

function findAlias(fn: FunctionRecord, name: unknown): AliasRecord {
  const alias = fn.aliases.get(checkAliasName(name));
  if (!alias) throw aliasNotFound(fn.region, fn.name, String(name));
  return alias;
}

function checkAliasName(name: unknown): string {
  if (typeof name !== 'string' || name.length > 128 || !new RegExp(`^${ALIAS_PATTERN}$`).test(name)) {
    throw validationError(name, 'name', `Member must satisfy regular expression pattern: ${ALIAS_PATTERN}`);
  }
  return name;
}

/** `$LATEST` or a published version of `fn`; an unknown version is AWS's 404 naming it. */
function checkVersion(fn: FunctionRecord, version: unknown): string {
  if (typeof version !== 'string' || !new RegExp(`^${VERSION_PATTERN}$`).test(version)) {
    throw validationError(version, 'functionVersion', `Member must satisfy regular expression pattern: ${VERSION_PATTERN}`);
  }
  if (version !== '$LATEST' && !fn.versions.has(version)) throw functionNotFound(fn.region, fn.name, version);
  return version;
}

/**
 * `RoutingConfig.AdditionalVersionWeights`: at most one additional version, a published one other
 * than the primary, a weight in [0, 1]; the primary may not be `$LATEST` then. An empty map
 * clears the routing.
 */
function checkRouting(
  fn: FunctionRecord,
  primary: string,
  routing: Static<typeof RoutingConfig> | null | undefined,
): Record<string, number> | undefined {
  const weights = routing?.AdditionalVersionWeights;
  if (!weights || Object.keys(weights).length === 0) return undefined;
  const entries = Object.entries(weights);
  if (entries.length > 1) {
    throw validationError(
      `{${entries.map(([k, v]) => `${k}=${String(v)}`).join(', ')}}`,
      'routingConfig.additionalVersionWeights',
      'Member must have length less than or equal to 1',
    );
  }
  const [version, raw] = entries[0]!;
  const weight = Number(raw);
  if (!Number.isFinite(weight) || weight < 0 || weight > 1) {
    throw validationError(
      raw,
      `routingConfig.additionalVersionWeights.${version}.member`,
      `Member must have value ${weight < 0 ? 'greater than or equal to 0.0' : 'less than or equal to 1.0'}`,
    );
  }
  if (primary === '$LATEST') {
    throw new ServiceError('InvalidParameterValueException', '$LATEST is not supported for an alias pointing to more than 1 version');
  }
  if (version === primary) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Invalid function version ${version}. Function version ${version} is already included in routing configuration.`,
    );
  }
  if (!fn.versions.has(version)) throw functionNotFound(fn.region, fn.name, version);
  return { [version]: weight };
}
