import { FisClient } from '@aws-sdk/client-fis';
import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { DEFAULT_MAX_WAIT } from './support/errors.ts';
import { Duration, durationMs } from './support/schema.ts';
import { NonRetryableError } from '../engine/errors.ts';
import { stopAndWait } from './support/fis.ts';

/**
 * `aws fis stop-experiment --id …`, then GetExperiment until it is stopped (an experiment that
 * already completed or failed counts as stopped; an unknown id fails the step).
 * No rollback: stopping is itself the compensation of `startExperiment`, and undoing it would
 * mean re-injecting the fault.
 */
export default defineStep({
  type: 'stopExperiment',
  effects: (p) => [
    { action: 'change', resource: `FIS experiment ${p.experimentId}`, region: p.region, detail: 'stops it: the faults it injects end' },
  ],
  description: 'Stop a running FIS experiment and wait until it is stopped (the failback trigger). No rollback.',
  params: Type.Object(
    {
      region: Type.String({ minLength: 1, description: 'Region of the experiment.' }),
      experimentId: Type.String({ minLength: 1, description: 'Experiment id, e.g. ${{ steps.breakPrimary.outputs.experimentId }}.' }),
      maxWait: Default(
        Duration({ description: 'Longest wait for the experiment to stop, in AWS time; then the step fails naming its status.' }),
        DEFAULT_MAX_WAIT,
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    stoppedAt: Type.Integer({ description: 'Epoch ms when the experiment was stopped (engine clock); use as awaitDnsTarget `since`.' }),
    status: Type.String({ description: 'Final status: stopped, completed or failed.' }),
  }),
  async run(params, ctx) {
    const fis = ctx.target.client(FisClient, params.region);
    const status = await stopAndWait(fis, params.experimentId, ctx, durationMs(params.maxWait, 'stopExperiment maxWait'));
    if (!status) throw new NonRetryableError(`stopExperiment: no experiment ${params.experimentId} in ${params.region}`);
    return { stoppedAt: ctx.clock.now(), status };
  },
});
