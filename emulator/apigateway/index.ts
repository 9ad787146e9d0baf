import { notImplemented } from '../protocol/ServiceError.ts';
import type { Operation, ServiceFactory } from '../types.ts';
import { authorizerOperations } from './authorizerOperations.ts';
import { deploymentOperations } from './deploymentOperations.ts';
import { gatewayResponseOperations } from './gatewayResponseOperations.ts';
import { createExecuteApiRoute } from './executeApi.ts';
import { importOperations } from './importOperations.ts';
import { integrationOperations } from './integrationOperations.ts';
import { methodOperations } from './methodOperations.ts';
import { modelOperations } from './modelOperations.ts';
import { API_GATEWAY_OPERATIONS } from './operationTable.ts';
import { requestValidatorOperations } from './requestValidatorOperations.ts';
import { resourceOperations } from './resourceOperations.ts';
import { restApiOperations, type ApiGatewayContext } from './restApiOperations.ts';
import { stageOperations } from './stageOperations.ts';
import { ApiGatewayStore } from './store.ts';

/**
 * API Gateway REST (v1), restJson1, signing name `apigateway`.
 *
 * Control plane (regional; ids unique across regions; LocalStack's `_custom_id_` tag): REST APIs
 * (incl. ImportRestApi, PutRestApi, GetExport), resources, methods, method responses,
 * integrations, integration responses, deployments, stages, authorizers, request validators,
 * gateway responses and models. Every other operation of the service model answers 501 naming
 * it (`operationTable.ts`). The list, and the AWS behaviour relied on: docs/fidelity/apigateway.md.
 *
 * Data plane (`executeApi.ts`): `<id>.execute-api.<host>/<stage>/<path>` by Host header,
 * `/_aws/execute-api/<id>/<stage>/<path>`, `/restapis/<id>/<stage>/_user_request_/<path>`;
 * Lambda authorizers, request validators, AWS_PROXY (Lambda) and MOCK integrations, VTL mapping
 * templates, gateway response customisations.
 */
export const createApiGateway: ServiceFactory = (runtime) => {
  const store = new ApiGatewayStore();
  const context: ApiGatewayContext = { store, clock: runtime.clock };
  const implemented: Operation[] = [
    ...restApiOperations(context),
    ...resourceOperations(context),
    ...methodOperations(context),
    ...integrationOperations(context),
    ...deploymentOperations(context),
    ...stageOperations(context),
    ...importOperations(context),
    ...authorizerOperations(context),
    ...requestValidatorOperations(context),
    ...gatewayResponseOperations(context),
    ...modelOperations(context),
  ];
  return {
    descriptor: {
      name: 'apigateway',
      signingNames: ['apigateway'],
      protocol: { name: 'restJson', errorStyle: 'message' },
      pathPrefixes: PATH_PREFIXES,
      operations: [...implemented, ...unimplemented(implemented)],
    },
    rawRoutes: [createExecuteApiRoute(runtime, store)],
    reset: () => store.reset(),
  };
};

/** Where the API's operations live, for requests that come unsigned. */
const PATH_PREFIXES = [
  '/restapis',
  '/apikeys',
  '/usageplans',
  '/domainnames',
  '/domainnameaccessassociations',
  '/rejectdomainnameaccessassociations',
  '/vpclinks',
  '/clientcertificates',
  '/sdktypes',
  '/account',
];

/**
 * Every operation of the API the emulator does not implement, routed by its real method and
 * path to a 501 naming it: without these, a known operation whose path another operation
 * shares would answer 405, and one under an unknown path 501 naming only the path.
 */
function unimplemented(implemented: readonly Operation[]): Operation[] {
  const names = new Set(implemented.map((op) => op.name));
  return API_GATEWAY_OPERATIONS.filter(([name]) => !names.has(name)).map(([name, method, path, status]) => ({
    name,
    http: { method, path, status },
    handler: () => {
      throw notImplemented('apigateway', name);
    },
  }));
}
