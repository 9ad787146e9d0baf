import { ServiceError } from '../protocol/ServiceError.ts';
import type { Experiment, ExperimentStatus, ExperimentTemplate } from './model.ts';
import type { FisRegionStore } from './store.ts';

/** Wire shapes of FIS resources; Dates become epoch seconds (stringifyAws). */

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

export function renderTemplate(t: ExperimentTemplate, store: FisRegionStore): Record<string, unknown> {
  return {
    id: t.id,
    arn: t.arn,
    description: t.description,
    targets: t.targets,
    actions: t.actions,
    stopConditions: t.stopConditions,
    creationTime: date(t.creationTime),
    lastUpdateTime: date(t.lastUpdateTime),
    roleArn: t.roleArn,
    tags: store.tagsOf(t.arn),
    logConfiguration: t.logConfiguration,
    experimentOptions: t.experimentOptions,
    targetAccountConfigurationsCount: 0,
  };
}

export function renderTemplateSummary(t: ExperimentTemplate, store: FisRegionStore): Record<string, unknown> {
  return {
    id: t.id,
    arn: t.arn,
    description: t.description,
    creationTime: date(t.creationTime),
    lastUpdateTime: date(t.lastUpdateTime),
    tags: store.tagsOf(t.arn),
  };
}

/**
 * `stopping: true` renders an experiment that StopExperiment just stopped as AWS answers that call:
 * `stopping`, moving to `stopped` afterwards (docs/fidelity/fis.md, "Experiments"). The emulator
 * stops at once, so the next GetExperiment already reads `stopped`.
 */
export function renderExperiment(e: Experiment, store: FisRegionStore, options: { stopping?: boolean } = {}): Record<string, unknown> {
  const transient = (status: string) => (options.stopping && status === 'stopped' ? 'stopping' : status);
  const actions = Object.fromEntries(
    Object.entries(e.actions).map(([name, a]) => [
      name,
      {
        actionId: a.actionId,
        description: a.description,
        parameters: a.parameters,
        targets: a.targets,
        startAfter: a.startAfter,
        state: {
          status: transient(a.state.status),
          reason: options.stopping && a.state.status === 'stopped' ? 'Action is stopping' : a.state.reason,
        },
        startTime: date(a.startTime),
        endTime: date(a.endTime),
      },
    ]),
  );
  const status = transient(e.state.status) as ExperimentStatus;
  return {
    id: e.id,
    arn: e.arn,
    experimentTemplateId: e.experimentTemplateId,
    roleArn: e.roleArn,
    state: { status, reason: status === 'stopping' ? 'Experiment is stopping' : e.state.reason },
    targets: e.targets,
    actions,
    stopConditions: e.stopConditions,
    creationTime: date(e.creationTime),
    startTime: date(e.startTime),
    endTime: status === 'stopping' ? undefined : date(e.endTime),
    tags: store.tagsOf(e.arn),
    logConfiguration: e.logConfiguration,
    experimentOptions: e.experimentOptions,
    targetAccountConfigurationsCount: 0,
  };
}

export function renderExperimentSummary(e: Experiment, store: FisRegionStore): Record<string, unknown> {
  return {
    id: e.id,
    arn: e.arn,
    experimentTemplateId: e.experimentTemplateId,
    state: e.state,
    creationTime: date(e.creationTime),
    tags: store.tagsOf(e.arn),
    experimentOptions: e.experimentOptions,
  };
}

/** The query parameters of FIS's list operations, bound to the members `paginate` reads. */
export const PAGE_QUERY = { maxResults: 'maxResults', nextToken: 'nextToken' } as const;

/**
 * List paging: `maxResults` (1-100) and an opaque `nextToken`. The token is the offset of the
 * next item; a token that does not parse is a ValidationException, as AWS answers.
 */
export function paginate<T>(items: T[], input: { maxResults?: unknown; nextToken?: unknown }): { page: T[]; nextToken?: string } {
  const max = input.maxResults;
  const limit = max === undefined ? 100 : Number(max);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
      { status: 400 },
    );
  }
  const token = input.nextToken;
  let start = 0;
  if (token !== undefined) {
    const decoded = Number(Buffer.from(String(token), 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw new ServiceError('ValidationException', 'Invalid nextToken', { status: 400 });
    start = decoded;
  }
  const page = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return { page, nextToken: next };
}
