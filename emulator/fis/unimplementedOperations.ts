import type { UnimplementedOperation } from '../notImplementedOperations.ts';

/**
 * FIS operations of the API model that the emulator does not implement (multi-account
 * experiments, resolved targets); each answers 501 naming itself. Method and path are the
 * model's. Data table.
 */
export const UNIMPLEMENTED_OPERATIONS: readonly UnimplementedOperation[] = [
  ['CreateTargetAccountConfiguration', 'POST', '/experimentTemplates/{experimentTemplateId}/targetAccountConfigurations/{accountId}'],
  ['DeleteTargetAccountConfiguration', 'DELETE', '/experimentTemplates/{experimentTemplateId}/targetAccountConfigurations/{accountId}'],
  ['GetExperimentTargetAccountConfiguration', 'GET', '/experiments/{experimentId}/targetAccountConfigurations/{accountId}'],
  ['GetTargetAccountConfiguration', 'GET', '/experimentTemplates/{experimentTemplateId}/targetAccountConfigurations/{accountId}'],
  ['ListExperimentResolvedTargets', 'GET', '/experiments/{experimentId}/resolvedTargets'],
  ['ListExperimentTargetAccountConfigurations', 'GET', '/experiments/{experimentId}/targetAccountConfigurations'],
  ['ListTargetAccountConfigurations', 'GET', '/experimentTemplates/{experimentTemplateId}/targetAccountConfigurations'],
  ['UpdateTargetAccountConfiguration', 'PATCH', '/experimentTemplates/{experimentTemplateId}/targetAccountConfigurations/{accountId}'],
];
