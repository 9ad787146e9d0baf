import type { EmulatorRuntime, Operation } from '../types.ts';
import type { ExperimentTemplate } from './model.ts';
import { PAGE_QUERY, paginate, renderTemplate, renderTemplateSummary } from './render.ts';
import { newFisId, type FisStore } from './store.ts';
import { checkTemplate, parseTemplateFields, validationError } from './validateTemplate.ts';

/**
 * CreateExperimentTemplate, GetExperimentTemplate, ListExperimentTemplates,
 * UpdateExperimentTemplate (PATCH: the fields given replace the stored ones, as moto does) and
 * DeleteExperimentTemplate. A reused clientToken returns the template it created.
 */
export function templateOperations(store: FisStore, runtime: EmulatorRuntime): Operation[] {
  return [
    {
      name: 'CreateExperimentTemplate',
      http: { method: 'POST', path: '/experimentTemplates' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const token = input.clientToken == null ? undefined : String(input.clientToken);
        const existing = token ? region.templateTokens.get(token) : undefined;
        if (existing && region.templates.has(existing)) {
          return { experimentTemplate: renderTemplate(region.template(existing), region) };
        }
        const fields = parseTemplateFields(input, ['description', 'stopConditions', 'actions', 'roleArn']);
        const targets = fields.targets ?? {};
        const actions = fields.actions ?? {};
        checkTemplate(actions, targets);
        const tags = input.tags == null ? {} : tagMap(input.tags);
        const id = newFisId('EXT');
        const now = runtime.clock.now();
        const template: ExperimentTemplate = {
          id,
          arn: `arn:aws:fis:${ctx.region}:${ctx.accountId}:experiment-template/${id}`,
          clientToken: token ?? id,
          description: fields.description!,
          targets,
          actions,
          stopConditions: fields.stopConditions!,
          roleArn: fields.roleArn!,
          logConfiguration: fields.logConfiguration,
          experimentOptions: {
            accountTargeting: 'single-account',
            emptyTargetResolutionMode: 'fail',
            ...fields.experimentOptions,
          },
          creationTime: now,
          lastUpdateTime: now,
        };
        region.templates.set(id, template);
        if (token) region.templateTokens.set(token, id);
        if (Object.keys(tags).length > 0) region.tag(template.arn, tags);
        return { experimentTemplate: renderTemplate(template, region) };
      },
    },
    {
      name: 'GetExperimentTemplate',
      http: { method: 'GET', path: '/experimentTemplates/{id}' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        return { experimentTemplate: renderTemplate(region.template(String(input.id)), region) };
      },
    },
    {
      name: 'ListExperimentTemplates',
      http: { method: 'GET', path: '/experimentTemplates', query: PAGE_QUERY },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const { page, nextToken } = paginate([...region.templates.values()], input);
        return { experimentTemplates: page.map((t) => renderTemplateSummary(t, region)), nextToken };
      },
    },
    {
      name: 'UpdateExperimentTemplate',
      http: { method: 'PATCH', path: '/experimentTemplates/{id}' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const template = region.template(String(input.id));
        const fields = parseTemplateFields(input, []);
        const targets = fields.targets ?? template.targets;
        const actions = fields.actions ?? template.actions;
        checkTemplate(actions, targets);
        if (fields.experimentOptions && Object.keys(fields.experimentOptions).some((k) => k !== 'emptyTargetResolutionMode')) {
          throw validationError('Only emptyTargetResolutionMode can be updated in experimentOptions.');
        }
        Object.assign(template, {
          description: fields.description ?? template.description,
          roleArn: fields.roleArn ?? template.roleArn,
          stopConditions: fields.stopConditions ?? template.stopConditions,
          logConfiguration: fields.logConfiguration ?? template.logConfiguration,
          experimentOptions: { ...template.experimentOptions, ...fields.experimentOptions },
          targets,
          actions,
          lastUpdateTime: runtime.clock.now(),
        });
        return { experimentTemplate: renderTemplate(template, region) };
      },
    },
    {
      name: 'DeleteExperimentTemplate',
      http: { method: 'DELETE', path: '/experimentTemplates/{id}' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const template = region.template(String(input.id));
        const rendered = renderTemplate(template, region);
        region.templates.delete(template.id);
        region.templateTokens.delete(template.clientToken);
        region.tags.delete(template.arn);
        return { experimentTemplate: rendered };
      },
    },
  ];
}

export function tagMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw validationError('tags must be a map of strings.');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
