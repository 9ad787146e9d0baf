import {
  type APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  type Resource,
  type RestApi,
} from '@aws-sdk/client-api-gateway';
import type { StepContext } from '../../../engine/types.ts';
import { ignoreNotFound, isAwsError } from '../awsErrors.ts';
import { pages } from '../pages.ts';
import { carriesRun, RUN_TAG } from './marker.ts';
import { ExpectationFailedError, StepErrorCode } from '../errors.ts';

/** The tutorial's API name. */
export const REST_API_NAME = 'quote-api-gateway';

/**
 * LocalStack's tag that chooses the API id at creation (`--tags '{"_custom_id_":"12345"}'`);
 * honoured by LocalStack and the emulator. Real AWS keeps it as an ordinary tag and assigns a
 * random id, so callers use the id CreateRestApi returns and find the API again by this tag.
 */
export const CUSTOM_ID_TAG = '_custom_id_';

/** One route of the API: a resource under the root, a method, and the function behind it. */
export interface ApiRoute {
  pathPart: string;
  httpMethod: 'GET' | 'POST';
  functionArn: string;
}

/** The API named {@link REST_API_NAME} whose id or `_custom_id_` tag is `apiId`, if any. */
export async function findRestApi(apigw: APIGatewayClient, apiId: string, ctx: StepContext): Promise<RestApi | undefined> {
  const fetch = (position?: string) => apigw.send(new GetRestApisCommand({ limit: 500, position }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, (p) => p.position)) {
    const found = page.items?.find((api) => api.name === REST_API_NAME && (api.id === apiId || api.tags?.[CUSTOM_ID_TAG] === apiId));
    if (found?.id) return found;
  }
  return undefined;
}

/** Whether the API was created by this run (it carries {@link RUN_TAG} = the run id). */
export function restApiCreatedByRun(api: RestApi, ctx: StepContext): boolean {
  return carriesRun(api.tags, ctx.runId);
}

/**
 * Creates (or finds) the REST API and wires every route as a Lambda proxy integration, then
 * deploys `stage`. Returns the API's real id, and whether this run created the API (now, or in an
 * earlier attempt: it is tagged {@link RUN_TAG} = the run id at creation). A reused API keeps
 * the routes and deployment added here.
 *
 * The tutorial's init-resources.sh used integration-http-method GET for the GET routes; AWS
 * (and current LocalStack) reject that for AWS_PROXY ("The 'AWS_PROXY' integration can only be
 * used with the POST integration method"), since Lambda is always invoked with POST. POST is
 * used for every route here.
 */
export async function ensureRestApi(
  apigw: APIGatewayClient,
  region: string,
  apiId: string,
  routes: ApiRoute[],
  stage: string,
  ctx: StepContext,
): Promise<{ id: string; created: boolean }> {
  const found = await findRestApi(apigw, apiId, ctx);
  let id = found?.id;
  let created = found ? restApiCreatedByRun(found, ctx) : false;
  if (!id) {
    const made = await apigw.send(
      new CreateRestApiCommand({ name: REST_API_NAME, tags: { [CUSTOM_ID_TAG]: apiId, [RUN_TAG]: ctx.runId } }),
      {
        abortSignal: ctx.signal,
      },
    );
    id = made.id ?? '';
    created = true;
  }
  const resources = await listResources(apigw, id, ctx);
  const root = resources.find((r) => r.path === '/');
  if (!root?.id) throw new ExpectationFailedError(`REST API ${id} has no root resource`, { code: StepErrorCode.NOT_READY });
  for (const route of routes) {
    let resource = resources.find((r) => r.path === `/${route.pathPart}`);
    if (!resource) {
      resource = await apigw.send(new CreateResourceCommand({ restApiId: id, parentId: root.id, pathPart: route.pathPart }), {
        abortSignal: ctx.signal,
      });
      resources.push(resource);
    }
    try {
      await apigw.send(
        new PutMethodCommand({ restApiId: id, resourceId: resource.id, httpMethod: route.httpMethod, authorizationType: 'NONE' }),
        { abortSignal: ctx.signal },
      );
    } catch (error) {
      if (!isAwsError(error, 'ConflictException')) throw error; // method exists: a retried attempt
    }
    await apigw.send(
      new PutIntegrationCommand({
        restApiId: id,
        resourceId: resource.id,
        httpMethod: route.httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${route.functionArn}/invocations`,
        passthroughBehavior: 'WHEN_NO_MATCH',
      }),
      { abortSignal: ctx.signal },
    );
  }
  await apigw.send(new CreateDeploymentCommand({ restApiId: id, stageName: stage }), { abortSignal: ctx.signal });
  return { id, created };
}

async function listResources(apigw: APIGatewayClient, restApiId: string, ctx: StepContext): Promise<Resource[]> {
  const resources: Resource[] = [];
  const fetch = (position?: string) =>
    apigw.send(new GetResourcesCommand({ restApiId, limit: 500, position }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, (p) => p.position)) resources.push(...(page.items ?? []));
  return resources;
}

/** Deletes the API (its resources, deployments and stages go with it); gone is fine. */
export async function deleteRestApi(apigw: APIGatewayClient, restApiId: string, ctx: StepContext): Promise<void> {
  await ignoreNotFound(() => apigw.send(new DeleteRestApiCommand({ restApiId }), { abortSignal: ctx.signal }));
}
