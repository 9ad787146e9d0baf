import { request, Agent } from 'node:http';
import { CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { buildLambdaZip, LAMBDA_HANDLER, type LambdaName } from '../lambdas/build.ts';
import { lambdaInvocationUri, putLambdaProxy, putMock } from '../test/helpers/apigatewayIntegrations.ts';
import { apigatewayClient, dynamodbClient, lambdaClient } from '../test/helpers/clients.ts';
import { productsTable } from '../test/helpers/dynamodbTables.ts';
import { createNodeFunction, waitUntilActive } from '../test/helpers/lambdaFunction.ts';
import { sequentialLatency, type LatencySummary } from './latency.ts';

/**
 * execute-api latency through the embedded emulator, over real sockets with a keep-alive
 * agent, the Host-header URL form: `GET /dev/productApi?id=prod-1088` through API Gateway →
 * Lambda (the drill's get-product bundle) → DynamoDB, and a MOCK route as the baseline of the
 * data plane alone. Falls back to the healthcheck bundle when DynamoDB is not available.
 */

const REGION = 'us-east-1';
const API_ID = 'bench1';
const WARMUP = 20;
const COUNT = 500;

export interface ApiGatewayBenchResult extends LatencySummary {
  route: string;
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
  const dynamo = dynamodbClient(emu, REGION);
  try {
    await dynamo.send(new CreateTableCommand(productsTable('Products', { onDemand: true })));
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
  const lambda = lambdaClient(emu, REGION);
  const created = await createNodeFunction(lambda, {
    FunctionName: fn,
    Role: 'arn:aws:iam::000000000000:role/productRole',
    Handler: LAMBDA_HANDLER,
    Code: { ZipFile: await buildLambdaZip(fn) },
  });
  await waitUntilActive(lambda, fn);
  lambda.destroy();

  const client = apigatewayClient(emu, REGION);
  const api = await client.send(new CreateRestApiCommand({ name: 'bench', tags: { _custom_id_: API_ID } }));
  const product = await client.send(new CreateResourceCommand({ restApiId: API_ID, parentId: api.rootResourceId, pathPart: 'productApi' }));
  await putLambdaProxy(
    client,
    { restApiId: API_ID, resourceId: product.id, httpMethod: 'GET' },
    lambdaInvocationUri(REGION, created.FunctionArn!),
  );
  const mock = await client.send(new CreateResourceCommand({ restApiId: API_ID, parentId: api.rootResourceId, pathPart: 'mock' }));
  await putMock(client, { restApiId: API_ID, resourceId: mock.id, httpMethod: 'GET' }, '{"message": "Success"}');
  await client.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: 'dev' }));
  client.destroy();
}

async function measure(emu: Emulator, agent: Agent, path: string, route: string): Promise<ApiGatewayBenchResult> {
  const latency = await sequentialLatency(
    async () => {
      const status = await get(emu, agent, path);
      if (status !== 200) throw new Error(`${route}: GET ${path} answered ${status}`);
    },
    WARMUP,
    COUNT,
  );
  return { route, ...latency };
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
