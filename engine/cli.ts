import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EngineError, UsageError, WorkflowLoadError, formatIssue } from './errors.ts';
import { ExitCode } from './status.ts';
import type { Io } from './io.ts';
import type { TargetKind } from './target.ts';

/**
 * `engine`: the command line. Declares options, lazily imports the command, maps errors to
 * exit codes (2 for usage and validation errors, printed without a stack trace unless
 * `--debug`). No side effects on import: `bin/engine.js` calls {@link main} with the process's
 * {@link Io}; tests call it in-process with their own.
 */

export type { Io } from './io.ts';

const USAGE = `usage: engine <command> [options]

commands:
  run <file>         run a workflow   [--input k=v]... [--target embedded|endpoint|aws] [--endpoint URL]
                                      [--dns HOST:PORT] [--time-scale N] [--json] [--state-dir D] [--verbose]
  validate <file>    check a workflow and print every problem as file:line:col: path: message
  graph <file>       print the compiled state machine   [--format mermaid|dot]
  steps              list step types and their params   [--json]
  schema             print the JSON Schema editors use (step types and params)   [--out FILE]
  runs               list runs and their status         [--json] [--state-dir D]
  rollback <runId>   compensate an unfinished or dirty run from its journal   [--state-dir D] [target options]
  serve              run the emulator alone   [--port N] [--dns-port N] [--host H] [--time-scale N]

exit codes: 0 passed, 1 a step failed (compensated), 2 usage or invalid workflow,
            3 compensation incomplete, 130 interrupted
`;

type Options = NonNullable<ParseArgsConfig['options']>;
const common: Options = { debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const targetOptions: Options = {
  target: { type: 'string' },
  endpoint: { type: 'string' },
  dns: { type: 'string' },
  'time-scale': { type: 'string' },
};
const commands: Record<string, { positionals: number; options: Options }> = {
  run: { positionals: 1, options: { ...targetOptions, input: { type: 'string', multiple: true, short: 'i' }, json: { type: 'boolean' }, 'state-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } } },
  validate: { positionals: 1, options: {} },
  graph: { positionals: 1, options: { format: { type: 'string' } } },
  steps: { positionals: 0, options: { json: { type: 'boolean' } } },
  schema: { positionals: 0, options: { out: { type: 'string' } } },
  runs: { positionals: 0, options: { json: { type: 'boolean' }, 'state-dir': { type: 'string' } } },
  rollback: { positionals: 1, options: { ...targetOptions, 'state-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } } },
  serve: { positionals: 0, options: { port: { type: 'string' }, 'dns-port': { type: 'string' }, host: { type: 'string' }, 'time-scale': { type: 'string' } } },
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io, argv.includes('--debug'));
  }
}

type Values = ReturnType<typeof parseArgs>['values'];

/** Parses a command's arguments; usage errors are one line. */
function parseCommand(name: string, rest: string[]): { values: Values; positionals: string[] } {
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}' (try: ${Object.keys(commands).join(', ')})`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...common, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''), { cause: error });
  }
  const { values, positionals } = parsed;
  if (!values.help && positionals.length !== command.positionals) {
    throw new UsageError(
      command.positionals ? `${name} expects ${command.positionals === 1 ? 'one argument' : `${command.positionals} arguments`}, got ${positionals.length}` : `${name} takes no arguments, got '${positionals.join(' ')}'`,
    );
  }
  return { values, positionals };
}

/** Typed readers of parsed option values. */
function readers(values: Values) {
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const num = (key: string) => {
    const v = str(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || v.trim() === '') throw new UsageError(`--${key} expects a number, got '${v}'`);
    return n;
  };
  const target = () => ({
    ...(str('target') ? { kind: str('target') as TargetKind } : {}),
    ...(str('endpoint') ? { endpoint: str('endpoint')! } : {}),
    ...(str('dns') ? { dns: str('dns')! } : {}),
    ...(num('time-scale') !== undefined ? { timeScale: num('time-scale')! } : {}),
  });
  const stateDir = () => (str('state-dir') ? { stateDir: str('state-dir')! } : {});
  return { str, num, target, stateDir };
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err).write(USAGE);
    return name ? ExitCode.PASSED : ExitCode.USAGE;
  }
  const { values, positionals } = parseCommand(name, rest);
  if (values.help) {
    io.out.write(USAGE);
    return ExitCode.PASSED;
  }
  const { str, num, target, stateDir } = readers(values);
  const cmd = await import('./commands.ts');
  const arg = positionals[0]!;
  switch (name) {
    case 'validate':
      return cmd.validateCommand(arg, io);
    case 'graph':
      return cmd.graphCommand(arg, str('format') ?? 'mermaid', io);
    case 'steps':
      return cmd.stepsCommand(Boolean(values.json), io);
    case 'schema':
      return cmd.schemaCommand(str('out'), io);
    case 'runs':
      return cmd.runsCommand(str('state-dir'), Boolean(values.json), io);
    case 'run': {
      const inputs = (values.input as string[] | undefined) ?? [];
      return await cmd.runCommand({ file: arg, inputs, json: Boolean(values.json), ...stateDir(), verbose: Boolean(values.verbose), ...target() }, io);
    }
    case 'rollback':
      return await cmd.rollbackCommand(arg, { ...target(), ...stateDir(), verbose: Boolean(values.verbose) }, io);
    case 'serve': {
      const opts: { port?: number; dnsPort?: number; host?: string; timeScale?: number } = {};
      if (num('port') !== undefined) opts.port = num('port')!;
      if (num('dns-port') !== undefined) opts.dnsPort = num('dns-port')!;
      if (str('host')) opts.host = str('host')!;
      if (num('time-scale') !== undefined) opts.timeScale = num('time-scale')!;
      return await cmd.serveCommand(opts);
    }
    default:
      throw new UsageError(`unknown command '${name}'`);
  }
}

/** One line per problem (no stack unless `--debug`) and the exit code for it. */
function reportError(error: unknown, io: Io, debug: boolean): number {
  const stack = () => debug && io.err.write(`${(error as Error)?.stack}\n`);
  if (error instanceof WorkflowLoadError) {
    for (const issue of error.issues) io.err.write(formatIssue(issue) + '\n');
    stack();
    return ExitCode.USAGE;
  }
  if (error instanceof EngineError) {
    io.err.write(`engine: ${error.message}\n`);
    stack();
    return error instanceof UsageError ? ExitCode.USAGE : ExitCode.STEP_FAILED;
  }
  io.err.write(`engine: internal error: ${(error as Error)?.message ?? String(error)}${debug ? '' : ' (rerun with --debug for details)'}\n`);
  stack();
  return ExitCode.STEP_FAILED;
}
