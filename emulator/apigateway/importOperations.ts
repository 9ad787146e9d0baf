import { defineOperation, type Operation } from '../types.ts';
import { badRequest, stageNotFound } from './errors.ts';
import { exportDefinition } from './openApiExport.ts';
import { applyDefinition, definitionTitle, parseDefinition } from './openApiImport.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { createRestApiRecord } from './restApiRecord.ts';
import { toRestApi } from './shapes.ts';

/**
 * ImportRestApi (`POST /restapis?mode=import`), PutRestApi (`PUT /restapis/{id}?mode=merge|overwrite`)
 * and GetExport. Definitions are Swagger 2.0 or OpenAPI 3, JSON or YAML; an import that fails
 * leaves nothing behind (a new API is only added, an existing one only changed, once the whole
 * definition has applied).
 */
export function importOperations({ store, clock }: ApiGatewayContext): Operation[] {
  return [
    defineOperation({
      name: 'ImportRestApi',
      http: {
        method: 'POST',
        path: '/restapis?mode=import',
        status: 201,
        payload: 'body',
        query: { endpointConfigurationTypes: 'endpointConfigurationTypes', failonwarnings: 'failOnWarnings' },
      },
      handler(input, ctx) {
        const doc = parseDefinition(input.body);
        const types = input.endpointConfigurationTypes;
        const draft = createRestApiRecord(
          { has: (id) => store.has(id), newApiId: () => store.newApiId(), add: () => {} },
          clock.now(),
          ctx.region,
          { name: definitionTitle(doc), tags: {}, endpointConfiguration: types ? { types: [types] } : undefined, defaultModels: false },
          'importRestApiInput',
        );
        applyDefinition(draft, doc, true);
        store.add(draft);
        return toRestApi(draft);
      },
    }),
    defineOperation({
      name: 'PutRestApi',
      http: { method: 'PUT', path: '/restapis/{restApiId}', payload: 'body', query: { mode: 'mode', failonwarnings: 'failOnWarnings' } },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const mode = input.mode ?? 'merge';
        if (mode !== 'merge' && mode !== 'overwrite') {
          throw badRequest(`Invalid mode specified: ${mode}. Valid options are merge,overwrite`);
        }
        const doc = parseDefinition(input.body);
        // Work on a copy: a definition that fails half-way changes nothing.
        const draft = structuredClone(api);
        applyDefinition(draft, doc, mode === 'overwrite');
        Object.assign(api, draft);
        return toRestApi(api);
      },
    }),
    defineOperation({
      name: 'GetExport',
      http: {
        method: 'GET',
        path: '/restapis/{restApiId}/stages/{stageName}/exports/{exportType}',
        query: { extensions: 'extensions' },
        headers: { accept: 'accepts' },
        output: { headers: { 'content-type': 'contentType', 'content-disposition': 'contentDisposition' }, payload: 'body' },
      },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const stageName = input.stageName;
        const exportType = input.exportType;
        const stage = api.stages.get(stageName);
        const deployment = stage && api.deployments.get(stage.deploymentId);
        if (!deployment) throw stageNotFound();
        if (exportType !== 'swagger' && exportType !== 'oas30') throw badRequest(`Invalid export type specified: ${exportType}`);
        const yaml = /yaml/.test(input.accepts ?? '');
        const extensions = ['apigateway', 'integrations'].includes(input.extensions ?? '');
        const body = exportDefinition(api, deployment.resources, deployment.authorizers, { exportType, stageName, extensions, yaml });
        const version = api.version ?? new Date(api.createdDate).toISOString().replace(/\.\d{3}Z$/, 'Z');
        return {
          contentType: 'application/octet-stream',
          contentDisposition: `attachment; filename="${exportType}_${version}.${yaml ? 'yaml' : 'json'}"`,
          body: Buffer.from(body, 'utf8'),
        };
      },
    }),
  ];
}
