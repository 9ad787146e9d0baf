import { notImplemented } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';

/**
 * The operations of Lambda's API model (the `@aws-sdk/client-lambda` commands) that this
 * emulator does not implement, with the method and path the model gives them, so that each one
 * answers the gateway's 501 naming the operation instead of a 404 or 405 for its path.
 * Layers, code signing, provisioned concurrency, capacity providers, durable executions,
 * recursion/scaling/runtime-management configs, resource policies, response streaming and the
 * deprecated InvokeAsync. Two GETs share a path with another one and differ by a query
 * parameter; they are listed once, below the table.
 */
const UNIMPLEMENTED: ReadonlyArray<readonly [name: string, method: string, path: string]> = [
  ['AddLayerVersionPermission', 'POST', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy'],
  ['CheckpointDurableExecution', 'POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint'],
  ['CreateCapacityProvider', 'POST', '/2025-11-30/capacity-providers'],
  ['CreateCodeSigningConfig', 'POST', '/2020-04-22/code-signing-configs'],
  ['DeleteCapacityProvider', 'DELETE', '/2025-11-30/capacity-providers/{CapacityProviderName}'],
  ['DeleteCodeSigningConfig', 'DELETE', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}'],
  ['DeleteFunctionCodeSigningConfig', 'DELETE', '/2020-06-30/functions/{FunctionName}/code-signing-config'],
  ['DeleteLayerVersion', 'DELETE', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}'],
  ['DeleteProvisionedConcurrencyConfig', 'DELETE', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency'],
  ['DeleteResourcePolicy', 'DELETE', '/2026-07-09/resource-policy/{ResourceArn}'],
  ['GetCapacityProvider', 'GET', '/2025-11-30/capacity-providers/{CapacityProviderName}'],
  ['GetCodeSigningConfig', 'GET', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}'],
  ['GetDurableExecution', 'GET', '/2025-12-01/durable-executions/{DurableExecutionArn}'],
  ['GetDurableExecutionHistory', 'GET', '/2025-12-01/durable-executions/{DurableExecutionArn}/history'],
  ['GetDurableExecutionState', 'GET', '/2025-12-01/durable-executions/{DurableExecutionArn}/state'],
  ['GetFunctionCodeSigningConfig', 'GET', '/2020-06-30/functions/{FunctionName}/code-signing-config'],
  ['GetFunctionRecursionConfig', 'GET', '/2024-08-31/functions/{FunctionName}/recursion-config'],
  ['GetFunctionScalingConfig', 'GET', '/2025-11-30/functions/{FunctionName}/function-scaling-config'],
  ['GetLayerVersion', 'GET', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}'],
  ['GetLayerVersionPolicy', 'GET', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy'],
  ['GetResourcePolicy', 'GET', '/2026-07-09/resource-policy/{ResourceArn}'],
  ['GetRuntimeManagementConfig', 'GET', '/2021-07-20/functions/{FunctionName}/runtime-management-config'],
  ['InvokeAsync', 'POST', '/2014-11-13/functions/{FunctionName}/invoke-async'],
  ['InvokeWithResponseStream', 'POST', '/2021-11-15/functions/{FunctionName}/response-streaming-invocations'],
  ['ListCapacityProviders', 'GET', '/2025-11-30/capacity-providers'],
  ['ListCodeSigningConfigs', 'GET', '/2020-04-22/code-signing-configs'],
  ['ListDurableExecutionsByFunction', 'GET', '/2025-12-01/functions/{FunctionName}/durable-executions'],
  ['ListFunctionsByCodeSigningConfig', 'GET', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}/functions'],
  ['ListFunctionVersionsByCapacityProvider', 'GET', '/2025-11-30/capacity-providers/{CapacityProviderName}/function-versions'],
  ['ListLayerVersions', 'GET', '/2018-10-31/layers/{LayerName}/versions'],
  ['PublishLayerVersion', 'POST', '/2018-10-31/layers/{LayerName}/versions'],
  ['PutFunctionCodeSigningConfig', 'PUT', '/2020-06-30/functions/{FunctionName}/code-signing-config'],
  ['PutFunctionRecursionConfig', 'PUT', '/2024-08-31/functions/{FunctionName}/recursion-config'],
  ['PutFunctionScalingConfig', 'PUT', '/2025-11-30/functions/{FunctionName}/function-scaling-config'],
  ['PutProvisionedConcurrencyConfig', 'PUT', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency'],
  ['PutResourcePolicy', 'PUT', '/2026-07-09/resource-policy/{ResourceArn}'],
  ['PutRuntimeManagementConfig', 'PUT', '/2021-07-20/functions/{FunctionName}/runtime-management-config'],
  ['RemoveLayerVersionPermission', 'DELETE', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}'],
  ['SendDurableExecutionCallbackFailure', 'POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/fail'],
  ['SendDurableExecutionCallbackHeartbeat', 'POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/heartbeat'],
  ['SendDurableExecutionCallbackSuccess', 'POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/succeed'],
  ['StopDurableExecution', 'POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/stop'],
  ['UpdateCapacityProvider', 'PUT', '/2025-11-30/capacity-providers/{CapacityProviderName}'],
  ['UpdateCodeSigningConfig', 'PUT', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}'],
];

export function unimplementedOperations(): Operation[] {
  const table: Operation[] = UNIMPLEMENTED.map(([name, method, path]) => ({
    name,
    http: { method, path },
    handler: () => {
      throw notImplemented('lambda', name);
    },
  }));
  return [
    ...table,
    // GET /2018-10-31/layers: ListLayers, or GetLayerVersionByArn with `?find=LayerVersion`.
    {
      name: 'ListLayers',
      http: { method: 'GET', path: '/2018-10-31/layers', query: { find: 'find' } },
      handler: (input) => {
        throw notImplemented('lambda', input.find === 'LayerVersion' ? 'GetLayerVersionByArn' : 'ListLayers');
      },
    },
    // GET …/provisioned-concurrency: GetProvisionedConcurrencyConfig, or the List with `?List=ALL`.
    {
      name: 'GetProvisionedConcurrencyConfig',
      http: { method: 'GET', path: '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', query: { List: 'List' } },
      handler: (input) => {
        throw notImplemented('lambda', input.List === 'ALL' ? 'ListProvisionedConcurrencyConfigs' : 'GetProvisionedConcurrencyConfig');
      },
    },
  ];
}

/** Every path prefix (API version) of Lambda's model, for routing requests that carry no signature. */
export const LAMBDA_PATH_PREFIXES = [
  '/2014-11-13/',
  '/2015-03-31/',
  '/2016-08-19/',
  '/2017-03-31/',
  '/2017-10-31/',
  '/2018-10-31/',
  '/2019-09-25/',
  '/2019-09-30/',
  '/2020-04-22/',
  '/2020-06-30/',
  '/2021-07-20/',
  '/2021-10-31/',
  '/2021-11-15/',
  '/2024-08-31/',
  '/2025-11-30/',
  '/2025-12-01/',
  '/2026-07-09/',
];
