import { randomUUID } from 'node:crypto';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation, OperationInput, RequestContext } from '../types.ts';
import { readCodePackage, type CodePackage } from './codePackage.ts';
import { functionArn, functionNotFound, locateQualified, parseFunctionName } from './functionArn.ts';
import { functionConfiguration, lambdaDate } from './functionConfiguration.ts';
import { CreateFunctionInput, type FunctionCode, UpdateFunctionCodeInput, UpdateFunctionConfigurationInput } from './functionInput.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import { emptyFunctionCollections, type FunctionRecord } from './LambdaStore.ts';
import { typedHandler } from './lambdaInput.ts';
import { isVersionNumber, resolveQualifier } from './qualifiers.ts';
import { publishVersion, retireVersion } from './versionOperations.ts';
import { checkArchitectures, checkEnvironment, checkHandler, checkRange, checkRole, checkRuntime } from './validation.ts';

const MAX_TIMEOUT = 900;
const MAX_MEMORY = 10_240;
/** The largest CreateFunction/UpdateFunctionCode request AWS reads (a 50 MB zip, base64, in JSON). */
export const MAX_CODE_REQUEST_BYTES = 70_167_211;

/** Function CRUD: CreateFunction, Get/GetConfiguration, List, Update code/configuration, Delete. */
export function functionOperations(backend: LambdaBackend): Operation[] {
  const clock = backend.runtime.clock;

  /** The function a request names: its ARN's region wins over the signing region. */
  const locate = (input: OperationInput, ctx: RequestContext) => {
    const loc = parseFunctionName(input.FunctionName);
    const region = loc.region ?? ctx.region;
    return backend.getFunction(region, loc.name);
  };
  /** The version a Get request names, through `Qualifier` or the name's own qualifier. */
  const locateVersion = (input: OperationInput, ctx: RequestContext) => {
    const loc = locateQualified(input.FunctionName, input.Qualifier, { namespaced: true });
    const resolved = resolveQualifier(backend, loc.region ?? ctx.region, loc.name, loc.qualifier);
    return { ...resolved, arn: resolved.alias?.arn };
  };

  return [
    {
      name: 'CreateFunction',
      http: { method: 'POST', path: '/2015-03-31/functions', status: 201 },
      handler: typedHandler(CreateFunctionInput, async (input, ctx) => {
        checkRequestSize(ctx.rawBody, 'CreateFunction');
        const loc = parseFunctionName(input.FunctionName);
        if (loc.name.length > 64) {
          throw new ServiceError(
            'InvalidParameterValueException',
            `1 validation error detected: Value '${loc.name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
          );
        }
        if (loc.region && loc.region !== ctx.region) {
          throw new ServiceError(
            'ResourceNotFoundException',
            `Functions from '${loc.region}' are not reachable in this region ('${ctx.region}')`,
            { status: 404 },
          );
        }
        const architectures = checkArchitectures(input.Architectures);
        const variables = checkEnvironment(input.Environment);
        const role = checkRole(input.Role);
        if (input.PackageType === 'Image') {
          throw new ServiceError(
            'InvalidParameterValueException',
            'PackageType Image is not supported by this emulator: upload a zip (Code.ZipFile) for a Node.js runtime.',
          );
        }
        const runtime = checkRuntime(input.Runtime);
        const handler = checkHandler(input.Handler);
        const timeout = checkRange(input.Timeout, 'timeout', 1, MAX_TIMEOUT, 3);
        const memorySize = checkRange(input.MemorySize, 'memorySize', 128, MAX_MEMORY, 128);
        const code = packageFrom(input.Code);

        const functions = backend.store.region(ctx.region).functions;
        if (functions.has(loc.name)) {
          throw new ServiceError('ResourceConflictException', `Function already exist: ${loc.name}`, { status: 409 });
        }
        const taskRoot = await backend.taskRoots.create(`${ctx.region}-${loc.name}`, code.files);
        // The folder was written asynchronously: a concurrent create of the same name may have won.
        if (functions.has(loc.name)) {
          await backend.taskRoots.remove(taskRoot);
          throw new ServiceError('ResourceConflictException', `Function already exist: ${loc.name}`, { status: 409 });
        }
        const record: FunctionRecord = {
          name: loc.name,
          region: ctx.region,
          arn: functionArn(ctx.region, loc.name),
          runtime,
          role,
          handler,
          description: input.Description ?? '',
          timeout,
          memorySize,
          variables,
          architectures,
          tags: input.Tags ?? {},
          code: { zip: code.zip, sha256: code.sha256, size: code.size, taskRoot },
          state: 'Pending',
          lastModified: lambdaDate(clock.now()),
          revisionId: randomUUID(),
          statements: [],
          pool: undefined as never,
          timers: [],
          version: '$LATEST',
          ...emptyFunctionCollections(),
        };
        record.pool = backend.newPool(() => record);
        functions.set(record.name, record);
        backend.scheduleActivation(record);
        if (input.Publish === true) return functionConfiguration(await publishVersion(backend, record));
        return functionConfiguration(record);
      }),
    },
    {
      name: 'GetFunction',
      http: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}', query: { Qualifier: 'Qualifier' } },
      handler(input, ctx) {
        // Tags and reserved concurrency belong to the function, whichever version is asked for.
        const { target: fn, fn: owner, arn } = locateVersion(input, ctx);
        return {
          Configuration: functionConfiguration(fn, { arn }),
          Code: {
            RepositoryType: 'S3',
            Location: `${backend.runtime.endpoint()}/_engine/lambda/code/${fn.region}/${encodeURIComponent(fn.version === '$LATEST' ? fn.name : `${fn.name}:${fn.version}`)}.zip`,
          },
          ...(Object.keys(owner.tags).length > 0 ? { Tags: owner.tags } : {}),
          ...(owner.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: owner.reservedConcurrency } } : {}),
        };
      },
    },
    {
      name: 'GetFunctionConfiguration',
      http: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', query: { Qualifier: 'Qualifier' } },
      handler(input, ctx) {
        const { target, arn } = locateVersion(input, ctx);
        return functionConfiguration(target, { arn });
      },
    },
    {
      name: 'ListFunctions',
      http: {
        method: 'GET',
        path: '/2015-03-31/functions',
        query: { Marker: 'Marker', MaxItems: 'MaxItems', FunctionVersion: 'FunctionVersion' },
      },
      handler(input: { Marker?: string; MaxItems?: string; FunctionVersion?: string }, ctx) {
        if (input.FunctionVersion !== undefined && input.FunctionVersion !== 'ALL') {
          throw new ServiceError(
            'ValidationException',
            `1 validation error detected: Value '${input.FunctionVersion}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]`,
          );
        }
        // `FunctionVersion=ALL` lists published versions too, each after its function's $LATEST.
        const all = [...backend.store.region(ctx.region).functions.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .flatMap((fn) => (input.FunctionVersion === 'ALL' ? [fn, ...fn.versions.values()] : [fn]));
        const marker = input.Marker;
        const maxItems = checkRange(input.MaxItems, 'maxItems', 1, 10_000, 50);
        // The marker (opaque to callers, as on AWS) is the ARN of the last record of the page.
        const start = marker ? all.findIndex((fn) => fn.arn === marker) + 1 : 0;
        const page = start <= 0 && marker ? [] : all.slice(start, start + maxItems);
        const more = start + maxItems < all.length;
        return {
          Functions: page.map((fn) => functionConfiguration(fn, { list: true })),
          ...(more && page.length > 0 ? { NextMarker: page[page.length - 1]!.arn } : {}),
        };
      },
    },
    {
      name: 'DeleteFunction',
      http: { method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}', query: { Qualifier: 'Qualifier' }, status: 204 },
      async handler(input, ctx) {
        const loc = locateQualified(input.FunctionName, input.Qualifier);
        const region = loc.region ?? ctx.region;
        if (loc.qualifier === undefined) {
          const fn = backend.getFunction(region, loc.name);
          for (const version of fn.versions.values()) retireVersion(backend, version);
          fn.versions.clear();
          await backend.deleteFunction(fn);
          return undefined;
        }
        deleteVersion(backend, region, loc.name, loc.qualifier);
        return undefined;
      },
    },
    {
      name: 'UpdateFunctionCode',
      http: { method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/code' },
      handler: typedHandler(UpdateFunctionCodeInput, async (input, ctx) => {
        checkRequestSize(ctx.rawBody, 'UpdateFunctionCode');
        const fn = locate(input, ctx);
        checkRevision(fn, input.RevisionId);
        if (input.ImageUri) {
          throw new ServiceError(
            'InvalidParameterValueException',
            "Please don't provide ImageUri when updating a function with packageType Zip.",
          );
        }
        const code = packageFrom(input);
        if (input.Architectures !== undefined) fn.architectures = checkArchitectures(input.Architectures);
        if (input.DryRun === true) return functionConfiguration(fn);
        const taskRoot = await backend.taskRoots.create(`${fn.region}-${fn.name}`, code.files);
        const old = fn.code.taskRoot;
        fn.code = { zip: code.zip, sha256: code.sha256, size: code.size, taskRoot };
        touch(fn, clock.now());
        backend.restartSandboxes(fn, old);
        backend.scheduleUpdateDone(fn);
        if (input.Publish === true) return functionConfiguration(await publishVersion(backend, fn));
        return functionConfiguration(fn);
      }),
    },
    {
      name: 'UpdateFunctionConfiguration',
      http: { method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/configuration' },
      handler: typedHandler(UpdateFunctionConfigurationInput, (input, ctx) => {
        const fn = locate(input, ctx);
        checkRevision(fn, input.RevisionId);
        // Validate everything first, so a bad field changes nothing.
        const next = {
          role: input.Role !== undefined ? checkRole(input.Role) : fn.role,
          runtime: input.Runtime !== undefined ? checkRuntime(input.Runtime) : fn.runtime,
          handler: input.Handler !== undefined ? checkHandler(input.Handler) : fn.handler,
          timeout: input.Timeout !== undefined ? checkRange(input.Timeout, 'timeout', 1, MAX_TIMEOUT, 3) : fn.timeout,
          memorySize: input.MemorySize !== undefined ? checkRange(input.MemorySize, 'memorySize', 128, MAX_MEMORY, 128) : fn.memorySize,
          variables: input.Environment !== undefined ? (checkEnvironment(input.Environment) ?? {}) : fn.variables,
          description: input.Description ?? fn.description,
        };
        Object.assign(fn, next);
        touch(fn, clock.now());
        backend.restartSandboxes(fn);
        backend.scheduleUpdateDone(fn);
        return functionConfiguration(fn);
      }),
    },
  ];
}

/**
 * DeleteFunction with a qualifier deletes one published version: never `$LATEST` (400), never
 * through an alias (400), and not while an alias points at it (409).
 */
function deleteVersion(backend: LambdaBackend, region: string, name: string, qualifier: string): void {
  if (qualifier === '$LATEST') {
    throw new ServiceError('InvalidParameterValueException', '$LATEST version cannot be deleted without deleting the function.');
  }
  if (!isVersionNumber(qualifier))
    throw new ServiceError('InvalidParameterValueException', 'Deletion of aliases is not currently supported.');
  const fn = backend.findFunction(region, name);
  if (!fn) throw functionNotFound(region, name);
  const version = fn.versions.get(qualifier);
  if (!version) throw functionNotFound(region, name, qualifier);
  const aliases = [...fn.aliases.values()].filter(
    (a) => a.functionVersion === qualifier || Object.keys(a.additionalVersionWeights ?? {}).includes(qualifier),
  );
  if (aliases.length > 0) {
    throw new ServiceError(
      'ResourceConflictException',
      `Unable to delete version because the following aliases reference it: [${aliases.map((a) => a.name).join(', ')}]`,
      { status: 409 },
    );
  }
  fn.versions.delete(qualifier);
  fn.eventInvokeConfigs.delete(qualifier);
  retireVersion(backend, version);
}

/** AWS refuses a code upload request over 70,167,211 bytes with 413, before reading it. */
function checkRequestSize(body: Buffer, operation: string): void {
  if (body.length > MAX_CODE_REQUEST_BYTES) {
    throw new ServiceError(
      'RequestEntityTooLargeException',
      `Request must be smaller than ${MAX_CODE_REQUEST_BYTES} bytes for the ${operation} operation`,
      { status: 413 },
    );
  }
}

function packageFrom(code: FunctionCode | null | undefined): CodePackage {
  if (code?.S3Bucket !== undefined || code?.S3Key !== undefined) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'Code.S3Bucket is not supported by this emulator (it has no S3): upload the zip as Code.ZipFile.',
    );
  }
  return readCodePackage(code?.ZipFile);
}

function checkRevision(fn: FunctionRecord, revisionId: string | null | undefined): void {
  if (typeof revisionId === 'string' && revisionId !== fn.revisionId) {
    throw new ServiceError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      { status: 412 },
    );
  }
}

function touch(fn: FunctionRecord, now: number): void {
  fn.lastModified = lambdaDate(now);
  fn.revisionId = randomUUID();
}
