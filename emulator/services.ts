import { createApiGateway } from './apigateway/index.ts';
import { createDynamoDb } from './dynamodb/index.ts';
import { createDynamoDbStreams } from './dynamodb/streams.ts';
import { createFis } from './fis/index.ts';
import { createLambda } from './lambda/index.ts';
import { createRoute53 } from './route53/index.ts';
import type { ServiceName } from './serviceNames.ts';
export { createProtocol } from './protocol/index.ts';
import type { ServiceApis, ServiceFactory } from './types.ts';

/**
 * Every emulated service, one line each, under a name of `serviceNames.ts` (checked here). The
 * name is the key of `runtime.api(name)`: a service that offers an internal API must be listed
 * under its `ServiceApis` name (checked here). Loaded on demand: `engine serve` listens first.
 */
export const serviceFactories: Record<ServiceName, ServiceFactory> & { [K in keyof ServiceApis]: ServiceFactory<ServiceApis[K]> } = {
  route53: createRoute53,
  fis: createFis,
  lambda: createLambda,
  apigateway: createApiGateway,
  dynamodb: createDynamoDb,
  dynamodbstreams: createDynamoDbStreams,
};
