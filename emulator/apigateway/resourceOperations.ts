import { Type } from '@sinclair/typebox';
import { Maybe } from '../typedInput.ts';
import { defineOperation, type Operation } from '../types.ts';
import { badRequest, conflict, requireString, resourceNotFound } from './errors.ts';
import type { ResourceRecord, RestApiRecord } from './model.ts';
import { checkOp, readPatchOperations, unknownPath } from './patch.ts';
import type { ApiGatewayContext } from './restApiOperations.ts';
import { toResource } from './shapes.ts';
import { randomId } from './store.ts';
import { defineTypedOperation } from './typedOperation.ts';

/** CreateResource's body: the new path part, required (AWS's message when absent). */
const CreateResourceBody = Type.Object({ pathPart: Maybe(Type.String()) });

/** AWS's rule for a path part: a literal, `{name}` or the greedy `{name+}`. */
const PATH_PART = /^(?:[a-zA-Z0-9._-]+|\{[a-zA-Z0-9._-]+\+?\})$/;
const PATH_PART_MESSAGE =
  "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.";

export const isVariablePart = (part: string | undefined): boolean => part !== undefined && part.startsWith('{');
export const isGreedyPart = (part: string | undefined): boolean => part !== undefined && part.endsWith('+}');

export function getResource(api: RestApiRecord, resourceId: string): ResourceRecord {
  const resource = api.resources.get(resourceId);
  if (!resource) throw resourceNotFound();
  return resource;
}

/** `?embed=methods` (repeatable, comma-separated): include each resource's methods. */
type EmbedInput = { embed?: string[] };

function embedsMethods(input: EmbedInput): boolean {
  return (input.embed ?? []).flatMap((e) => e.split(',')).includes('methods');
}

export function resourceOperations({ store }: ApiGatewayContext): Operation[] {
  return [
    defineOperation({
      name: 'GetResources',
      http: { method: 'GET', path: '/restapis/{restApiId}/resources', query: { embed: { list: 'embed' } } },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const embed = embedsMethods(input);
        return { item: [...api.resources.values()].map((r) => toResource(r, embed)) };
      },
    }),
    defineOperation({
      name: 'GetResource',
      http: { method: 'GET', path: '/restapis/{restApiId}/resources/{resourceId}', query: { embed: { list: 'embed' } } },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const embed = embedsMethods(input);
        return toResource(getResource(api, input.resourceId), embed);
      },
    }),
    defineTypedOperation({
      name: 'CreateResource',
      http: { method: 'POST', path: '/restapis/{restApiId}/resources/{parentId}', status: 201 },
      body: CreateResourceBody,
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const parent = getResource(api, input.parentId);
        const pathPart = requireString(input.pathPart, 'createResourceInput', 'pathPart');
        // Checks in the order localstack's provider (validated against AWS) makes them.
        if (isGreedyPart(parent.pathPart)) {
          throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
        }
        const siblings = [...api.resources.values()].filter((r) => r.parentId === parent.id);
        if (isVariablePart(pathPart)) {
          const variable = siblings.find((s) => isVariablePart(s.pathPart));
          if (variable) {
            throw badRequest(`A sibling (${variable.pathPart}) of this resource already has a variable path part -- only one is allowed`);
          }
        }
        if (!PATH_PART.test(pathPart)) throw badRequest(PATH_PART_MESSAGE);
        if (siblings.some((s) => s.pathPart === pathPart)) {
          throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
        }
        const resource: ResourceRecord = {
          id: newResourceId(api),
          parentId: parent.id,
          pathPart,
          path: parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`,
          methods: {},
        };
        api.resources.set(resource.id, resource);
        return toResource(resource, false);
      },
    }),
    defineOperation({
      name: 'UpdateResource',
      http: { method: 'PATCH', path: '/restapis/{restApiId}/resources/{resourceId}' },
      handler(input, ctx) {
        const ops = readPatchOperations(input, 'updateResourceInput');
        const api = store.get(ctx.region, input.restApiId);
        const resource = getResource(api, input.resourceId);
        let { parentId, pathPart } = resource;
        for (const op of ops) {
          if (op.path !== '/pathPart' && op.path !== '/parentId') throw unknownPath(op, ['/parentId', '/pathPart']);
          checkOp(op, ['replace']);
          if (op.path === '/parentId') {
            const parent = getResource(api, op.value ?? '');
            // The new parent may not be the resource itself or one of its descendants.
            for (let r: ResourceRecord | undefined = parent; r; r = r.parentId ? api.resources.get(r.parentId) : undefined) {
              if (r.id === resource.id) throw badRequest('Resources cannot be cyclical.');
            }
            parentId = parent.id;
          } else {
            pathPart = op.value ?? '';
            if (!PATH_PART.test(pathPart)) throw badRequest(PATH_PART_MESSAGE);
          }
          const siblings = [...api.resources.values()].filter((r) => r.parentId === parentId && r.id !== resource.id);
          if (siblings.some((s) => s.pathPart === pathPart)) {
            throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
          }
        }
        if (resource.id === api.rootResourceId && ops.length > 0) throw badRequest('Cannot update the root resource');
        resource.parentId = parentId;
        resource.pathPart = pathPart;
        refreshPaths(api, resource);
        return toResource(resource, false);
      },
    }),
    defineOperation({
      name: 'DeleteResource',
      http: { method: 'DELETE', path: '/restapis/{restApiId}/resources/{resourceId}', status: 202 },
      handler(input, ctx) {
        const api = store.get(ctx.region, input.restApiId);
        const resource = getResource(api, input.resourceId);
        if (resource.id === api.rootResourceId) throw badRequest('Cannot delete the root resource');
        // Children go with their parent, as on AWS.
        const doomed = [resource.id];
        for (let i = 0; i < doomed.length; i++) {
          for (const r of api.resources.values()) if (r.parentId === doomed[i]) doomed.push(r.id);
        }
        for (const id of doomed) api.resources.delete(id);
      },
    }),
  ];
}

/** A resource's path, and its descendants', after it moved or was renamed. */
function refreshPaths(api: RestApiRecord, resource: ResourceRecord): void {
  const parent = resource.parentId ? api.resources.get(resource.parentId) : undefined;
  if (parent) resource.path = parent.path === '/' ? `/${resource.pathPart}` : `${parent.path}/${resource.pathPart}`;
  for (const child of api.resources.values()) if (child.parentId === resource.id) refreshPaths(api, child);
}

function newResourceId(api: RestApiRecord): string {
  for (;;) {
    const id = randomId(10);
    if (!api.resources.has(id)) return id;
  }
}
