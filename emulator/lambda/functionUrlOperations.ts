import { randomBytes } from 'node:crypto';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation, RequestContext } from '../types.ts';
import { functionArn, parseFunctionName, validationError } from './functionArn.ts';
import { lambdaDate } from './functionConfiguration.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import { UrlConfigInput } from './functionUrlInput.ts';
import type { FunctionRecord, UrlConfigRecord } from './LambdaStore.ts';
import { typedHandler } from './lambdaInput.ts';

const URL_QUALIFIER_PATTERN = '(^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))';
const AUTH_TYPES = ['NONE', 'AWS_IAM'] as const;
const INVOKE_MODES = ['BUFFERED', 'RESPONSE_STREAM'] as const;

/**
 * Function URLs' control plane: Create/Get/Update/Delete/ListFunctionUrlConfig(s), for the
 * function or one of its aliases (never a version number). The URL is
 * `http://<url-id>.lambda-url.<region>.localhost.localstack.cloud:<port>/`, LocalStack's form of
 * AWS's `https://<url-id>.lambda-url.<region>.on.aws/`; functionUrlRoute.ts serves it.
 */
export function functionUrlOperations(backend: LambdaBackend): Operation[] {
  const locate = (input: { FunctionName: string; Qualifier?: string | null }, ctx: RequestContext): { fn: FunctionRecord; key: string } => {
    const loc = parseFunctionName(input.FunctionName);
    const qualifier = input.Qualifier !== undefined && input.Qualifier !== null ? checkUrlQualifier(input.Qualifier) : loc.qualifier;
    const fn = backend.findFunction(loc.region ?? ctx.region, loc.name);
    if (!fn || (qualifier && qualifier !== '$LATEST' && !fn.aliases.has(qualifier))) {
      throw new ServiceError('ResourceNotFoundException', 'Function does not exist', { status: 404 });
    }
    return { fn, key: qualifier ?? '' };
  };
  const find = (input: UrlConfigInput, ctx: RequestContext) => {
    const { fn, key } = locate(input, ctx);
    const config = fn.urlConfigs.get(key);
    if (!config) throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', { status: 404 });
    return { fn, key, config };
  };
  const path = '/2021-10-31/functions/{FunctionName}/url';
  const query = { Qualifier: 'Qualifier' };
  return [
    {
      name: 'CreateFunctionUrlConfig',
      http: { method: 'POST', path, query, status: 201 },
      handler: typedHandler(UrlConfigInput, (input, ctx) => {
        const { fn, key } = locate(input, ctx);
        const existing = fn.urlConfigs.get(key);
        if (existing) {
          throw new ServiceError(
            'ResourceConflictException',
            `Failed to create function url config for [functionArn = ${functionArn(fn.region, fn.name, key || undefined)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
            { status: 409 },
          );
        }
        const now = lambdaDate(backend.runtime.clock.now());
        const config: UrlConfigRecord = {
          qualifier: key || undefined,
          urlId: randomBytes(16).toString('hex'),
          authType: checkEnum(input.AuthType, 'authType', AUTH_TYPES),
          cors: input.Cors ?? undefined,
          invokeMode: input.InvokeMode === undefined ? 'BUFFERED' : checkEnum(input.InvokeMode, 'invokeMode', INVOKE_MODES),
          creationTime: now,
          lastModifiedTime: now,
        };
        fn.urlConfigs.set(key, config);
        const { LastModifiedTime: _last, ...created } = urlConfigShape(backend, fn, config);
        return created;
      }),
    },
    {
      name: 'GetFunctionUrlConfig',
      http: { method: 'GET', path, query },
      handler: typedHandler(UrlConfigInput, (input, ctx) => {
        const { fn, config } = find(input, ctx);
        return urlConfigShape(backend, fn, config);
      }),
    },
    {
      name: 'UpdateFunctionUrlConfig',
      http: { method: 'PUT', path, query },
      handler: typedHandler(UrlConfigInput, (input, ctx) => {
        const { fn, config } = find(input, ctx);
        if (input.AuthType !== undefined) config.authType = checkEnum(input.AuthType, 'authType', AUTH_TYPES);
        if (input.InvokeMode !== undefined) config.invokeMode = checkEnum(input.InvokeMode, 'invokeMode', INVOKE_MODES);
        if (input.Cors !== undefined && input.Cors !== null) config.cors = input.Cors;
        config.lastModifiedTime = lambdaDate(backend.runtime.clock.now());
        return urlConfigShape(backend, fn, config);
      }),
    },
    {
      name: 'DeleteFunctionUrlConfig',
      http: { method: 'DELETE', path, query, status: 204 },
      handler: typedHandler(UrlConfigInput, (input, ctx) => {
        const { fn, key } = find(input, ctx);
        fn.urlConfigs.delete(key);
        return undefined;
      }),
    },
    {
      name: 'ListFunctionUrlConfigs',
      http: { method: 'GET', path: '/2021-10-31/functions/{FunctionName}/urls', query: { Marker: 'Marker', MaxItems: 'MaxItems' } },
      handler: typedHandler(UrlConfigInput, (input, ctx) => {
        const { fn } = locate({ FunctionName: input.FunctionName }, ctx);
        return { FunctionUrlConfigs: [...fn.urlConfigs.values()].map((c) => urlConfigShape(backend, fn, c)) };
      }),
    },
  ];
}

/** The URL a function URL config answers at, on this emulator's port. */
export function functionUrl(backend: LambdaBackend, region: string, config: UrlConfigRecord): string {
  return `http://${config.urlId}.lambda-url.${region}.localhost.localstack.cloud:${backend.runtime.address().port}/`;
}

function urlConfigShape(backend: LambdaBackend, fn: FunctionRecord, config: UrlConfigRecord): Record<string, unknown> {
  return {
    FunctionUrl: functionUrl(backend, fn.region, config),
    FunctionArn: functionArn(fn.region, fn.name, config.qualifier),
    AuthType: config.authType,
    ...(config.cors ? { Cors: config.cors } : {}),
    CreationTime: config.creationTime,
    LastModifiedTime: config.lastModifiedTime,
    InvokeMode: config.invokeMode,
  };
}

function checkUrlQualifier(value: unknown): string {
  if (typeof value !== 'string' || !new RegExp(`^(?:${URL_QUALIFIER_PATTERN})$`).test(value) || value.length > 128) {
    throw validationError(value, 'qualifier', `Member must satisfy regular expression pattern: ${URL_QUALIFIER_PATTERN}`);
  }
  return value;
}

function checkEnum<T extends string>(value: unknown, member: string, allowed: readonly T[]): T {
  const known = allowed.find((a) => a === value);
  if (known !== undefined) return known;
  throw validationError(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
}
