import { defaultRegistry } from './commands.ts';
import { loadWorkflowFile } from './load.ts';
import { parseInputArgs, resolveInputs } from './inputs.ts';
import { resolveStateDir } from './journal.ts';
import { UsageError } from './errors.ts';
import { BROKEN_SETUPS } from './brokenSetups.ts';
import { nothingApplies, PROVE_AT_ONCE, proveWorkflow, renderProve, type ProveResult } from './prove.ts';
import { ExitCode } from './status.ts';
import { createTargetSession, TargetKind, type TargetSession } from './target.ts';
import type { Io } from './io.ts';
import { RunBatch } from './runBatch.ts';

/** Options of `engine prove`. */
export interface ProveCommandOptions {
  file: string;
  inputs: string[];
  json: boolean;
  stateDir?: string;
  timeScale?: number;
  /** The clock's seed for every run (each run picks its own, printed in its report, without). */
  seed?: number;
  only?: string[];
}

/**
 * `engine prove <workflow>`: runs the drill on the embedded target once per broken setup and
 * prints a table and `6/6 broken setups caught`. Exit 0 when every setup that applies to the drill
 * was caught, 1 when the objectives missed one, 2 when none applies (nothing was proven), 3 when a
 * run could not compensate.
 */
export async function proveCommand(options: ProveCommandOptions, io: Io): Promise<number> {
  const registry = defaultRegistry();
  const workflow = loadWorkflowFile(options.file, registry);
  if (!workflow.objectives?.length)
    throw new UsageError(`${options.file} declares no objectives: there is no verdict to turn red (add an objectives: block)`);
  const unknown = (options.only ?? []).filter((id) => !BROKEN_SETUPS.some((s) => s.id === id));
  if (unknown.length)
    throw new UsageError(`--only: unknown broken setup(s) ${unknown.join(', ')} (known: ${BROKEN_SETUPS.map((s) => s.id).join(', ')})`);
  const inputs = resolveInputs(workflow.inputs, parseInputArgs(options.inputs));
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const count = options.only?.length ?? BROKEN_SETUPS.length;
  if (!options.json)
    io.err.write(`proving ${options.file}: ${count} broken setups, one run each on the embedded target, ${PROVE_AT_ONCE} at a time\n`);
  const batch = new RunBatch();
  const unsubscribe = io.onInterrupt?.((signal) => batch.interrupt(signal));
  const results = await proveWorkflow({
    batch,
    workflow,
    registry,
    target: () => embeddedSession(options.timeScale, options.seed),
    stateDir,
    inputs,
    env: io.env,
    ...(options.only?.length ? { only: options.only } : {}),
    onResult: (r) => options.json || io.err.write(`  ${r.setup}: ${progressWord(r)}\n`),
  });
  unsubscribe?.();
  io.out.write(options.json ? JSON.stringify(results, null, 2) + '\n' : renderProve(results));
  if (batch.interrupted) return ExitCode.INTERRUPTED;
  const nothing = nothingApplies(results);
  if (nothing) {
    io.err.write(`engine: ${nothing}\n`);
    return ExitCode.USAGE;
  }
  if (results.some((r) => !r.compensatedCleanly)) return ExitCode.COMPENSATION_INCOMPLETE;
  return results.every((r) => r.caught || r.notApplicable) ? ExitCode.PASSED : ExitCode.STEP_FAILED;
}

/** A setup's progress line as its run ends. */
function progressWord(r: ProveResult): string {
  if (r.notApplicable) return `not applicable (${r.notApplicable})`;
  if (r.notRun) return 'not run (interrupted before it started)';
  if (r.status === 'interrupted') return `interrupted (run ${r.runId ?? '-'})`;
  return `${r.caught ? 'caught' : 'MISSED'} (run ${r.runId ?? '-'})`;
}

/** A fresh embedded target for one of `engine prove`'s or `engine repeat`'s runs. */
export function embeddedSession(timeScale: number | undefined, seed: number | undefined): TargetSession {
  return createTargetSession({
    kind: TargetKind.EMBEDDED,
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
}
