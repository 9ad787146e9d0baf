import type { RunState } from './runState.ts';
import { regionsIn, sweepMessage, sweepRun, workflowText } from './sweep.ts';
import { stepLogger } from './events.ts';

/**
 * The live run's sweep by tag, after its compensations (engine/sweep.ts): only when the run
 * compensated something (a run that passed keeps what it made, unless `cleanup: always`
 * compensated it) and has a target. Journals a `sweep` record and prints a notice when it found
 * anything. Returns whether something could not be swept (the run then ends
 * compensation-incomplete).
 */
export async function sweepAfterRun(run: RunState): Promise<boolean> {
  const states = [...run.steps.values()];
  if (!states.some((s) => s.compensation !== undefined) || !run.needsTarget()) return false;
  const texts = [
    JSON.stringify(run.inputs),
    ...states.filter((s) => s.started).map((s) => JSON.stringify(s.params ?? null)),
    workflowText(run.workflow),
  ];
  const result = await sweepRun({
    target: run.target,
    runId: run.runId,
    regions: regionsIn(texts),
    clock: run.clock,
    signal: run.compensationController.signal,
    log: stepLogger((body) => run.emit(body), 'sweep'),
  });
  if (run.finished) return false;
  const line = sweepMessage(run.runId, result);
  if (line) {
    run.emit({ kind: 'sweep', swept: result.swept, failed: result.failed });
    run.emit({ kind: 'notice', message: line });
  }
  return result.failed.length > 0;
}
