import type { Operation, RequestContext } from '../types.ts';
import { ACTIONS, TARGET_RESOURCE_TYPES, type ActionDefinition } from './actionCatalog.ts';
import { PAGE_QUERY, paginate } from './render.ts';
import { notFound, type FisStore } from './store.ts';
import { tagMap } from './templateOperations.ts';

/**
 * The read-only catalogue (ListActions, GetAction, ListTargetResourceTypes,
 * GetTargetResourceType) and tagging (`/tags/{resourceArn}`, which API Gateway also uses:
 * the gateway tells them apart by signing name).
 */
export function catalogOperations(store: FisStore): Operation[] {
  const actionArn = (ctx: RequestContext, id: string) => `arn:aws:fis:${ctx.region}:${ctx.accountId}:action/${id}`;
  const summary = (d: ActionDefinition, ctx: RequestContext) => ({
    id: d.id,
    arn: actionArn(ctx, d.id),
    description: d.description,
    targets: d.targets,
    tags: {},
  });
  /** Tags live with the region named in the ARN, where the resource is. */
  const regionOf = (arn: string, ctx: RequestContext) => store.region(/^arn:[^:]+:fis:([^:]+):/.exec(arn)?.[1] || ctx.region);

  return [
    {
      name: 'ListActions',
      http: { method: 'GET', path: '/actions', query: PAGE_QUERY },
      handler(input, ctx) {
        const { page, nextToken } = paginate([...ACTIONS.values()], input);
        return { actions: page.map((d) => summary(d, ctx)), nextToken };
      },
    },
    {
      name: 'GetAction',
      http: { method: 'GET', path: '/actions/{id}' },
      handler(input, ctx) {
        const d = ACTIONS.get(String(input.id));
        if (!d) throw notFound(`Action ${String(input.id)} does not exist`);
        const parameters = Object.fromEntries(
          Object.entries(d.parameters).map(([k, p]) => [k, { description: p.description, required: p.required ?? false }]),
        );
        return { action: { ...summary(d, ctx), parameters } };
      },
    },
    {
      name: 'ListTargetResourceTypes',
      http: { method: 'GET', path: '/targetResourceTypes', query: PAGE_QUERY },
      handler(input) {
        const all = [...TARGET_RESOURCE_TYPES].map(([resourceType, t]) => ({ resourceType, description: t.description }));
        const { page, nextToken } = paginate(all, input);
        return { targetResourceTypes: page, nextToken };
      },
    },
    {
      name: 'GetTargetResourceType',
      http: { method: 'GET', path: '/targetResourceTypes/{resourceType}' },
      handler(input) {
        const resourceType = String(input.resourceType);
        const t = TARGET_RESOURCE_TYPES.get(resourceType);
        if (!t) throw notFound(`Target resource type ${resourceType} does not exist`);
        return { targetResourceType: { resourceType, description: t.description, parameters: t.parameters } };
      },
    },
    {
      name: 'TagResource',
      http: { method: 'POST', path: '/tags/{resourceArn}' },
      handler(input, ctx) {
        const arn = String(input.resourceArn);
        regionOf(arn, ctx).tag(arn, input.tags == null ? {} : tagMap(input.tags));
        return {};
      },
    },
    {
      name: 'UntagResource',
      http: { method: 'DELETE', path: '/tags/{resourceArn}', query: { tagKeys: { list: 'tagKeys' } } },
      handler(input: { resourceArn: string; tagKeys?: string[] }, ctx) {
        const arn = String(input.resourceArn);
        const region = regionOf(arn, ctx);
        const tags = region.tagsOf(arn);
        for (const key of input.tagKeys ?? []) delete tags[key];
        region.tags.set(arn, tags);
        return {};
      },
    },
    {
      name: 'ListTagsForResource',
      http: { method: 'GET', path: '/tags/{resourceArn}' },
      handler(input, ctx) {
        const arn = String(input.resourceArn);
        return { tags: regionOf(arn, ctx).tagsOf(arn) };
      },
    },
  ];
}
