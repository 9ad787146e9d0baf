import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';
import { readCodePackage } from './codePackage.ts';
import { functionArn, parseFunctionName } from './functionArn.ts';
import { functionConfiguration, lambdaDate } from './functionConfiguration.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import { emptyFunctionCollections, type FunctionRecord } from './LambdaStore.ts';
import { Maybe, typedHandler } from './lambdaInput.ts';
import { checkRange } from './validation.ts';

/**
 * Publishes `$LATEST` as a new version: a frozen copy of its code (in a folder of its own) and
 * configuration, with sandboxes of its own. As on AWS, nothing new is published when neither
 * code nor configuration changed since the last version: that version is returned instead.
 */
export async function publishVersion(backend: LambdaBackend, fn: FunctionRecord, description?: string): Promise<FunctionRecord> {
  const last = fn.versions.get(String(fn.lastVersion));
  if (last && publishedFrom.get(last) === fn.revisionId) return last;
  const version = String(fn.lastVersion + 1);
  fn.lastVersion += 1;
  const taskRoot = await backend.taskRoots.create(`${fn.region}-${fn.name}-${version}`, readCodePackage(fn.code.zip).files);
  const record: FunctionRecord = {
    ...fn,
    ...emptyFunctionCollections(),
    version,
    arn: functionArn(fn.region, fn.name, version),
    description: description ?? fn.description,
    variables: fn.variables ? { ...fn.variables } : undefined,
    architectures: [...fn.architectures],
    code: { ...fn.code, taskRoot },
    // Published from a function still being created (CreateFunction with Publish), the version is Pending too.
    state: fn.state,
    lastUpdateStatus: fn.state === 'Active' ? 'Successful' : undefined,
    lastModified: lambdaDate(backend.runtime.clock.now()),
    revisionId: randomUUID(),
    statements: [],
    reservedConcurrency: undefined,
    timers: [],
    pool: undefined as never,
  };
  record.pool = backend.newPool(() => record);
  if (record.state !== 'Active') backend.scheduleActivation(record);
  fn.versions.set(version, record);
  publishedFrom.set(record, fn.revisionId);
  return record;
}

/** The `$LATEST` revision each version was published from (to skip publishing an unchanged function). */
const publishedFrom = new WeakMap<FunctionRecord, string>();

/** Ends a published version's sandboxes (running invocations finish first) and removes its code. */
export function retireVersion(backend: LambdaBackend, version: FunctionRecord): void {
  void version.pool.retire().then(() => backend.taskRoots.remove(version.code.taskRoot));
}

/** What PublishVersion reads besides the function (its path label): the guards and the description. */
const PublishVersionInput = Type.Object({
  FunctionName: Type.String(),
  RevisionId: Maybe(Type.String()),
  CodeSha256: Maybe(Type.String()),
  Description: Maybe(Type.String()),
});

/** PublishVersion and ListVersionsByFunction. */
export function versionOperations(backend: LambdaBackend): Operation[] {
  return [
    {
      name: 'PublishVersion',
      http: { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/versions', status: 201 },
      handler: typedHandler(PublishVersionInput, async (input, ctx) => {
        const loc = parseFunctionName(input.FunctionName);
        const fn = backend.getFunction(loc.region ?? ctx.region, loc.name);
        if (typeof input.RevisionId === 'string' && input.RevisionId !== fn.revisionId) {
          throw new ServiceError(
            'PreconditionFailedException',
            'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
            { status: 412 },
          );
        }
        if (typeof input.CodeSha256 === 'string' && input.CodeSha256 !== fn.code.sha256) {
          throw new ServiceError(
            'InvalidParameterValueException',
            `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${fn.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
          );
        }
        if (fn.state !== 'Active' || fn.lastUpdateStatus === 'InProgress') {
          throw new ServiceError(
            'ResourceConflictException',
            `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
            { status: 409 },
          );
        }
        return functionConfiguration(await publishVersion(backend, fn, input.Description ?? undefined));
      }),
    },
    {
      name: 'ListVersionsByFunction',
      http: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/versions', query: { Marker: 'Marker', MaxItems: 'MaxItems' } },
      handler(input, ctx) {
        const loc = parseFunctionName(input.FunctionName, { namespaced: true });
        const fn = backend.getFunction(loc.region ?? ctx.region, loc.name);
        const all = [fn, ...[...fn.versions.values()].sort((a, b) => Number(a.version) - Number(b.version))];
        const maxItems = checkRange(input.MaxItems, 'maxItems', 1, 10_000, 50);
        const start = typeof input.Marker === 'string' ? Math.max(0, all.findIndex((v) => v.version === input.Marker) + 1) : 0;
        const page = all.slice(start, start + maxItems);
        const more = start + maxItems < all.length;
        return {
          Versions: page.map((v) => functionConfiguration(v, { list: true })),
          ...(more ? { NextMarker: page[page.length - 1]!.version } : {}),
        };
      },
    },
  ];
}
