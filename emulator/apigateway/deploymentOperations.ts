import { Type } from '@sinclair/typebox';
import { Maybe, StringMap } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, deploymentNotFound } from './errors.ts';
import type { DeploymentRecord, RestApiRecord } from './model.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { toDeployment } from './shapes.ts';
import { randomId } from './store.ts';
import { putStage, validateStageName } from './stageOperations.ts';
import { defineTypedOperation } from './typedOperation.ts';

/** CreateDeployment's body: the deployment's description, and the stage it creates or moves. */
const CreateDeploymentBody = Type.Object({
  stageName: Maybe(Type.String()),
  description: Maybe(Type.String()),
  stageDescription: Maybe(Type.String()),
  variables: Maybe(StringMap),
  tracingEnabled: Maybe(Type.Boolean()),
  cacheClusterEnabled: Maybe(Type.Boolean()),
});

/**
 * Deployments freeze the API: the data plane routes a stage against its deployment's
 * snapshot, so changes made after CreateDeployment need a new deployment (AWS semantics;
 * some emulators route against live state instead).
 */
export function deploymentOperations({ store, clock }: ApiGatewayContext): Operation[] {
  return [
    defineTypedOperation({
      name: 'CreateDeployment',
      http: { method: 'POST', path: '/restapis/{restApiId}/deployments', status: 201 },
      body: CreateDeploymentBody,
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const stageName = input.stageName;
        if (stageName) validateStageName(stageName);
        const methods = [...api.resources.values()].flatMap((r) => Object.values(r.methods));
        if (methods.length === 0) throw badRequest("The REST API doesn't contain any methods");
        if (methods.some((m) => !m.integration)) throw badRequest('No integration defined for method');
        const deployment: DeploymentRecord = {
          id: newDeploymentId(api),
          description: input.description ?? undefined,
          createdDate: clock.now(),
          resources: structuredClone([...api.resources.values()]),
          authorizers: structuredClone([...api.authorizers.values()]),
          requestValidators: structuredClone([...api.requestValidators.values()]),
          gatewayResponses: structuredClone([...api.gatewayResponses.values()]),
          models: structuredClone([...api.models.values()]),
        };
        api.deployments.set(deployment.id, deployment);
        if (stageName) {
          // An existing stage moves to the new deployment; a new one is created.
          const existing = api.stages.get(stageName);
          putStage(api, clock.now(), {
            stageName,
            deploymentId: deployment.id,
            description: input.stageDescription ?? existing?.description,
            variables: input.variables ?? existing?.variables,
            tracingEnabled: input.tracingEnabled ?? existing?.tracingEnabled,
            cacheClusterEnabled: input.cacheClusterEnabled ?? existing?.cacheClusterEnabled,
          });
        }
        return toDeployment(deployment);
      },
    }),
    defineOperation({
      name: 'GetDeployments',
      http: { method: 'GET', path: '/restapis/{restApiId}/deployments' },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        return { item: [...api.deployments.values()].map(toDeployment) };
      },
    }),
    defineOperation({
      name: 'GetDeployment',
      http: { method: 'GET', path: '/restapis/{restApiId}/deployments/{deploymentId}' },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const deployment = api.deployments.get(input.deploymentId);
        if (!deployment) throw deploymentNotFound();
        return toDeployment(deployment);
      },
    }),
    defineOperation({
      name: 'DeleteDeployment',
      http: { method: 'DELETE', path: '/restapis/{restApiId}/deployments/{deploymentId}', status: 202 },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const deploymentId = input.deploymentId;
        if (!api.deployments.has(deploymentId)) throw deploymentNotFound();
        if ([...api.stages.values()].some((s) => s.deploymentId === deploymentId)) {
          throw badRequest('Active stages pointing to this deployment must be moved or deleted');
        }
        api.deployments.delete(deploymentId);
      },
    }),
  ];
}

function newDeploymentId(api: RestApiRecord): string {
  for (;;) {
    const id = randomId(6);
    if (!api.deployments.has(id)) return id;
  }
}
