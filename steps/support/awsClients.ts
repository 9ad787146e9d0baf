import type { ClientConstructor } from '../../engine/types.ts';

/** An SDK v3 client as `awsCall` uses it: `send(command)`. */
export interface SendingClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** A loaded service module: its client class and its `<Operation>Command` classes by name. */
export interface ServiceModule {
  client: ClientConstructor<SendingClient>;
  command(operation: string): (new (input: unknown) => unknown) | undefined;
}

/**
 * The AWS services `awsCall` reaches: the `@aws-sdk/client-*` packages this project depends on,
 * by the service name the AWS CLI uses. Each module is imported on first use only.
 */
const SERVICES = {
  apigateway: { client: 'APIGatewayClient', load: () => import('@aws-sdk/client-api-gateway') },
  dynamodb: { client: 'DynamoDBClient', load: () => import('@aws-sdk/client-dynamodb') },
  dynamodbstreams: { client: 'DynamoDBStreamsClient', load: () => import('@aws-sdk/client-dynamodb-streams') },
  fis: { client: 'FisClient', load: () => import('@aws-sdk/client-fis') },
  lambda: { client: 'LambdaClient', load: () => import('@aws-sdk/client-lambda') },
  route53: { client: 'Route53Client', load: () => import('@aws-sdk/client-route-53') },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** The service names, for the params schema's enum. */
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Imports a service's package and wraps its exports. */
export async function loadService(service: ServiceName): Promise<ServiceModule> {
  const entry = SERVICES[service];
  const exports = (await entry.load()) as unknown as Record<string, unknown>;
  return {
    client: exports[entry.client] as ClientConstructor<SendingClient>,
    command: (operation) => {
      const found = exports[`${operation}Command`];
      return typeof found === 'function' ? (found as new (input: unknown) => unknown) : undefined;
    },
  };
}

/** `create-hosted-zone` (the CLI's spelling) or `CreateHostedZone` → `CreateHostedZone`. */
export function operationName(operation: string): string {
  return operation
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A response as plain JSON for the outputs and the journal: `$metadata` dropped, dates as ISO
 * strings, byte arrays (e.g. Lambda's `Payload`) as UTF-8 text.
 */
export function plainResponse(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(plainResponse);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== '$metadata' && v !== undefined)
        .map(([key, v]) => [key, plainResponse(v)]),
    );
  }
  return value;
}
