import * as assert from 'uvu/assert';
import { CreateRestApiCommand, GetRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateExperimentTemplateCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
} from '@aws-sdk/client-fis';
import { GetFunctionCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { ManualClock } from '../../emulator/clock.ts';
import { rejects } from '../helpers/awsErrors.ts';
import { apigatewayClient, dynamodbClient, fisClient, lambdaClient } from '../helpers/clients.ts';
import { productsTable } from '../helpers/dynamodbTables.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { createNodeFunction } from '../helpers/lambdaFunction.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/**
 * Tags given in the call that creates a resource, as AWS keeps them, through the real SDK
 * clients: DynamoDB CreateTable `Tags` (dynalite ignores them; the emulator stores them with the
 * table, never one without the other), Lambda CreateFunction `Tags`, API Gateway CreateRestApi
 * `tags`, FIS CreateExperimentTemplate and StartExperiment `tags`. The engine's rollback finds
 * what a run created by these tags.
 */

const test = emulatorSuite('emulator/createTags', { emulator: { clock: new ManualClock() } });
const RUN = { Key: 'failover-engine:run', Value: 'run-1' };

test('DynamoDB CreateTable Tags are listed by ListTagsOfResource at once; DescribeTable does not echo them', async (ctx) => {
  const dynamo = dynamodbClient(ctx.emu);
  const made = await dynamo.send(new CreateTableCommand({ ...productsTable(), Tags: [RUN, { Key: 'team', Value: '' }] }));
  const arn = made.TableDescription!.TableArn!;
  const { Tags } = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  assert.equal((Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(), ['failover-engine:run=run-1', 'team=']);
  const described = await dynamo.send(new DescribeTableCommand({ TableName: 'Products' }));
  assert.not.ok('Tags' in (described.Table as object), 'DescribeTable has no Tags member');
  // A table of the same name created later without tags does not inherit them.
  await dynamo.send(new DeleteTableCommand({ TableName: 'Products' }));
  const again = await dynamo.send(new CreateTableCommand(productsTable()));
  const after = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: again.TableDescription!.TableArn! }));
  assert.equal(after.Tags ?? [], []);
  dynamo.destroy();
});

test('DynamoDB: a ListTagsOfResource racing CreateTable sees the table with its tags or no table, never an untagged one', async (ctx) => {
  const dynamo = dynamodbClient(ctx.emu);
  const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/Products';
  const listing = async (): Promise<string> => {
    try {
      const { Tags } = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
      return (Tags ?? []).map((t) => `${t.Key}=${t.Value}`).join(',') || 'untagged';
    } catch (error) {
      return (error as Error).name;
    }
  };
  const create = dynamo.send(new CreateTableCommand({ ...productsTable(), Tags: [RUN] }));
  const seen = await Promise.all(Array.from({ length: 20 }, listing));
  await create;
  seen.push(await listing());
  for (const answer of seen) assert.ok(['ResourceNotFoundException', 'failover-engine:run=run-1'].includes(answer), answer);
  assert.is(seen.at(-1), 'failover-engine:run=run-1');
  dynamo.destroy();
});

test('DynamoDB: a malformed CreateTable tag refuses the whole call (ValidationException) and creates no table', async (ctx) => {
  const dynamo = dynamodbClient(ctx.emu);
  const err = await rejects(dynamo.send(new CreateTableCommand({ ...productsTable(), Tags: [{ Key: '', Value: 'x' }] })));
  assert.is(err.name, 'ValidationException');
  assert.is(err.$metadata.httpStatusCode, 400);
  assert.match(err.message, /tags\.1\.member\.key/);
  const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  assert.is((await rejects(dynamo.send(new CreateTableCommand({ ...productsTable(), Tags: tooMany })))).name, 'ValidationException');
  assert.equal((await dynamo.send(new ListTablesCommand({}))).TableNames, []);
  dynamo.destroy();
});

test('Lambda CreateFunction Tags are on the function at once (ListTags, GetFunction)', async (ctx) => {
  const lambda = lambdaClient(ctx.emu);
  const made = await createNodeFunction(lambda, {
    FunctionName: 'tagged',
    Code: { ZipFile: lambdaZip('exports.handler = async () => 1;') },
    Tags: { [RUN.Key]: RUN.Value },
  });
  assert.equal((await lambda.send(new ListTagsCommand({ Resource: made.FunctionArn }))).Tags, { [RUN.Key]: RUN.Value });
  assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags, { [RUN.Key]: RUN.Value });
  lambda.destroy();
});

test('API Gateway CreateRestApi tags are on the API at once (GetRestApi, GetRestApis)', async (ctx) => {
  const apigw = apigatewayClient(ctx.emu, 'eu-central-1');
  const made = await apigw.send(new CreateRestApiCommand({ name: 'tagged', tags: { [RUN.Key]: RUN.Value } }));
  assert.equal((await apigw.send(new GetRestApiCommand({ restApiId: made.id }))).tags, { [RUN.Key]: RUN.Value });
  const listed = (await apigw.send(new GetRestApisCommand({}))).items?.find((api) => api.id === made.id);
  assert.equal(listed?.tags, { [RUN.Key]: RUN.Value });
  apigw.destroy();
});

test('FIS CreateExperimentTemplate and StartExperiment tags are listed at once', async (ctx) => {
  const fis = fisClient(ctx.emu);
  const { experimentTemplate } = await fis.send(
    new CreateExperimentTemplateCommand({
      description: 'tagged',
      stopConditions: [{ source: 'none' }],
      roleArn: 'arn:aws:iam::000000000000:role/fis',
      actions: { wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' } } },
      tags: { [RUN.Key]: RUN.Value, 'failover-engine:step': 'template' },
    }),
  );
  const templates = (await fis.send(new ListExperimentTemplatesCommand({}))).experimentTemplates ?? [];
  assert.equal(templates.find((t) => t.id === experimentTemplate!.id)?.tags, { [RUN.Key]: RUN.Value, 'failover-engine:step': 'template' });
  const { experiment } = await fis.send(
    new StartExperimentCommand({ experimentTemplateId: experimentTemplate!.id, tags: { [RUN.Key]: RUN.Value } }),
  );
  const experiments = (await fis.send(new ListExperimentsCommand({}))).experiments ?? [];
  assert.equal(experiments.find((e) => e.id === experiment!.id)?.tags, { [RUN.Key]: RUN.Value });
  fis.destroy();
});

test.run();
