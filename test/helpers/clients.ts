import { Agent } from 'node:http';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { FisClient } from '@aws-sdk/client-fis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { ClientConstructor } from '../../engine/types.ts';

/** The dummy credentials the emulator (like LocalStack) accepts. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Where a client sends its calls: an emulator (anything with an `endpoint`) or the URL itself. */
export type Endpoint = string | { endpoint: string };

/**
 * A new SDK client on `at` with the test credentials and no retries (`maxAttempts: 1`), so an
 * error answer reaches the caller as it was sent. The caller owns it (`destroy()` when done).
 */
export function testClient<T>(ctor: ClientConstructor<T>, at: Endpoint, region = 'us-east-1'): T {
  return new ctor({
    endpoint: typeof at === 'string' ? at : at.endpoint,
    region,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    // An agent with a timeout lets a free socket go before the emulator closes it (its
    // `Keep-Alive: timeout=5` hint; see engine/target.ts keepAliveAgent): without retries, a
    // request sent on a socket the server is closing would fail the test with ECONNRESET.
    requestHandler: { httpAgent: new Agent({ keepAlive: true, timeout: 60_000 }) },
  });
}

export const apigatewayClient = (at: Endpoint, region?: string): APIGatewayClient => testClient(APIGatewayClient, at, region);
export const dynamodbClient = (at: Endpoint, region?: string): DynamoDBClient => testClient(DynamoDBClient, at, region);
export const dynamodbStreamsClient = (at: Endpoint, region?: string): DynamoDBStreamsClient =>
  testClient(DynamoDBStreamsClient, at, region);
export const fisClient = (at: Endpoint, region?: string): FisClient => testClient(FisClient, at, region);
export const lambdaClient = (at: Endpoint, region?: string): LambdaClient => testClient(LambdaClient, at, region);
export const route53Client = (at: Endpoint, region?: string): Route53Client => testClient(Route53Client, at, region);

/** One client per region, e.g. `perRegion(lambdaClient, emu, ['us-east-1', 'eu-central-1'])`. */
export function perRegion<T>(make: (at: Endpoint, region?: string) => T, at: Endpoint, regions: readonly string[]): Record<string, T> {
  return Object.fromEntries(regions.map((region) => [region, make(at, region)]));
}
