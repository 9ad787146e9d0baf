import { request } from 'node:http';
import * as assert from 'uvu/assert';
import {
  APIGatewayClient,
  CreateResourceCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';

/** Shared by the apigateway*.test.ts suites (not a suite itself: no `.test.ts`). */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/**
 * One plain HTTP request with full control of the Host header, which `fetch` does not give:
 * execute-api host names (`12345.execute-api.localhost.localstack.cloud`) do not resolve
 * offline, so tests connect to the emulator's address and name the API in `Host`.
 */
export function httpRequest(
  endpoint: string,
  options: { method?: string; path: string; host?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...(options.host ? { host: options.host } : {}), ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** An API Gateway client on the emulator that does not retry, so errors can be asserted. */
export const apigwClient = (endpoint: string, region = 'us-east-1'): APIGatewayClient =>
  new APIGatewayClient({ endpoint, region, credentials, maxAttempts: 1 });

export const LAMBDA_URI =
  'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:fn/invocations';

export type AwsError = Error & { $metadata: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };

export async function rejects(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (err) {
    return err as AwsError;
  }
  throw new Error('expected the call to fail');
}

/** The SDK error's code, HTTP status and message, all exactly. */
export function assertError(err: AwsError, name: string, status: number, message: string): void {
  assert.is(err.name, name);
  assert.is(err.$metadata.httpStatusCode, status);
  assert.is(err.message, message);
}

/** A new API with `GET /productApi` integrated (AWS_PROXY) with a Lambda function. */
export async function apiWithMethod(endpoint: string, region = 'us-east-1') {
  const client = apigwClient(endpoint, region);
  const api = await client.send(new CreateRestApiCommand({ name: 'quote-api-gateway' }));
  const resource = await client.send(
    new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'productApi' }),
  );
  await client.send(
    new PutMethodCommand({ restApiId: api.id, resourceId: resource.id, httpMethod: 'GET', authorizationType: 'NONE' }),
  );
  await client.send(
    new PutIntegrationCommand({
      restApiId: api.id,
      resourceId: resource.id,
      httpMethod: 'GET',
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: LAMBDA_URI,
    }),
  );
  return { client, apiId: api.id!, rootId: api.rootResourceId!, resourceId: resource.id! };
}
