import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { NonRetryableError } from '../engine/errors.ts';
import type { StepContext } from '../engine/types.ts';
import { Default, defineStep, type StepParams } from './define.ts';
import { ExpectationFailedError, StepErrorCode } from './support/errors.ts';
import { runProcess, type ProcessResult } from './support/runProcess.ts';
import { Duration, durationMs, StringMap } from './support/schema.ts';

const argvSchema = (description: string) => Type.Array(Type.String(), { minItems: 1, description });

const execParams = Type.Object(
  {
    argv: argvSchema('Command and arguments, e.g. [kubectl, scale, deploy/api, --replicas=0]. No shell unless `shell: true`.'),
    shell: Default(
      Type.Boolean({ description: 'Run through /bin/sh -c (the argv items joined with spaces): pipes, globs, $VARS.' }),
      false,
    ),
    env: Default(StringMap({ description: "Environment variables added to the engine's own." }), {}),
    cwd: Default(Type.String({ minLength: 1, description: "Working directory, relative to the workflow file's folder." }), '.'),
    timeout: Default(Duration({ description: 'Kill the command after this long (engine clock), e.g. "30s".' }), '1m'),
    expectExitCodes: Default(
      Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { minItems: 1, description: 'Exit codes that pass.' }),
      [0],
    ),
    maxOutputBytes: Default(
      Type.Integer({ minimum: 0, maximum: 10_485_760, description: 'Bytes of stdout and of stderr kept in the outputs.' }),
      65_536,
    ),
    undo: Type.Optional(
      argvSchema(
        'Compensation command (same shell, env and cwd), e.g. [kubectl, scale, deploy/api, --replicas=3]. It must be idempotent: it may run twice, or after a crash.',
      ),
    ),
  },
  { additionalProperties: false },
);
type ExecParams = StepParams<typeof execParams>;

/**
 * Runs a local command: the escape hatch for what no step type does (kubectl, curl, a script).
 * The argv list runs without a shell, so nothing is expanded unless `shell: true`. Output is kept
 * up to `maxOutputBytes` each. An exit code outside `expectExitCodes` (or a kill by `timeout`)
 * fails the step with a retryable error holding the output's tail; a command that cannot start
 * fails for good. With `undo`, the rollback runs that command, and it must succeed (exit 0).
 */
export default defineStep({
  type: 'exec',
  description:
    'Run a local command (argv list, no shell unless `shell: true`); outputs exit code and bounded stdout/stderr. Rollback runs `undo` when given.',
  needsTarget: false,
  params: execParams,
  outputs: Type.Object({
    exitCode: Type.Integer({ description: 'Exit code.' }),
    stdout: Type.String({ description: 'Standard output (first maxOutputBytes).' }),
    stderr: Type.String({ description: 'Standard error (first maxOutputBytes).' }),
    truncated: Type.Boolean({ description: 'Whether stdout or stderr was cut at maxOutputBytes.' }),
  }),
  async run(params, ctx) {
    const result = await execute(params, params.argv, ctx);
    const exitCode = result.exitCode ?? -1;
    if (!result.timedOut && params.expectExitCodes.includes(exitCode)) {
      return { exitCode, stdout: result.stdout, stderr: result.stderr, truncated: result.truncated };
    }
    throw failure(params.argv, result, `expected ${params.expectExitCodes.join(' or ')}`);
  },
  async rollback(params, ctx) {
    if (!params.undo) {
      ctx.log.info('exec rollback: no undo command; nothing to do');
      return;
    }
    const result = await execute(params, params.undo, ctx);
    if (result.timedOut || result.exitCode !== 0) throw failure(params.undo, result, 'expected 0');
  },
});

async function execute(params: ExecParams, argv: string[], ctx: StepContext): Promise<ProcessResult> {
  const cwd = resolve(ctx.workflowDir, params.cwd);
  try {
    return await runProcess({
      argv,
      shell: params.shell,
      env: params.env,
      cwd,
      timeoutMs: durationMs(params.timeout, 'exec timeout'),
      maxOutputBytes: params.maxOutputBytes,
      clock: ctx.clock,
      signal: ctx.signal,
    });
  } catch (error) {
    throw new NonRetryableError(`exec: cannot start ${argv[0]} in ${cwd}: ${(error as Error).message}`, { cause: error });
  }
}

function failure(argv: string[], result: ProcessResult, expected: string): ExpectationFailedError {
  const how = result.timedOut
    ? 'was killed by its timeout'
    : result.exitCode === null
      ? `was killed by ${result.signal}`
      : `exited ${result.exitCode} (${expected})`;
  const tail = (result.stderr || result.stdout).trim().slice(-300);
  return new ExpectationFailedError(`${argv.join(' ')} ${how}${tail ? `: ${tail}` : ''}`, {
    observed: { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout.slice(-2000), stderr: result.stderr.slice(-2000) },
    ...(result.timedOut ? { code: StepErrorCode.EXEC_TIMEOUT } : {}),
  });
}
