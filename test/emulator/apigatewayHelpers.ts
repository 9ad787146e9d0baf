import { request } from 'node:http';
import { CreateResourceCommand, CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { putLambdaProxy } from '../helpers/apigatewayIntegrations.ts';
import { apigatewayClient } from '../helpers/clients.ts';

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

export const LAMBDA_URI =
  'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:fn/invocations';

/** A new API with `GET /productApi` integrated (AWS_PROXY) with a Lambda function. */
export async function apiWithMethod(endpoint: string, region = 'us-east-1') {
  const client = apigatewayClient(endpoint, region);
  const api = await client.send(new CreateRestApiCommand({ name: 'quote-api-gateway' }));
  const resource = await client.send(
    new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'productApi' }),
  );
  await putLambdaProxy(client, { restApiId: api.id, resourceId: resource.id, httpMethod: 'GET' }, LAMBDA_URI);
  return { client, apiId: api.id!, rootId: api.rootResourceId!, resourceId: resource.id! };
}
