import { fileURLToPath } from 'node:url';
import type { Emulator } from '../../emulator/index.ts';
import { systemClock } from '../../engine/clock.ts';
import type { Clock, Logger, StepContext, Target } from '../../engine/types.ts';
import { makeTarget } from '../../engine/target.ts';

/**
 * A {@link Target} for a running emulator, built as the engine builds its own (engine/target.ts
 * `makeTarget`: dummy credentials, one client per constructor and region, the SDK's retries,
 * requests named after the emulator clock's activity), plus step contexts to call a step's `run` /
 * `rollback` directly in tests.
 */
export function emulatorTarget(emu: Pick<Emulator, 'endpoint' | 'dns' | 'timeScale' | 'clock'>, kind: Target['kind'] = 'embedded'): Target {
  return makeTarget(kind, emu.endpoint, emu.dns, emu.timeScale, true, emu.clock);
}

/** Log lines a test context collected. */
export interface CapturedLog {
  lines: string[];
  logger: Logger;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } };
}

/** Folder of the repository's workflows (`ctx.workflowDir` of the drill). */
export const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows', import.meta.url));

let runCounter = 0;

/** A step context on `target`; each call without `runId` gets a fresh run id. */
export function stepContext(target: Target, overrides: Partial<StepContext> & { clock?: Clock } = {}): StepContext {
  return {
    signal: overrides.signal ?? new AbortController().signal,
    log: overrides.log ?? captureLog().logger,
    target,
    clock: overrides.clock ?? systemClock,
    runId: overrides.runId ?? `test-run-${process.pid}-${++runCounter}`,
    stepId: overrides.stepId ?? 'step',
    workflowDir: overrides.workflowDir ?? WORKFLOWS_DIR,
    attempt: overrides.attempt ?? 1,
  };
}
