import { FisClient } from '@aws-sdk/client-fis';
import { defineStep } from './define.ts';
import { NonRetryableError } from '../engine/errors.ts';
import { stopAndWait } from './support/fis.ts';

interface StopExperimentParams {
  region: string;
  experimentId: string;
}

interface StopExperimentOutputs {
  /** Engine clock time (epoch ms) when FIS reported the experiment finished: the fault's end. */
  stoppedAt: number;
  status: string;
}

/**
 * `aws fis stop-experiment --id …`, then GetExperiment until it is stopped (an experiment that
 * already completed or failed counts as stopped; an unknown id fails the step).
 * No rollback: stopping is itself the compensation of `startExperiment`, and undoing it would
 * mean re-injecting the fault.
 */
export default defineStep<StopExperimentParams, StopExperimentOutputs>({
  type: 'stopExperiment',
  description: 'Stop a running FIS experiment and wait until it is stopped (the failback trigger). No rollback.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['region', 'experimentId'],
    properties: {
      region: { type: 'string', minLength: 1, description: 'Region of the experiment.' },
      experimentId: { type: 'string', minLength: 1, description: 'Experiment id, e.g. ${{ steps.breakPrimary.outputs.experimentId }}.' },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      stoppedAt: { type: 'integer', description: 'Epoch ms when the experiment was stopped (engine clock); use as awaitDnsTarget `since`.' },
      status: { type: 'string', description: 'Final status: stopped, completed or failed.' },
    },
  },
  async run(params, ctx) {
    const fis = ctx.target.client(FisClient, params.region);
    const status = await stopAndWait(fis, params.experimentId, ctx);
    if (!status) throw new NonRetryableError(`stopExperiment: no experiment ${params.experimentId} in ${params.region}`);
    return { stoppedAt: ctx.clock.now(), status };
  },
});
