import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One unit of work on an idle-skipping clock: a gateway request, a Lambda invocation, a
 * health-check probe, a stream poll, an engine step attempt, the run itself. It is *busy*
 * unless it is parked in a `clock.sleep` or waits on live child activities.
 */
export interface Activity {
  readonly id: string;
  readonly name: string;
  /** The clock it belongs to (activities of another clock in the same process are ignored). */
  readonly owner: object;
  readonly parent?: Activity;
  children: number;
  parked: number;
  ended: boolean;
}

/** The current activity, across awaits, for every idle-skipping clock of the process. */
export const activityContext = new AsyncLocalStorage<Activity>();
