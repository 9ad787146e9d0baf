import {
  FisClient,
  GetExperimentCommand,
  StopExperimentCommand,
  type ExperimentStatus,
} from '@aws-sdk/client-fis';
import type { StepContext } from '../../engine/types.ts';
import { isAwsError, isNotFound } from './awsErrors.ts';

/** Statuses after which an experiment injects nothing more. */
export const FINISHED_STATUSES: readonly ExperimentStatus[] = ['stopped', 'completed', 'failed'];

/** Interval between GetExperiment polls while an experiment stops. */
const STOP_POLL_MS = 100;

/**
 * Stops an experiment and waits until FIS reports it finished. An experiment that is already
 * finished or gone counts as stopped (AWS answers ValidationException for the first,
 * ResourceNotFoundException for the second). Returns the final status, or undefined if gone.
 */
export async function stopAndWait(fis: FisClient, experimentId: string, ctx: StepContext): Promise<ExperimentStatus | undefined> {
  try {
    await fis.send(new StopExperimentCommand({ id: experimentId }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (!isAwsError(error, 'ValidationException', 'ConflictException')) throw error;
  }
  for (;;) {
    let status: ExperimentStatus | undefined;
    try {
      const got = await fis.send(new GetExperimentCommand({ id: experimentId }), { abortSignal: ctx.signal });
      status = got.experiment?.state?.status;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (status && FINISHED_STATUSES.includes(status)) return status;
    await ctx.clock.sleep(STOP_POLL_MS, ctx.signal);
  }
}
