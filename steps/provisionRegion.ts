import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Type, type Static } from '@sinclair/typebox';
import { Default, defineStep, type StepParams } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { deleteTable, ensureTable, tableCreatedByRun } from './support/provision/table.ts';
import {
  allowApiGateway,
  deleteFunction,
  deleteStreamMappings,
  ensureFunction,
  ensureStreamMapping,
  FUNCTION_NAMES,
  functionCreatedByRun,
} from './support/provision/functions.ts';
import { deleteRestApi, ensureRestApi, findRestApi, restApiCreatedByRun } from './support/provision/restApi.ts';

const provisionParams = Type.Object(
  {
    region: Type.String({ minLength: 1, description: 'AWS region, e.g. us-east-1.' }),
    apiId: Type.String({
      pattern: '^[a-zA-Z0-9]+$',
      description:
        'REST API id requested through the `_custom_id_` tag (12345 / 67890 in the tutorial). Honoured by LocalStack and the emulator; real AWS assigns a random id (see outputs.apiId).',
    }),
    stage: Default(Type.String({ pattern: '^[a-zA-Z0-9_]+$', description: 'Stage name of the deployment.' }), 'dev'),
    tableName: Default(Type.String({ minLength: 3, maxLength: 255, description: 'DynamoDB table name.' }), 'Products'),
    replicateTo: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Region to replicate the table into: enables the stream and deploys dynamodb-streams-to-lambda with TARGET_REGION.',
      }),
    ),
    namePrefix: Default(Type.String({ pattern: '^[a-zA-Z0-9_-]*$', description: 'Prefix of every function name.' }), ''),
    roleArn: Default(
      Type.String({ minLength: 1, description: 'Execution role of the functions (not checked by LocalStack or the emulator).' }),
      'arn:aws:iam::000000000000:role/lambda-role',
    ),
  },
  { additionalProperties: false },
);

const functionNamesSchema = Type.Object(
  {
    getProduct: Type.String(),
    addProduct: Type.String(),
    healthcheck: Type.String(),
    replicate: Type.Optional(Type.String()),
  },
  { description: 'Function names by role.' },
);

/** What this run created (the rollback deletes only that); the rest existed and was reused. */
const createdSchema = Type.Object(
  {
    table: Type.Boolean(),
    functions: Type.Array(Type.String()),
    restApi: Type.Boolean(),
    eventSourceMapping: Type.Boolean(),
  },
  { description: 'What the step created (the rest was reused); the rollback deletes only that.' },
);

type ProvisionRegionParams = StepParams<typeof provisionParams>;
type FunctionNames = Static<typeof functionNamesSchema>;
type CreatedResources = Static<typeof createdSchema>;

/**
 * One region of the tutorial's stack, as its init-resources.sh builds it: the `Products` table,
 * the get-product / add-product / healthcheck functions (Node.js rewrites of the tutorial's
 * Java and Python handlers, bundled and zipped from `lambdas/` at deploy time by
 * lambdas/build.ts), the REST API `quote-api-gateway` with `/productApi` (GET, POST) and
 * `/healthcheck` (GET) as Lambda proxy integrations, deployed to `dev`. With `replicateTo`, the
 * table streams NEW_AND_OLD_IMAGES into the `dynamodb-streams-to-lambda` function, which copies
 * every write into the same table in that region.
 *
 * Every call is idempotent (existing resources are reused), so a retried attempt finishes the
 * job. The table, functions and API the step creates are tagged `failover-engine:run` = the
 * run id; `outputs.created` lists them, and the rollback deletes only those: a reused stack (e.g.
 * LocalStack's init-resources.sh one) is left alone. Without outputs (the step died half-way) it
 * finds them by their deterministic names (the API by name + `_custom_id_` tag) and deletes those
 * that carry the run's tag. Limits: a reused table, function or API keeps what the step added to
 * it (stream, routes, deployment, permissions); an event source mapping on a reused replication
 * function is deleted only when the outputs say this attempt created it.
 */
export default defineStep({
  type: 'provisionRegion',
  effects: (p) => [
    {
      action: 'create',
      resource: `DynamoDB table ${p.tableName}, Lambda functions, API Gateway REST API ${p.apiId} (stage ${p.stage})${p.replicateTo ? `, stream replication to ${p.replicateTo}` : ''}`,
      region: p.region,
      detail: 'the product API of one Region (rollback deletes what this step created)',
    },
  ],
  description:
    "Deploy the tutorial's per-region stack: DynamoDB Products (+ stream and replication), Lambda functions, REST API with stage. Rollback deletes what it created (a reused stack is kept).",
  params: provisionParams,
  outputsOnlyWith: { streamArn: 'replicateTo', eventSourceMappingId: 'replicateTo' },
  outputs: Type.Object({
    apiId: Type.String({ description: "The REST API id (the requested one, or AWS's random one)." }),
    region: Type.String({ description: 'The region.' }),
    stage: Type.String({ description: 'The stage.' }),
    invokeHost: Type.String({
      description: 'Host name of the API: <apiId>.execute-api.localhost.localstack.cloud (or <apiId>.execute-api.<region>.amazonaws.com).',
    }),
    invokeUrl: Type.String({ description: 'Base URL of the stage, e.g. http://12345.execute-api.localhost.localstack.cloud:4566/dev.' }),
    tableName: Type.String({ description: 'Table name.' }),
    tableArn: Type.String({ description: 'Table ARN.' }),
    streamArn: Type.Optional(Type.String({ description: 'Stream ARN (with replicateTo).' })),
    functionNames: functionNamesSchema,
    eventSourceMappingId: Type.Optional(Type.String({ description: 'UUID of the stream → replication mapping (with replicateTo).' })),
    created: createdSchema,
  }),
  async run(params, ctx) {
    const { region, stage, tableName, roleArn } = params;
    const names = functionNames(params);
    const dynamo = ctx.target.client(DynamoDBClient, region);
    const lambda = ctx.target.client(LambdaClient, region);
    const apigw = ctx.target.client(APIGatewayClient, region);

    const { table, created: tableCreated } = await ensureTable(dynamo, tableName, params.replicateTo !== undefined, ctx);
    const environment = { TABLE_NAME: tableName };
    const apiFunctions = [
      { bundle: 'getProduct', name: names.getProduct },
      { bundle: 'addProduct', name: names.addProduct },
      { bundle: 'healthcheck', name: names.healthcheck },
    ] as const;
    const ensured = await Promise.all(
      apiFunctions.map(({ bundle, name }) => ensureFunction(lambda, { bundle, name, roleArn, environment }, ctx)),
    );
    const [getArn, addArn, healthArn] = ensured.map((fn) => fn.arn);
    const created: CreatedResources = {
      table: tableCreated,
      functions: apiFunctions.filter((_, i) => ensured[i]!.created).map((fn) => fn.name),
      restApi: false,
      eventSourceMapping: false,
    };

    let eventSourceMappingId: string | undefined;
    if (params.replicateTo !== undefined && names.replicate) {
      const replicate = await ensureFunction(
        lambda,
        { bundle: 'replicate', name: names.replicate, roleArn, environment: { TABLE_NAME: tableName, TARGET_REGION: params.replicateTo } },
        ctx,
      );
      if (replicate.created) created.functions.unshift(names.replicate);
      const mapping = await ensureStreamMapping(lambda, names.replicate, table.LatestStreamArn!, ctx);
      eventSourceMappingId = mapping.uuid;
      created.eventSourceMapping = mapping.created;
    }

    const api = await ensureRestApi(
      apigw,
      region,
      params.apiId,
      [
        { pathPart: 'productApi', httpMethod: 'GET', functionArn: getArn! },
        { pathPart: 'productApi', httpMethod: 'POST', functionArn: addArn! },
        { pathPart: 'healthcheck', httpMethod: 'GET', functionArn: healthArn! },
      ],
      stage,
      ctx,
    );
    const apiId = api.id;
    created.restApi = api.created;
    const account = getArn!.split(':')[4] ?? '000000000000';
    const sourceArn = `arn:aws:execute-api:${region}:${account}:${apiId}/*`;
    for (const name of [names.getProduct, names.addProduct, names.healthcheck]) {
      await allowApiGateway(lambda, name, sourceArn, `apigateway-${apiId}`, ctx);
    }

    const kept = reusedResources(names, tableName, apiId, created);
    if (kept.length)
      ctx.log.warn(
        `reused what existed before this run (its rollback keeps it; data already there makes figures such as replication look instant): ${kept.join(', ')}`,
      );
    const { invokeHost, invokeUrl } = invokeAddress(ctx, apiId, region, stage);
    return {
      apiId,
      region,
      stage,
      invokeHost,
      invokeUrl,
      tableName,
      tableArn: table.TableArn ?? '',
      ...(table.LatestStreamArn && params.replicateTo !== undefined ? { streamArn: table.LatestStreamArn } : {}),
      functionNames: names,
      ...(eventSourceMappingId ? { eventSourceMappingId } : {}),
      created,
    };
  },
  // The API id, table and function names are fixed per region: two runs would share (and delete) them.
  claims: (params) => [
    { kind: 'restApiId', id: params.apiId, region: params.region },
    { kind: 'table', name: params.tableName ?? 'Products', region: params.region },
    ...Object.values(functionNames(params)).map((name) => ({ kind: 'function' as const, name, region: params.region })),
  ],
  async rollback(params, ctx, outputs) {
    const { region } = params;
    const names = outputs?.functionNames ?? functionNames(params);
    const tableName = outputs?.tableName ?? params.tableName;
    const lambda = ctx.target.client(LambdaClient, region);
    const apigw = ctx.target.client(APIGatewayClient, region);
    const dynamo = ctx.target.client(DynamoDBClient, region);
    const replicate = names.replicate ?? `${params.namePrefix}${FUNCTION_NAMES.replicate}`;
    let apiId = outputs?.apiId;
    let created = outputs?.created;
    if (!created) {
      // No outputs (the step died half-way, or a journal from before `created`): nothing says
      // what was created, so look the resources up by name and take those carrying this run's tag.
      const api = await findRestApi(apigw, params.apiId, ctx);
      apiId ??= api?.id;
      const functions: string[] = [];
      for (const name of [replicate, names.getProduct, names.addProduct, names.healthcheck]) {
        if (await functionCreatedByRun(lambda, name, ctx)) functions.push(name);
      }
      created = {
        table: await tableCreatedByRun(dynamo, tableName, ctx),
        functions,
        restApi: api !== undefined && restApiCreatedByRun(api, ctx),
        eventSourceMapping: false,
      };
    }
    if (created.restApi && apiId) await deleteRestApi(apigw, apiId, ctx);
    // A mapping of a reused function on its own; a created function's mappings go with it.
    if (created.eventSourceMapping && outputs?.eventSourceMappingId && !created.functions.includes(replicate)) {
      await deleteStreamMappings(lambda, [outputs.eventSourceMappingId], ctx);
    }
    // The replication function first (its mapping goes with it), then the API's functions.
    for (const name of created.functions) await deleteFunction(lambda, name, ctx);
    if (created.table) await deleteTable(dynamo, tableName, ctx);
    // Only the outputs know what existed: found by name after a crash, the rest may never have been made.
    const kept = outputs?.created ? reusedResources(names, tableName, outputs.apiId, outputs.created) : [];
    if (kept.length) ctx.log.info(`kept what existed before this run: ${kept.join(', ')}`);
  },
});

/** What a provision found and reused instead of creating, which its rollback keeps: `table Products, function get-product`. */
function reusedResources(names: FunctionNames, tableName: string, apiId: string, created: CreatedResources): string[] {
  const functions = [names.replicate, names.getProduct, names.addProduct, names.healthcheck].filter((f): f is string => f !== undefined);
  return [
    ...(created.table ? [] : [`table ${tableName}`]),
    ...functions.filter((f) => !created.functions.includes(f)).map((f) => `function ${f}`),
    ...(created.restApi ? [] : [`REST API ${apiId}`]),
  ];
}

function functionNames(params: ProvisionRegionParams): FunctionNames {
  const prefix = params.namePrefix;
  return {
    getProduct: `${prefix}${FUNCTION_NAMES.getProduct}`,
    addProduct: `${prefix}${FUNCTION_NAMES.addProduct}`,
    healthcheck: `${prefix}${FUNCTION_NAMES.healthcheck}`,
    ...(params.replicateTo !== undefined ? { replicate: `${prefix}${FUNCTION_NAMES.replicate}` } : {}),
  };
}

/**
 * Where clients reach the stage. LocalStack and the emulator route
 * `<apiId>.execute-api.localhost.localstack.cloud:<port>` by Host header (their DNS answers
 * 127.0.0.1 for it); AWS serves `https://<apiId>.execute-api.<region>.amazonaws.com`.
 */
function invokeAddress(ctx: StepContext, apiId: string, region: string, stage: string): { invokeHost: string; invokeUrl: string } {
  if (ctx.target.kind === 'aws') {
    const invokeHost = `${apiId}.execute-api.${region}.amazonaws.com`;
    return { invokeHost, invokeUrl: `https://${invokeHost}/${stage}` };
  }
  const invokeHost = `${apiId}.execute-api.localhost.localstack.cloud`;
  const port = ctx.target.values.port;
  return { invokeHost, invokeUrl: `http://${invokeHost}${port ? `:${port}` : ''}/${stage}` };
}
