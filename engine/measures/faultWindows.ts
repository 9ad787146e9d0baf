import { samplesOf, type EvidenceSample } from '../evidence.ts';

/** A span of AWS time, `end` exclusive (Infinity while it has not ended). */
export interface TimeWindow {
  start: number;
  end: number;
}

/** The drill's two phases: failover (fault start → fault stop) and failback (fault stop → end). */
export interface FaultWindows {
  failover?: TimeWindow;
  failback?: TimeWindow;
}

/**
 * The phases from the fault markers: the first `fault-start`, and the first `fault-stop` after
 * it. Without a start there is no failover to measure; without a stop there is no failback.
 */
export function faultWindows(events: readonly EvidenceSample[]): FaultWindows {
  const start = samplesOf(events, 'fault-start')[0]?.aws;
  if (start === undefined) return {};
  const stop = samplesOf(events, 'fault-stop').find((e) => e.aws >= start)?.aws;
  if (stop === undefined) return { failover: { start, end: Infinity } };
  return { failover: { start, end: stop }, failback: { start: stop, end: Infinity } };
}

/** Whether an AWS time falls inside a window. */
export function within(window: TimeWindow, aws: number): boolean {
  return aws >= window.start && aws < window.end;
}
