import type { RawRoute, ServiceFactory } from '../types.ts';
import type { LambdaServiceApi } from './api.ts';
import { aliasOperations } from './aliasOperations.ts';
import { concurrencyOperations } from './concurrencyOperations.ts';
import { eventInvokeConfigOperations } from './eventInvokeConfigOperations.ts';
import { eventSourceMappingOperations } from './eventSourceMappingOperations.ts';
import { functionOperations } from './functionOperations.ts';
import { functionUrlOperations } from './functionUrlOperations.ts';
import { functionUrlRoute } from './functionUrlRoute.ts';
import { createLambdaApi, invokeOperations } from './invokeOperations.ts';
import { LambdaBackend } from './LambdaBackend.ts';
import { policyOperations } from './policyOperations.ts';
import { tagOperations } from './tagOperations.ts';
import { LAMBDA_PATH_PREFIXES, unimplementedOperations } from './unimplementedOperations.ts';
import { versionOperations } from './versionOperations.ts';

/**
 * AWS Lambda (restJson1, signing name `lambda`): functions from zips run by a Node.js runtime
 * in child processes (one sandbox per concurrent invocation, warm between invocations, within
 * the account and reserved concurrency limits), resource policies, Invoke, and DynamoDB stream
 * event source mappings. Internal API: `LambdaApi`
 * (api.ts), registered as `runtime.api('lambda')`.
 *
 * @example
 * const lambda = new LambdaClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials });
 * await lambda.send(new CreateFunctionCommand({ FunctionName: 'fn', Runtime: 'nodejs20.x',
 *   Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: zip } }));
 * await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'fn' });
 * const out = await lambda.send(new InvokeCommand({ FunctionName: 'fn', Payload: '{}' }));
 */
export const createLambda: ServiceFactory<LambdaServiceApi> = (runtime) => {
  const backend = new LambdaBackend(runtime);
  const api: LambdaServiceApi = {
    ...createLambdaApi(backend),
    setAccountConcurrency(limit) {
      backend.concurrency.accountLimit = limit;
      backend.concurrency.wake();
    },
    seedAliasRouting: (seed) => backend.store.routing.seed(seed),
  };
  return {
    descriptor: {
      name: 'lambda',
      signingNames: ['lambda'],
      protocol: { name: 'restJson', errorStyle: 'lambda' },
      pathPrefixes: LAMBDA_PATH_PREFIXES,
      operations: [
        ...functionOperations(backend),
        ...invokeOperations(backend),
        ...policyOperations(backend),
        ...concurrencyOperations(backend),
        ...versionOperations(backend),
        ...aliasOperations(backend),
        ...tagOperations(backend),
        ...eventInvokeConfigOperations(backend),
        ...functionUrlOperations(backend),
        ...eventSourceMappingOperations(backend, api),
        ...unimplementedOperations(),
      ],
    },
    api,
    rawRoutes: [codeDownloadRoute(backend), functionUrlRoute(backend, () => api)],
    reset: () => backend.reset(),
    stop: () => backend.stop(),
  };
};

/** GetFunction's `Code.Location`: the deployment package, as a presigned S3 URL would serve it. */
function codeDownloadRoute(backend: LambdaBackend): RawRoute {
  const pattern = /^\/_engine\/lambda\/code\/([a-z0-9-]+)\/([^/]+)\.zip$/;
  return {
    name: 'lambda code',
    matches: (req) => req.method === 'GET' && pattern.test(req.path),
    async handle(req) {
      const [, region, file] = pattern.exec(req.path)!;
      // `<name>.zip` is $LATEST's package, `<name>:<version>.zip` a published version's.
      const [name, version] = decodeURIComponent(file!).split(':');
      const latest = backend.findFunction(region!, name!);
      const fn = version === undefined ? latest : latest?.versions.get(version);
      if (!fn) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'NoSuchKey' };
      return { status: 200, headers: { 'content-type': 'application/zip' }, body: fn.code.zip };
    },
  };
}
