import { parseModelSettings, type EmulationModel } from '../emulator/model.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EngineError, UsageError, WorkflowLoadError, formatIssue } from './errors.ts';
import type { TargetKind } from './target.ts';

/**
 * `engine`: the command line. Declares options, lazily imports the command, maps errors to
 * exit codes (2 for usage and validation errors, printed without a stack trace unless
 * `--debug`).
 */

const USAGE = `usage: engine <command> [options]

commands:
  run <file>         run a workflow   [--input k=v]... [--target embedded|endpoint|aws] [--endpoint URL]
                                      [--dns HOST:PORT] [--time-scale N] [--seed N] [--emulate K=DURATION] [--json] [--state-dir D] [--verbose]
  validate <file>    check a workflow and print every problem as file:line:col: path: message
  graph <file>       print the compiled state machine   [--format mermaid|dot]
  steps              list step types and their params   [--json]
  schema             print the JSON Schema editors use (step types and params)   [--out FILE]
  runs               list runs and their status         [--json] [--state-dir D]
  rollback <runId>   compensate an unfinished or dirty run from its journal   [--state-dir D] [target options]
  serve              run the emulator alone   [--port N] [--dns-port N] [--host H] [--time-scale N] [--emulate K=DURATION]

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
  seed: { type: 'string' },
  emulate: { type: 'string', multiple: true },
};
const commands: Record<string, { positionals: number; options: Options }> = {
  run: { positionals: 1, options: { ...targetOptions, input: { type: 'string', multiple: true, short: 'i' }, json: { type: 'boolean' }, 'state-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } } },
  validate: { positionals: 1, options: {} },
  graph: { positionals: 1, options: { format: { type: 'string' } } },
  steps: { positionals: 0, options: { json: { type: 'boolean' } } },
  schema: { positionals: 0, options: { out: { type: 'string' } } },
  runs: { positionals: 0, options: { json: { type: 'boolean' }, 'state-dir': { type: 'string' } } },
  rollback: { positionals: 1, options: { ...targetOptions, 'state-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } } },
  serve: { positionals: 0, options: { port: { type: 'string' }, 'dns-port': { type: 'string' }, host: { type: 'string' }, 'time-scale': { type: 'string' }, emulate: { type: 'string', multiple: true } } },
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const io = { out: process.stdout, err: process.stderr, env: process.env };
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      (name ? io.out : io.err).write(USAGE);
      return name ? 0 : 2;
    }
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command '${name}' (try: ${Object.keys(commands).join(', ')})`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...common, ...command.options }, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''), { cause: error });
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out.write(USAGE);
      return 0;
    }
    if (positionals.length !== command.positionals) {
      throw new UsageError(
        command.positionals ? `engine ${name} expects ${command.positionals === 1 ? 'one argument' : `${command.positionals} arguments`}, got ${positionals.length}` : `engine ${name} takes no arguments, got '${positionals.join(' ')}'`,
      );
    }
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
      ...(num('seed') !== undefined ? { seed: num('seed')! } : {}),
      ...(values.emulate ? { model: modelSettings(values.emulate as string[]) } : {}),
    });
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
      case 'run':
        return await cmd.runCommand(
          {
            file: arg,
            inputs: (values.input as string[] | undefined) ?? [],
            json: Boolean(values.json),
            ...(str('state-dir') ? { stateDir: str('state-dir')! } : {}),
            verbose: Boolean(values.verbose),
            ...target(),
          },
          io,
        );
      case 'rollback':
        return await cmd.rollbackCommand(arg, { ...target(), ...(str('state-dir') ? { stateDir: str('state-dir')! } : {}), verbose: Boolean(values.verbose) }, io);
      case 'serve': {
        const opts: { port?: number; dnsPort?: number; host?: string; timeScale?: number; model?: Partial<EmulationModel> } = {};
        if (values.emulate) opts.model = modelSettings(values.emulate as string[]);
        if (num('port') !== undefined) opts.port = num('port')!;
        if (num('dns-port') !== undefined) opts.dnsPort = num('dns-port')!;
        if (str('host')) opts.host = str('host')!;
        if (num('time-scale') !== undefined) opts.timeScale = num('time-scale')!;
        return await cmd.serveCommand(opts);
      }
      default:
        throw new UsageError(`unknown command '${name}'`);
    }
  } catch (error) {
    if (error instanceof WorkflowLoadError) {
      for (const issue of error.issues) io.err.write(formatIssue(issue) + '\n');
      if (debug) io.err.write(`${error.stack}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      io.err.write(`engine: ${error.message}\n`);
      if (debug) io.err.write(`${error.stack}\n`);
      return 2;
    }
    if (error instanceof EngineError) {
      io.err.write(`engine: ${error.message}\n`);
      if (debug) io.err.write(`${error.stack}\n`);
      return 1;
    }
    io.err.write(`engine: internal error: ${(error as Error)?.message ?? String(error)}${debug ? '' : ' (rerun with --debug for details)'}\n`);
    if (debug) io.err.write(`${(error as Error)?.stack}\n`);
    return 1;
  }
}

// `engine steps | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A step that ignores its abort signal must not keep the process alive past the end of the run.
setTimeout(() => process.exit(code), 3000).unref();

/** `--emulate key=duration` settings (emulator/model.ts), as a usage error when malformed. */
function modelSettings(settings: string[]): Partial<EmulationModel> {
  try {
    return parseModelSettings(settings);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
