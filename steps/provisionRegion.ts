import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { defineStep } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { deleteTable, ensureTable } from './support/provision/table.ts';
import { allowApiGateway, deleteFunction, ensureFunction, ensureStreamMapping, FUNCTION_NAMES } from './support/provision/functions.ts';
import { deleteRestApi, ensureRestApi, findRestApi } from './support/provision/restApi.ts';

interface ProvisionRegionParams {
  region: string;
  apiId: string;
  stage?: string;
  tableName?: string;
  replicateTo?: string;
  namePrefix?: string;
  roleArn?: string;
}

interface FunctionNames {
  getProduct: string;
  addProduct: string;
  healthcheck: string;
  replicate?: string;
}

interface ProvisionRegionOutputs {
  apiId: string;
  region: string;
  stage: string;
  invokeHost: string;
  invokeUrl: string;
  tableName: string;
  tableArn: string;
  streamArn?: string;
  functionNames: FunctionNames;
  eventSourceMappingId?: string;
}

const DEFAULT_ROLE_ARN = 'arn:aws:iam::000000000000:role/lambda-role';

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
 * job. The rollback deletes everything by its deterministic name (the API by name + `_custom_id_`
 * tag), so it also works when the step died half-way and left no outputs.
 */
export default defineStep<ProvisionRegionParams, ProvisionRegionOutputs>({
  type: 'provisionRegion',
  description: 'Deploy the tutorial\'s per-region stack: DynamoDB Products (+ stream and replication), Lambda functions, REST API with stage. Rollback deletes it.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['region', 'apiId'],
    properties: {
      region: { type: 'string', minLength: 1, description: 'AWS region, e.g. us-east-1.' },
      apiId: {
        type: 'string',
        pattern: '^[a-zA-Z0-9]+$',
        description: 'REST API id requested through the `_custom_id_` tag (12345 / 67890 in the tutorial). Honoured by LocalStack and the emulator; real AWS assigns a random id (see outputs.apiId).',
      },
      stage: { type: 'string', pattern: '^[a-zA-Z0-9_]+$', default: 'dev', description: 'Stage name of the deployment.' },
      tableName: { type: 'string', minLength: 3, maxLength: 255, default: 'Products', description: 'DynamoDB table name.' },
      replicateTo: {
        type: 'string',
        minLength: 1,
        description: 'Region to replicate the table into: enables the stream and deploys dynamodb-streams-to-lambda with TARGET_REGION.',
      },
      namePrefix: { type: 'string', default: '', pattern: '^[a-zA-Z0-9_-]*$', description: 'Prefix of every function name.' },
      roleArn: { type: 'string', minLength: 1, default: DEFAULT_ROLE_ARN, description: 'Execution role of the functions (not checked by LocalStack or the emulator).' },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      apiId: { type: 'string', description: 'The REST API id (the requested one, or AWS\'s random one).' },
      region: { type: 'string', description: 'The region.' },
      stage: { type: 'string', description: 'The stage.' },
      invokeHost: { type: 'string', description: 'Host name of the API: <apiId>.execute-api.localhost.localstack.cloud (or <apiId>.execute-api.<region>.amazonaws.com).' },
      invokeUrl: { type: 'string', description: 'Base URL of the stage, e.g. http://12345.execute-api.localhost.localstack.cloud:4566/dev.' },
      tableName: { type: 'string', description: 'Table name.' },
      tableArn: { type: 'string', description: 'Table ARN.' },
      streamArn: { type: 'string', description: 'Stream ARN (with replicateTo).' },
      functionNames: {
        type: 'object',
        properties: {
          getProduct: { type: 'string' },
          addProduct: { type: 'string' },
          healthcheck: { type: 'string' },
          replicate: { type: 'string' },
        },
        description: 'Function names by role.',
      },
      eventSourceMappingId: { type: 'string', description: 'UUID of the stream → replication mapping (with replicateTo).' },
    },
  },
  async run(params, ctx) {
    const { region } = params;
    const stage = params.stage ?? 'dev';
    const tableName = params.tableName ?? 'Products';
    const names = functionNames(params);
    const dynamo = ctx.target.client(DynamoDBClient, region);
    const lambda = ctx.target.client(LambdaClient, region);
    const apigw = ctx.target.client(APIGatewayClient, region);
    const roleArn = params.roleArn ?? DEFAULT_ROLE_ARN;

    const table = await ensureTable(dynamo, tableName, params.replicateTo !== undefined, ctx);
    const environment = { TABLE_NAME: tableName };
    const [getArn, addArn, healthArn] = await Promise.all([
      ensureFunction(lambda, { bundle: 'getProduct', name: names.getProduct, roleArn, environment }, ctx),
      ensureFunction(lambda, { bundle: 'addProduct', name: names.addProduct, roleArn, environment }, ctx),
      ensureFunction(lambda, { bundle: 'healthcheck', name: names.healthcheck, roleArn, environment }, ctx),
    ]);

    let eventSourceMappingId: string | undefined;
    if (params.replicateTo !== undefined && names.replicate) {
      await ensureFunction(
        lambda,
        { bundle: 'replicate', name: names.replicate, roleArn, environment: { TABLE_NAME: tableName, TARGET_REGION: params.replicateTo } },
        ctx,
      );
      eventSourceMappingId = await ensureStreamMapping(lambda, names.replicate, table.LatestStreamArn!, ctx);
    }

    const apiId = await ensureRestApi(
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
    const account = getArn!.split(':')[4] ?? '000000000000';
    const sourceArn = `arn:aws:execute-api:${region}:${account}:${apiId}/*`;
    for (const name of [names.getProduct, names.addProduct, names.healthcheck]) {
      await allowApiGateway(lambda, name, sourceArn, `apigateway-${apiId}`, ctx);
    }

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
    };
  },
  async rollback(params, ctx, outputs) {
    const { region } = params;
    const names = outputs?.functionNames ?? functionNames(params);
    const lambda = ctx.target.client(LambdaClient, region);
    const apigw = ctx.target.client(APIGatewayClient, region);
    const apiId = outputs?.apiId ?? (await findRestApi(apigw, params.apiId, ctx));
    if (apiId) await deleteRestApi(apigw, apiId, ctx);
    // The replication function first (its mapping goes with it), then the API's functions.
    const replicate = names.replicate ?? `${params.namePrefix ?? ''}${FUNCTION_NAMES.replicate}`;
    for (const name of [replicate, names.getProduct, names.addProduct, names.healthcheck]) await deleteFunction(lambda, name, ctx);
    await deleteTable(ctx.target.client(DynamoDBClient, region), outputs?.tableName ?? params.tableName ?? 'Products', ctx);
  },
});

function functionNames(params: ProvisionRegionParams): FunctionNames {
  const prefix = params.namePrefix ?? '';
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
