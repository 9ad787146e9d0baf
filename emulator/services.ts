import type { createProtocol } from './protocol/index.ts';
import type { ServiceName } from './serviceNames.ts';
import type { ServiceApis, ServiceFactory } from './types.ts';

type Factories = Record<ServiceName, ServiceFactory> & { [K in keyof ServiceApis]: ServiceFactory<ServiceApis[K]> };
type Loaders = { [K in keyof Factories]: () => Promise<Factories[K]> };

/**
 * Every emulated service, one line each, under a name of `serviceNames.ts` (checked here). The
 * name is the key of `runtime.api(name)`: a service that offers an internal API must be listed
 * under its `ServiceApis` name (checked here). Each is its own module, imported on demand.
 */
const loaders: Loaders = {
  route53: async () => (await import('./route53/index.ts')).createRoute53,
  fis: async () => (await import('./fis/index.ts')).createFis,
  lambda: async () => (await import('./lambda/index.ts')).createLambda,
  apigateway: async () => (await import('./apigateway/index.ts')).createApiGateway,
  dynamodb: async () => (await import('./dynamodb/index.ts')).createDynamoDb,
  dynamodbstreams: async () => (await import('./dynamodb/streams.ts')).createDynamoDbStreams,
};

/** The services' code, loaded: every factory, and the protocols their descriptors name. */
export interface LoadedServices {
  factories: Factories;
  createProtocol: typeof createProtocol;
}

/**
 * Imports every service's module, one after the other with a turn of the event loop between
 * them: `engine serve` is already listening, and a request that arrives meanwhile (its health
 * endpoint) waits for one module's evaluation at most, not for all of them.
 */
export async function loadServices(): Promise<LoadedServices> {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const { createProtocol } = await import('./protocol/index.ts');
  const factories: Partial<Record<ServiceName, ServiceFactory>> = {};
  for (const [name, load] of Object.entries(loaders) as Array<[ServiceName, () => Promise<ServiceFactory>]>) {
    await turn();
    factories[name] = await load();
  }
  return { factories: factories as Factories, createProtocol };
}
