import type { EmulatorRuntime, Operation } from '../types.ts';
import type { ExperimentRunner } from './ExperimentRunner.ts';
import { ACTION_REASONS, type Experiment } from './model.ts';
import { PAGE_QUERY, paginate, renderExperiment, renderExperimentSummary } from './render.ts';
import { newFisId, type FisStore } from './store.ts';
import { tagMap } from './templateOperations.ts';
import { validationError } from './validateTemplate.ts';

/**
 * StartExperiment (idempotent by clientToken), GetExperiment, ListExperiments and StopExperiment,
 * which is `DELETE /experiments/{id}` (docs/fidelity/fis.md, "Experiments"). An experiment copies
 * its template, so later template updates or deletion do not touch it.
 */
export function experimentOperations(store: FisStore, runner: ExperimentRunner, runtime: EmulatorRuntime): Operation[] {
  return [
    {
      name: 'StartExperiment',
      http: { method: 'POST', path: '/experiments' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const token = input.clientToken == null ? undefined : String(input.clientToken);
        const existing = token ? region.experimentTokens.get(token) : undefined;
        if (existing && region.experiments.has(existing)) {
          return { experiment: renderExperiment(region.experiment(existing), region) };
        }
        if (input.experimentTemplateId == null) {
          throw validationError(
            "1 validation error detected: Value null at 'experimentTemplateId' failed to satisfy constraint: Member must not be null",
          );
        }
        const template = region.template(String(input.experimentTemplateId));
        const id = newFisId('EXP');
        const now = runtime.clock.now();
        const copy = <T>(value: T): T => structuredClone(value);
        const experiment: Experiment = {
          id,
          arn: `arn:aws:fis:${ctx.region}:${ctx.accountId}:experiment/${id}`,
          region: ctx.region,
          clientToken: token ?? id,
          experimentTemplateId: template.id,
          roleArn: template.roleArn,
          state: { status: 'initiating', reason: 'Experiment is initiating' },
          targets: copy(template.targets),
          actions: Object.fromEntries(
            Object.entries(template.actions).map(([name, a]) => [
              name,
              { ...copy(a), state: { status: 'pending', reason: ACTION_REASONS.pending }, rules: [] },
            ]),
          ),
          stopConditions: copy(template.stopConditions),
          logConfiguration: copy(template.logConfiguration),
          experimentOptions: { ...copy(template.experimentOptions), actionsMode: 'run-all' },
          creationTime: now,
          startTime: now,
        };
        region.experiments.set(id, experiment);
        if (token) region.experimentTokens.set(token, id);
        if (input.tags != null) region.tag(experiment.arn, tagMap(input.tags));
        runner.start(experiment);
        return { experiment: renderExperiment(experiment, region) };
      },
    },
    {
      name: 'GetExperiment',
      http: { method: 'GET', path: '/experiments/{id}' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        return { experiment: renderExperiment(region.experiment(String(input.id)), region) };
      },
    },
    {
      name: 'ListExperiments',
      http: { method: 'GET', path: '/experiments', query: { ...PAGE_QUERY, experimentTemplateId: 'experimentTemplateId' } },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const templateId = input.experimentTemplateId;
        const all = [...region.experiments.values()].filter((e) => !templateId || e.experimentTemplateId === templateId);
        const { page, nextToken } = paginate(all, input);
        return { experiments: page.map((e) => renderExperimentSummary(e, region)), nextToken };
      },
    },
    {
      name: 'StopExperiment',
      http: { method: 'DELETE', path: '/experiments/{id}' },
      handler(input, ctx) {
        const region = store.region(ctx.region);
        const experiment = region.experiment(String(input.id));
        const wasRunning = experiment.state.status === 'running' || experiment.state.status === 'initiating';
        runner.stop(experiment);
        return { experiment: renderExperiment(experiment, region, { stopping: wasRunning }) };
      },
    },
  ];
}
