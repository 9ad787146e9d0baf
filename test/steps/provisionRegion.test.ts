import * as assert from 'uvu/assert';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateFunctionCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { buildLambdaZip } from '../../lambdas/build.ts';
import type { Target } from '../../engine/types.ts';
import provisionRegion from '../../steps/provisionRegion.ts';
import awaitItem from '../../steps/awaitItem.ts';
import httpRequest from '../../steps/httpRequest.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { captureLog, stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/provisionRegion', { emulator: { timeScale: 10 } });

const PRODUCT = {
  id: 'prod-1088',
  name: 'Super Widget',
  price: '29.99',
  description: 'A versatile widget that can be used for a variety of purposes. Durable, reliable, and affordable.',
};
const PRODUCT_JSON =
  '{"price":"29.99","name":"Super Widget","description":"A versatile widget that can be used for a variety of purposes. Durable, reliable, and affordable.","id":"prod-1088"}';

/** Everything provisionRegion may leave in a region. */
async function leftovers(target: Target, region: string): Promise<string[]> {
  const [tables, functions, apis, mappings] = await Promise.all([
    target.client(DynamoDBClient, region).send(new ListTablesCommand({})),
    target.client(LambdaClient, region).send(new ListFunctionsCommand({})),
    target.client(APIGatewayClient, region).send(new GetRestApisCommand({})),
    target.client(LambdaClient, region).send(new ListEventSourceMappingsCommand({})),
  ]);
  return [
    ...(tables.TableNames ?? []).map((t) => `table:${t}`),
    ...(functions.Functions ?? []).map((f) => `function:${f.FunctionName}`),
    ...(apis.items ?? []).map((a) => `api:${a.id}`),
    ...(mappings.EventSourceMappings ?? []).map((m) => `esm:${m.UUID}`),
  ].sort();
}

test('deploys the standby stack: API 67890 answers /dev/healthcheck and /dev/productApi', async ({ emu, target }) => {
  const out = await runStep(provisionRegion, { region: 'eu-central-1', apiId: '67890' }, stepContext(target));
  assert.is(out.apiId, '67890');
  assert.is(out.invokeHost, '67890.execute-api.localhost.localstack.cloud');
  assert.is(out.invokeUrl, `http://67890.execute-api.localhost.localstack.cloud:${emu.port}/dev`);
  assert.is(out.tableArn, 'arn:aws:dynamodb:eu-central-1:000000000000:table/Products');
  assert.is(out.streamArn, undefined);
  assert.equal(out.functionNames, { getProduct: 'get-product', addProduct: 'add-product', healthcheck: 'healthcheck' });
  const health = await runStep(httpRequest, { url: `${out.invokeUrl}/healthcheck` }, stepContext(target));
  assert.is(health.body, '{"message": "Success"}');
  const missing = await runStep(httpRequest, { url: `${out.invokeUrl}/productApi?id=prod-1088`, expectStatus: 404 }, stepContext(target));
  assert.is(missing.body, 'Product not found');
  assert.is(missing.headers['x-served-region'], 'eu-central-1');
  const config = await target
    .client(LambdaClient, 'eu-central-1')
    .send(new GetFunctionConfigurationCommand({ FunctionName: 'get-product' }));
  assert.is(config.Runtime, 'nodejs20.x');
  assert.is(config.Handler, 'index.handler');
  assert.equal(config.Environment?.Variables, { TABLE_NAME: 'Products' });
});

test('the primary replicates into the standby: a POST in us-east-1 is readable in eu-central-1', async ({ target }) => {
  const [, primary] = await Promise.all([
    runStep(provisionRegion, { region: 'eu-central-1', apiId: '67890' }, stepContext(target)),
    runStep(provisionRegion, { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' }, stepContext(target)),
  ]);
  assert.match(primary.streamArn ?? '', /^arn:aws:dynamodb:us-east-1:000000000000:table\/Products\/stream\//);
  assert.ok(primary.eventSourceMappingId);
  assert.is(primary.functionNames.replicate, 'dynamodb-streams-to-lambda');
  const posted = await runStep(httpRequest, { url: `${primary.invokeUrl}/productApi`, method: 'POST', body: PRODUCT }, stepContext(target));
  assert.is(posted.body, 'Product added/updated successfully.');
  await runStep(awaitItem, { region: 'eu-central-1', table: 'Products', key: { id: 'prod-1088' }, pollInterval: 20 }, stepContext(target));
  const read = await runStep(
    httpRequest,
    { url: `http://67890.execute-api.localhost.localstack.cloud:${target.values.port}/dev/productApi?id=prod-1088` },
    stepContext(target),
  );
  assert.is(read.body, PRODUCT_JSON);
  assert.is(read.headers['x-served-region'], 'eu-central-1');
});

test('running twice (a retry) reuses everything', async ({ target }) => {
  const params = { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' };
  const a = await runStep(provisionRegion, params, stepContext(target));
  const b = await runStep(provisionRegion, params, stepContext(target));
  assert.is(b.apiId, a.apiId);
  assert.is(b.eventSourceMappingId, a.eventSourceMappingId);
  assert.equal(await leftovers(target, 'us-east-1'), [
    `api:12345`,
    `esm:${a.eventSourceMappingId}`,
    'function:add-product',
    'function:dynamodb-streams-to-lambda',
    'function:get-product',
    'function:healthcheck',
    'table:Products',
  ]);
});

test('rollback deletes mapping, functions, API and table; twice is fine', async ({ target }) => {
  const params = { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1', namePrefix: 'drill-' };
  const ctx = stepContext(target);
  const out = await runStep(provisionRegion, params, ctx);
  assert.is(out.functionNames.getProduct, 'drill-get-product');
  await rollbackStep(provisionRegion, params, ctx, out);
  await rollbackStep(provisionRegion, params, ctx, out);
  assert.equal(await leftovers(target, 'us-east-1'), []);
});

test('rollback without outputs (crash mid-way) finds everything by name and custom id; other regions untouched', async ({
  target,
  emu,
}) => {
  const params = { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' };
  await runStep(provisionRegion, { region: 'eu-central-1', apiId: '67890' }, stepContext(target));
  // A crash after the table and one function: only part of the stack exists.
  const controller = new AbortController();
  const runId = 'crashed-run';
  const ctx = stepContext(target, { signal: controller.signal, runId });
  const pending = runStep(provisionRegion, params, ctx);
  await waitFor(async () => (await leftovers(target, 'us-east-1')).includes('function:get-product'));
  controller.abort(new Error('crash'));
  await pending.catch(() => undefined);
  // What the emulator had received before the crash is still carried out, as on AWS.
  await emu.requestsSettled();
  await rollbackStep(provisionRegion, params, stepContext(target, { runId }), undefined);
  assert.equal(await leftovers(target, 'us-east-1'), [], 'after the crashed run');
  assert.is((await leftovers(target, 'eu-central-1')).length, 5, 'the standby keeps its table, 3 functions and API');
  // And after a complete run too.
  await runStep(provisionRegion, params, stepContext(target, { runId: 'complete-run' }));
  await rollbackStep(provisionRegion, params, stepContext(target, { runId: 'complete-run' }), undefined);
  assert.equal(await leftovers(target, 'us-east-1'), [], 'after the complete run');
});

test('rollback deletes only what the run created: a pre-existing table and function are kept', async ({ target }) => {
  const region = 'us-east-1';
  const params = { region, apiId: '12345' };
  // The user's stack before the drill (as LocalStack's init-resources.sh leaves it): the table and get-product.
  await target.client(DynamoDBClient, region).send(
    new CreateTableCommand({
      TableName: 'Products',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }),
  );
  await target.client(LambdaClient, region).send(
    new CreateFunctionCommand({
      FunctionName: 'get-product',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Code: { ZipFile: await buildLambdaZip('getProduct') },
    }),
  );
  await waitFor(
    async () =>
      (await target.client(DynamoDBClient, region).send(new DescribeTableCommand({ TableName: 'Products' }))).Table?.TableStatus ===
      'ACTIVE',
  );
  const log = captureLog();
  const ctx = stepContext(target, { log: log.logger });
  const out = await runStep(provisionRegion, params, ctx);
  assert.equal(out.created, { table: false, functions: ['add-product', 'healthcheck'], restApi: true, eventSourceMapping: false });
  await rollbackStep(provisionRegion, params, ctx, out);
  assert.equal(await leftovers(target, region), ['function:get-product', 'table:Products']);
  // Said where the user sees it: a reused stack is kept, and its old data skews what a drill measures.
  assert.ok(
    log.lines.some((l) => /^warn reused what existed before this run .*: table Products, function get-product$/.test(l)),
    log.lines.join('\n'),
  );
  assert.ok(log.lines.includes('info kept what existed before this run: table Products, function get-product'), log.lines.join('\n'));
  // Without outputs (a crash), the same: only what carries the run's tag goes.
  const again = stepContext(target);
  await runStep(provisionRegion, params, again);
  await rollbackStep(provisionRegion, params, stepContext(target, { runId: again.runId }), undefined);
  assert.equal(await leftovers(target, region), ['function:get-product', 'table:Products']);
});

testStep(test, provisionRegion, {
  valid: [
    { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' },
    { region: 'eu-central-1', apiId: '67890', stage: 'prod', tableName: 'Items', namePrefix: 'x-' },
  ],
  invalid: [
    { params: { region: 'us-east-1' }, errors: ["/: must have required property 'apiId'"] },
    { params: { region: 'us-east-1', apiId: '12 345' }, errors: ['/apiId: must match pattern "^[a-zA-Z0-9]+$"'] },
    { params: { region: 'us-east-1', apiId: '1', billing: 'x' }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: {
    params: { region: 'us-east-1', apiId: '12345', replicateTo: 'eu-central-1' },
    leftovers: ({ target }) => leftovers(target, 'us-east-1'),
  },
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test.run();
