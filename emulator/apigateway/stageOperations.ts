import { Type } from '@sinclair/typebox';
import { Maybe, StringMap } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, conflict, requireString, stageNotFound } from './errors.ts';
import type { RestApiRecord, StageRecord } from './model.ts';
import { patchBoolean, patchMap, readPatchOperations } from './patch.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { toStage } from './shapes.ts';
import { defineTypedOperation } from './typedOperation.ts';

/** CreateStage's body; `stageName` and `deploymentId` are required, with AWS's message when absent. */
const CreateStageBody = Type.Object({
  stageName: Maybe(Type.String()),
  deploymentId: Maybe(Type.String()),
  description: Maybe(Type.String()),
  variables: Maybe(StringMap),
  tracingEnabled: Maybe(Type.Boolean()),
  cacheClusterEnabled: Maybe(Type.Boolean()),
  tags: Maybe(StringMap),
});

export function validateStageName(stageName: string): void {
  if (!/^[a-zA-Z0-9_-]+$/.test(stageName)) throw badRequest('Stage name only allows a-zA-Z0-9_-');
}

/** Creates or replaces a stage, keeping its creation date when it already existed. */
export function putStage(
  api: RestApiRecord,
  now: number,
  fields: Pick<StageRecord, 'stageName' | 'deploymentId'> & Partial<Omit<StageRecord, 'stageName' | 'deploymentId'>>,
): StageRecord {
  const existing = api.stages.get(fields.stageName);
  const stage: StageRecord = {
    stageName: fields.stageName,
    deploymentId: fields.deploymentId,
    description: fields.description,
    variables: fields.variables,
    tracingEnabled: fields.tracingEnabled ?? false,
    cacheClusterEnabled: fields.cacheClusterEnabled ?? false,
    tags: fields.tags ?? existing?.tags,
    createdDate: existing?.createdDate ?? now,
    lastUpdatedDate: now,
  };
  api.stages.set(stage.stageName, stage);
  return stage;
}

export function stageOperations({ store, clock }: ApiGatewayContext): Operation[] {
  const stageOf = (api: RestApiRecord, stageName: string) => {
    const stage = api.stages.get(stageName);
    if (!stage) throw stageNotFound();
    return stage;
  };

  return [
    defineTypedOperation({
      name: 'CreateStage',
      http: { method: 'POST', path: '/restapis/{restApiId}/stages', status: 201 },
      body: CreateStageBody,
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const stageName = requireString(input.stageName, 'createStageInput', 'stageName');
        const deploymentId = requireString(input.deploymentId, 'createStageInput', 'deploymentId');
        validateStageName(stageName);
        if (api.stages.has(stageName)) throw conflict('Stage already exists');
        if (!api.deployments.has(deploymentId)) throw badRequest('Deployment id does not exist');
        const stage = putStage(api, clock.now(), {
          stageName,
          deploymentId,
          description: input.description ?? undefined,
          variables: input.variables ?? undefined,
          tracingEnabled: input.tracingEnabled === true,
          cacheClusterEnabled: input.cacheClusterEnabled === true,
          tags: input.tags ?? undefined,
        });
        return toStage(stage);
      },
    }),
    defineOperation({
      name: 'GetStages',
      http: { method: 'GET', path: '/restapis/{restApiId}/stages', query: { deploymentId: 'deploymentId' } },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const deploymentId = input.deploymentId;
        const stages = [...api.stages.values()].filter((s) => !deploymentId || s.deploymentId === deploymentId);
        // Stages, unlike the other lists, is `{item: [...]}` in the model itself.
        return { item: stages.map(toStage) };
      },
    }),
    defineOperation({
      name: 'GetStage',
      http: { method: 'GET', path: '/restapis/{restApiId}/stages/{stageName}' },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        return toStage(stageOf(api, input.stageName));
      },
    }),
    defineOperation({
      name: 'UpdateStage',
      http: { method: 'PATCH', path: '/restapis/{restApiId}/stages/{stageName}' },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const stage = { ...stageOf(api, input.stageName) };
        for (const op of readPatchOperations(input)) {
          if (op.path.startsWith('/variables/')) {
            if (op.op !== 'replace' && op.op !== 'remove' && op.op !== 'add') throw badRequest(`Invalid patch path ${op.path}`);
            stage.variables = patchMap(stage.variables, op, op.path.slice('/variables/'.length), op.value ?? '');
            continue;
          }
          if (op.op !== 'replace') throw badRequest(`Invalid patch path ${op.path}`);
          switch (op.path) {
            case '/deploymentId':
              if (!op.value || !api.deployments.has(op.value)) throw badRequest('Deployment id does not exist');
              stage.deploymentId = op.value;
              break;
            case '/description':
              stage.description = op.value || undefined;
              break;
            case '/tracingEnabled':
              stage.tracingEnabled = patchBoolean(op.value);
              break;
            case '/cacheClusterEnabled':
              stage.cacheClusterEnabled = patchBoolean(op.value);
              break;
            default:
              throw badRequest(`Invalid patch path ${op.path}`);
          }
        }
        stage.lastUpdatedDate = clock.now();
        api.stages.set(stage.stageName, stage);
        return toStage(stage);
      },
    }),
    defineOperation({
      name: 'DeleteStage',
      http: { method: 'DELETE', path: '/restapis/{restApiId}/stages/{stageName}', status: 202 },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        stageOf(api, input.stageName);
        api.stages.delete(input.stageName);
      },
    }),
  ];
}
