import { defaultRegistry } from './commands.ts';
import { loadWorkflowFile } from './load.ts';
import { parseInputArgs, resolveInputs } from './inputs.ts';
import { resolveStateDir } from './journal.ts';
import { UsageError } from './errors.ts';
import { BROKEN_SETUPS } from './brokenSetups.ts';
import { PROVE_AT_ONCE, proveWorkflow, renderProve } from './prove.ts';
import { ExitCode } from './status.ts';
import { createTargetSession, TargetKind } from './target.ts';
import type { Io } from './io.ts';

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
 * prints a table and `6/6 broken setups caught`. Exit 0 when every setup was caught, 1 when the
 * objectives missed one, 3 when a run could not compensate.
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
  const results = await proveWorkflow({
    workflow,
    registry,
    target: () =>
      createTargetSession({
        kind: TargetKind.EMBEDDED,
        ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      }),
    stateDir,
    inputs,
    env: io.env,
    ...(options.only?.length ? { only: options.only } : {}),
    onResult: (r) => options.json || io.err.write(`  ${r.setup}: ${r.caught ? 'caught' : 'MISSED'} (run ${r.runId ?? '-'})\n`),
  });
  io.out.write(options.json ? JSON.stringify(results, null, 2) + '\n' : renderProve(results));
  if (results.some((r) => !r.compensatedCleanly)) return ExitCode.COMPENSATION_INCOMPLETE;
  return results.every((r) => r.caught) ? ExitCode.PASSED : ExitCode.STEP_FAILED;
}
