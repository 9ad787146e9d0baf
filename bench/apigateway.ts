import { request, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { buildLambdaZip, LAMBDA_HANDLER, type LambdaName } from '../lambdas/build.ts';

/**
 * execute-api latency through the embedded emulator, over real sockets with a keep-alive
 * agent, the Host-header URL form: `GET /dev/productApi?id=prod-1088` through API Gateway →
 * Lambda (the drill's get-product bundle) → DynamoDB, and a MOCK route as the baseline of the
 * data plane alone. Falls back to the healthcheck bundle when DynamoDB is not available.
 */

const REGION = 'us-east-1';
const API_ID = 'bench1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const WARMUP = 20;
const COUNT = 500;

export interface ApiGatewayBenchResult {
  route: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function run(): Promise<void> {
  const emu = await startEmulator({ timeScale: 100 });
  try {
    const withDynamo = await seedDynamo(emu);
    const fn: LambdaName = withDynamo ? 'getProduct' : 'healthcheck';
    await deployApi(emu, fn);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const results = [
      await measure(emu, agent, `/dev/productApi?id=prod-1088`, `API Gateway → Lambda (${fn})${withDynamo ? ' → DynamoDB' : ''}`),
      await measure(emu, agent, '/dev/mock', 'API Gateway MOCK (data plane alone)'),
    ];
    agent.destroy();
    console.log(`apigateway execute-api latency (${COUNT} sequential requests after ${WARMUP} warm-up, keep-alive)`);
    if (!withDynamo) console.log('  DynamoDB unavailable: the Lambda route uses the healthcheck bundle instead of get-product');
    for (const r of results) {
      console.log(`  ${r.route.padEnd(52)} p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  max ${r.maxMs.toFixed(2)} ms`);
    }
  } finally {
    await emu.stop();
  }
}

async function seedDynamo(emu: Emulator): Promise<boolean> {
  const dynamo = new DynamoDBClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'Products',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await dynamo.send(
      new PutItemCommand({
        TableName: 'Products',
        Item: { id: { S: 'prod-1088' }, name: { S: 'Super Widget' }, price: { N: '29.99' }, description: { S: 'A versatile widget.' } },
      }),
    );
    return true;
  } catch {
    return false;
  } finally {
    dynamo.destroy();
  }
}

async function deployApi(emu: Emulator, fn: LambdaName): Promise<void> {
  const lambda = new LambdaClient({ endpoint: emu.endpoint, region: REGION, credentials });
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/productRole',
      Handler: LAMBDA_HANDLER,
      Code: { ZipFile: await buildLambdaZip(fn) },
    }),
  );
  for (let i = 0; i < 200; i++) {
    const state = (await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration?.State;
    if (state === 'Active') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  lambda.destroy();

  const client = new APIGatewayClient({ endpoint: emu.endpoint, region: REGION, credentials });
  const api = await client.send(new CreateRestApiCommand({ name: 'bench', tags: { _custom_id_: API_ID } }));
  const product = await client.send(new CreateResourceCommand({ restApiId: API_ID, parentId: api.rootResourceId, pathPart: 'productApi' }));
  await client.send(new PutMethodCommand({ restApiId: API_ID, resourceId: product.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(
    new PutIntegrationCommand({
      restApiId: API_ID,
      resourceId: product.id,
      httpMethod: 'GET',
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${created.FunctionArn}/invocations`,
    }),
  );
  const mock = await client.send(new CreateResourceCommand({ restApiId: API_ID, parentId: api.rootResourceId, pathPart: 'mock' }));
  const m = { restApiId: API_ID, resourceId: mock.id, httpMethod: 'GET' };
  await client.send(new PutMethodCommand({ ...m, authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ ...m, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await client.send(new PutMethodResponseCommand({ ...m, statusCode: '200' }));
  await client.send(
    new PutIntegrationResponseCommand({ ...m, statusCode: '200', responseTemplates: { 'application/json': '{"message": "Success"}' } }),
  );
  await client.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: 'dev' }));
  client.destroy();
}

async function measure(emu: Emulator, agent: Agent, path: string, route: string): Promise<ApiGatewayBenchResult> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + COUNT; i++) {
    const started = performance.now();
    const status = await get(emu, agent, path);
    const elapsed = performance.now() - started;
    if (status !== 200) throw new Error(`${route}: GET ${path} answered ${status}`);
    if (i >= WARMUP) samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { route, count: samples.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: samples[samples.length - 1]! };
}

function get(emu: Emulator, agent: Agent, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: emu.host, port: emu.port, path, agent, headers: { host: `${API_ID}.execute-api.localhost.localstack.cloud:${emu.port}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
