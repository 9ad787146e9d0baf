/**
 * A real DynamoDB data plane for the handler tests: dynalite servers on
 * 127.0.0.1, optionally behind a region router so one AWS_ENDPOINT_URL can
 * serve two "regions" the way LocalStack and our emulator do.
 */
import { createServer, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

// dynalite ships no types; this is the slice we use.
type Dynalite = (options: { createTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface Endpoint {
  url: string;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<Endpoint> {
  return listen(dynalite({ createTableMs: 0 }));
}

/**
 * An HTTP front that forwards each request to the backend of the region in its
 * SigV4 credential scope (`Credential=AKID/20240101/<region>/dynamodb/aws4_request`).
 * dynalite itself ignores regions; the router is what makes "wrote to the
 * standby region" an observable fact rather than an assumption.
 */
export async function startRegionRouter(backends: Record<string, Endpoint>): Promise<Endpoint> {
  const server = createServer((req, res) => {
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const backend = region ? backends[region] : undefined;
    if (!backend) {
      res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({ __type: 'com.amazon.coral.service#UnrecognizedClientException', message: `no backend for region ${region}` }),
      );
      return;
    }
    const upstream = request(backend.url + (req.url ?? '/'), { method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  });
  return listen(server);
}

export async function createProductsTable(endpoint: Endpoint, region: string, tableName = 'Products'): Promise<void> {
  const client = testClient(endpoint, region);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }),
  );
  client.destroy();
}

/** A client for the test's own setup and assertions (explicit endpoint, never the env). */
export function testClient(endpoint: Endpoint, region: string): DynamoDBClient {
  return new DynamoDBClient({
    region,
    endpoint: endpoint.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Sets env vars (undefined deletes) and returns a function restoring the previous values. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  apply(vars);
  return () => apply(previous);
}

function apply(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

function listen(server: Server): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Env every handler test uses: static creds, no shared config, SDK retries off for fast failures. */
export function handlerEnv(endpoint: Endpoint, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ENDPOINT_URL_DYNAMODB: undefined,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: undefined,
    AWS_MAX_ATTEMPTS: '1',
    AWS_REGION: 'us-east-1',
    TABLE_NAME: undefined,
    ...extra,
  };
}
