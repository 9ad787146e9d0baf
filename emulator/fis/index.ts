import type { ServiceFactory } from '../types.ts';
import { catalogOperations } from './catalogOperations.ts';
import { ExperimentRunner } from './ExperimentRunner.ts';
import { experimentOperations } from './experimentOperations.ts';
import { FisStore } from './store.ts';
import { templateOperations } from './templateOperations.ts';
import { notImplementedOperations } from '../notImplementedOperations.ts';
import { UNIMPLEMENTED_OPERATIONS } from './unimplementedOperations.ts';

/**
 * AWS Fault Injection Service (restJson1, signing name `fis`): experiment templates,
 * experiments on the emulator clock, and actions that become rules in the fault registry
 * (see actionCatalog.ts). Regional: state is keyed by the credential-scope region.
 *
 * @example
 * const fis = new FisClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials });
 * const { experimentTemplate } = await fis.send(new CreateExperimentTemplateCommand({ ... }));
 * await fis.send(new StartExperimentCommand({ experimentTemplateId: experimentTemplate!.id }));
 */
export const createFis: ServiceFactory = (runtime) => {
  const store = new FisStore();
  const runner = new ExperimentRunner(runtime);
  const forget = () => {
    runner.dispose(store.allExperiments());
    store.clear();
  };
  return {
    descriptor: {
      name: 'fis',
      signingNames: ['fis'],
      protocol: { name: 'restJson', errorStyle: 'message' },
      // `/tags/{arn}` is shared with API Gateway, so it is routed by signing name only.
      pathPrefixes: ['/experimentTemplates', '/experiments', '/actions', '/targetResourceTypes'],
      operations: [
        ...templateOperations(store, runtime),
        ...experimentOperations(store, runner, runtime),
        ...catalogOperations(store),
        ...notImplementedOperations('fis', UNIMPLEMENTED_OPERATIONS),
      ],
    },
    reset: forget,
    stop: forget,
  };
};
