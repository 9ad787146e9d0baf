import {
  type ExperimentStatus,
  type ExperimentSummary,
  type ExperimentTemplateSummary,
  type FisClient,
  GetExperimentCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import type { StepContext } from '../../engine/types.ts';
import { isAwsError, isNotFound } from './awsErrors.ts';
import { awaitExpired } from './errors.ts';
import { pages } from './pages.ts';

/** Statuses after which an experiment injects nothing more. */
export const FINISHED_STATUSES: readonly ExperimentStatus[] = ['stopped', 'completed', 'failed'];

/** Every experiment of the client's region, all pages. */
export async function listExperiments(fis: FisClient, signal?: AbortSignal): Promise<ExperimentSummary[]> {
  const all: ExperimentSummary[] = [];
  const fetch = (nextToken?: string) => fis.send(new ListExperimentsCommand({ nextToken }), { abortSignal: signal });
  for await (const page of pages(fetch, (p) => p.nextToken)) all.push(...(page.experiments ?? []));
  return all;
}

/** Every experiment template of the client's region, all pages. */
export async function listExperimentTemplates(fis: FisClient, signal?: AbortSignal): Promise<ExperimentTemplateSummary[]> {
  const all: ExperimentTemplateSummary[] = [];
  const fetch = (nextToken?: string) => fis.send(new ListExperimentTemplatesCommand({ nextToken }), { abortSignal: signal });
  for await (const page of pages(fetch, (p) => p.nextToken)) all.push(...(page.experimentTemplates ?? []));
  return all;
}

/** An experiment's status, or undefined when it is gone. */
export async function experimentStatus(fis: FisClient, experimentId: string, signal?: AbortSignal): Promise<ExperimentStatus | undefined> {
  try {
    const got = await fis.send(new GetExperimentCommand({ id: experimentId }), { abortSignal: signal });
    return got.experiment?.state?.status;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Interval between GetExperiment polls while an experiment stops. */
const STOP_POLL_MS = 100;

/** How long an experiment may take to stop, in AWS time, unless the caller says otherwise. */
const STOP_MAX_WAIT_AWS_MS = 5 * 60_000;

/**
 * Stops an experiment and waits until FIS reports it finished. An experiment that is already
 * finished or gone counts as stopped (AWS answers ValidationException for the first,
 * ResourceNotFoundException for the second). Returns the final status, or undefined if gone.
 * Gives up (E_AWAIT_EXPIRED, naming the last status) after `maxWaitAwsMs` of AWS time.
 */
export async function stopAndWait(
  fis: FisClient,
  experimentId: string,
  ctx: StepContext,
  maxWaitAwsMs = STOP_MAX_WAIT_AWS_MS,
): Promise<ExperimentStatus | undefined> {
  const startedAt = ctx.clock.now();
  let polls = 0;
  try {
    await fis.send(new StopExperimentCommand({ id: experimentId }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (!isAwsError(error, 'ValidationException', 'ConflictException')) throw error;
  }
  for (;;) {
    polls++;
    const status = await experimentStatus(fis, experimentId, ctx.signal);
    if (status === undefined) return undefined;
    if (FINISHED_STATUSES.includes(status)) return status;
    const awsWaitedMs = ctx.clock.now() - startedAt;
    if (awsWaitedMs >= maxWaitAwsMs) {
      throw awaitExpired(
        `experiment ${experimentId} still ${status ?? 'without a status'}; expected ${FINISHED_STATUSES.join(', ')}`,
        polls,
        awsWaitedMs,
        { status },
      );
    }
    await ctx.clock.sleep(STOP_POLL_MS, ctx.signal);
  }
}
