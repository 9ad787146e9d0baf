import { engineVersion } from './version.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseModelSettings, type EmulationModel } from '../emulator/model.ts';
import { ROUTING_KEYS, parseRoutingSetting, type RoutingSettings } from '../emulator/route53/routingSettings.ts';
import { EngineError, UsageError, WorkflowLoadError, formatIssue } from './errors.ts';
import { ExitCode } from './status.ts';
import type { Io } from './io.ts';
import type { TargetKind } from './target.ts';
import type { ServeOptions } from '../emulator/serve.ts';

/**
 * `engine`: the command line. Declares options, lazily imports the command, maps errors to
 * exit codes (2 for usage and validation errors, printed without a stack trace unless
 * `--debug`). No side effects on import: `bin/engine.js` calls {@link main} with the process's
 * {@link Io}; tests call it in-process with their own.
 */

export type { Io } from './io.ts';

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
const TARGET_HELP =
  '[--target embedded|endpoint|aws] [--endpoint URL] [--dns HOST:PORT] [--time-scale N] [--seed N] [--emulate K=DURATION]...';

/** The options `engine prove` and `engine repeat` share (drills on fresh embedded targets). */
const batchFlags: Options = {
  input: { type: 'string', multiple: true, short: 'i' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
};

/** A command: its arguments (a count, or `some` for one or more), options and help. */
interface CommandSpec {
  positionals: number | 'some';
  options: Options;
  /** `run <file>`. */
  synopsis: string;
  summary: string;
  /** The options line of `--help`. */
  flags: string;
}

const commands: Record<string, CommandSpec> = {
  run: {
    positionals: 1,
    options: {
      ...targetOptions,
      input: { type: 'string', multiple: true, short: 'i' },
      json: { type: 'boolean' },
      'state-dir': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      'wait-lock': { type: 'boolean' },
    },
    synopsis: 'run <file>',
    summary: 'run a workflow',
    flags: `[--input k=v]... ${TARGET_HELP} [--json] [--state-dir D] [--verbose] [--wait-lock]`,
  },
  prove: {
    positionals: 1,
    options: { ...batchFlags, only: { type: 'string', multiple: true } },
    synopsis: 'prove <file>',
    summary: 'run the drill against broken setups on the embedded target; each must turn a verdict red',
    flags: '[--input k=v]... [--only SETUP]... [--time-scale N] [--seed N] [--json] [--state-dir D]',
  },
  repeat: {
    positionals: 1,
    options: { ...batchFlags, runs: { type: 'string' } },
    synopsis: 'repeat <file>',
    summary: "run the drill N times on the embedded target (seeds S, S+1, ...) and print each measure's min, p50, p95, max",
    flags: '[--runs N] [--seed S] [--input k=v]... [--time-scale N] [--json] [--state-dir D]',
  },
  validate: {
    positionals: 'some',
    options: { json: { type: 'boolean' } },
    synopsis: 'validate <file>...',
    summary: 'check workflows; every problem as file:line:col: path: message',
    flags: '[--json]',
  },
  plan: {
    positionals: 1,
    options: { ...targetOptions, json: { type: 'boolean' } },
    synopsis: 'plan <file>',
    summary: 'print what a run would create, change and break, without contacting the target',
    flags: `[--json] ${TARGET_HELP} (named, never contacted)`,
  },
  graph: {
    positionals: 1,
    options: { format: { type: 'string' } },
    synopsis: 'graph <file>',
    summary: 'print the compiled state machine',
    flags: '[--format mermaid|dot]',
  },
  steps: {
    positionals: 0,
    options: { json: { type: 'boolean' } },
    synopsis: 'steps',
    summary: 'list step types and their params',
    flags: '[--json]',
  },
  schema: {
    positionals: 0,
    options: { out: { type: 'string' } },
    synopsis: 'schema',
    summary: 'print the JSON Schema editors use (step types and params)',
    flags: '[--out FILE]',
  },
  runs: {
    positionals: 0,
    options: { json: { type: 'boolean' }, 'state-dir': { type: 'string' }, prune: { type: 'boolean' }, 'older-than': { type: 'string' } },
    synopsis: 'runs',
    summary: 'list runs: status, start, duration, exit code, what is still held; --prune removes settled runs',
    flags: '[--json] [--state-dir D] [--prune [--older-than 7d]]',
  },
  rollback: {
    positionals: 1,
    options: { ...targetOptions, 'state-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } },
    synopsis: 'rollback <runId>',
    summary: 'compensate an unfinished or dirty run from its journal',
    flags: `[--state-dir D] ${TARGET_HELP}`,
  },
  destroy: {
    positionals: 1,
    options: { ...targetOptions, 'state-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } },
    synopsis: 'destroy <runId>',
    summary: 'compensate a finished run that kept its resources (cleanup: never or onFailure)',
    flags: `[--state-dir D] ${TARGET_HELP}`,
  },
  report: {
    positionals: 1,
    options: { format: { type: 'string' }, out: { type: 'string' }, 'state-dir': { type: 'string' } },
    synopsis: 'report <runId>',
    summary: "render a run's report again from its journal (also of interrupted and failed runs)",
    flags: '[--format html|md|json|junit] [--out FILE] [--state-dir D]',
  },
  serve: {
    positionals: 0,
    options: {
      port: { type: 'string' },
      'dns-port': { type: 'string' },
      host: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      emulate: { type: 'string', multiple: true },
    },
    synopsis: 'serve',
    summary: 'run the emulator alone',
    flags:
      '[--port N] [--dns-port N] [--host H] [--time-scale N|idle] [--seed N] [--emulate K=DURATION|clientRegion=R|clientCountry=CC|clientSubdivision=S]...',
  },
};

const EXIT_CODES = `exit codes: 0 passed, 1 a step failed (compensated), 2 usage, invalid workflow or refused before starting,
            3 compensation incomplete, 4 an objective breached (compensated), 130 interrupted
`;

const USAGE = `usage: engine <command> [options]   (engine <command> --help, engine --version)

commands:
${Object.values(commands)
  .map((c) => `  ${c.synopsis.padEnd(19)}${c.summary}`)
  .join('\n')}

${EXIT_CODES}`;

/** `engine <command> --help`. */
function commandHelp(name: string): string {
  const c = commands[name]!;
  return `usage: engine ${c.synopsis} ${c.flags}\n\n${c.summary}\n\n${EXIT_CODES}`;
}

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
  const expected = command.positionals;
  if (!values.help && (expected === 'some' ? positionals.length === 0 : positionals.length !== expected)) {
    throw new UsageError(
      expected === 'some' || expected === 1
        ? `${name} expects ${expected === 'some' ? 'at least one argument' : 'one argument'}, got ${positionals.length}`
        : `${name} takes no arguments, got '${positionals.join(' ')}'`,
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
    ...(num('seed') !== undefined ? { seed: num('seed')! } : {}),
    ...(values.emulate ? emulateSettings(values.emulate as string[]) : {}),
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
  if (name === '--version' || name === '-V') {
    io.out.write(`engine ${engineVersion()}\n`);
    return ExitCode.PASSED;
  }
  const { values, positionals } = parseCommand(name, rest);
  if (values.help) {
    io.out.write(commandHelp(name));
    return ExitCode.PASSED;
  }
  const { str, target, stateDir } = readers(values);
  // `serve` needs the emulator only: commands.ts would load every step and every SDK client.
  if (name === 'serve') return await serve(values);
  const cmd = await import('./commands.ts');
  const arg = positionals[0]!;
  switch (name) {
    case 'validate':
      return cmd.validateCommand(positionals, Boolean(values.json), io);
    case 'plan':
      return await cmd.planCommand(arg, { json: Boolean(values.json), target: target() }, io);
    case 'graph':
      return cmd.graphCommand(arg, str('format') ?? 'mermaid', io);
    case 'steps':
      return cmd.stepsCommand(Boolean(values.json), io);
    case 'schema':
      return cmd.schemaCommand(str('out'), io);
    case 'runs':
      return cmd.runsCommand(
        {
          ...stateDir(),
          json: Boolean(values.json),
          prune: Boolean(values.prune),
          ...(str('older-than') ? { olderThan: str('older-than')! } : {}),
        },
        io,
      );
    case 'run': {
      const inputs = (values.input as string[] | undefined) ?? [];
      const waitLock = Boolean(values['wait-lock']);
      return await cmd.runCommand(
        { file: arg, inputs, json: Boolean(values.json), ...stateDir(), verbose: Boolean(values.verbose), waitLock, ...target() },
        io,
      );
    }
    case 'prove':
      return await prove(arg, values, io);
    case 'repeat':
      return await repeat(arg, values, io);
    case 'rollback':
    case 'destroy':
      return await cmd.rollbackCommand(
        arg,
        { ...target(), ...stateDir(), verbose: Boolean(values.verbose), destroy: name === 'destroy' },
        io,
      );
    case 'report':
      return cmd.reportCommand(
        arg,
        { ...stateDir(), ...(str('format') ? { format: str('format')! } : {}), ...(str('out') ? { out: str('out')! } : {}) },
        io,
      );
    default:
      throw new UsageError(`unknown command '${name}'`);
  }
}

/** `engine prove`: loaded on demand, like every command but `serve`. */
async function prove(file: string, values: Values, io: Io): Promise<number> {
  const { proveCommand } = await import('./proveCommand.ts');
  const only = (values.only as string[] | undefined) ?? [];
  return await proveCommand({ ...batchOptions(file, values), ...(only.length ? { only } : {}) }, io);
}

/** `engine repeat`: loaded on demand. */
async function repeat(file: string, values: Values, io: Io): Promise<number> {
  const { repeatCommand } = await import('./repeatCommand.ts');
  const runs = readers(values).num('runs');
  return await repeatCommand({ ...batchOptions(file, values), ...(runs !== undefined ? { runs } : {}) }, io);
}

/** What `engine prove` and `engine repeat` share: the drill, its inputs, the state dir, the embedded clock. */
function batchOptions(file: string, values: Values) {
  const { num, stateDir } = readers(values);
  const timeScale = num('time-scale');
  const seed = num('seed');
  return {
    file,
    inputs: (values.input as string[] | undefined) ?? [],
    json: Boolean(values.json),
    ...stateDir(),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}

/** `engine serve`: the emulator alone (emulator/serve.ts), which reports its own errors. */
async function serve(values: Values): Promise<number> {
  const { str, num } = readers(values);
  const opts: ServeOptions = {};
  if (values.emulate) Object.assign(opts, emulateSettings(values.emulate as string[]));
  if (num('port') !== undefined) opts.port = num('port')!;
  if (num('dns-port') !== undefined) opts.dnsPort = num('dns-port')!;
  if (str('host')) opts.host = str('host')!;
  // `idle`: the idle-skipping clock, shared with the engines that run against it (docs/clock.md).
  const scale = str('time-scale');
  if (scale === 'idle') opts.timeScale = 'idle';
  else if (scale !== undefined) {
    if (scale.trim() === '' || !Number.isFinite(Number(scale)))
      throw new UsageError(`--time-scale expects a number or idle, got '${scale}'`);
    opts.timeScale = Number(scale);
  }
  if (num('seed') !== undefined) opts.seed = num('seed')!;
  await (await import('../emulator/serve.ts')).serve(opts);
  return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.PASSED;
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
  io.err.write(
    `engine: internal error: ${(error as Error)?.message ?? String(error)}${debug ? '' : ' (rerun with --debug for details)'}\n`,
  );
  stack();
  return ExitCode.STEP_FAILED;
}

/**
 * `--emulate` settings: `key=duration` ones are modelled delays (emulator/model.ts); `clientRegion`,
 * `clientCountry`, `clientSubdivision` and `clientContinent` place Route 53's DNS client
 * (emulator/route53/routingSettings.ts). A malformed one is a usage error.
 */
function emulateSettings(settings: string[]): { model?: Partial<EmulationModel>; route53?: Partial<RoutingSettings> } {
  const routing = settings.filter((s) => ROUTING_KEYS.some((key) => s.trim().startsWith(`${key}=`)));
  const delays = settings.filter((s) => !routing.includes(s));
  try {
    const route53: Partial<RoutingSettings> = Object.assign({}, ...routing.map((s) => parseRoutingSetting(s.trim())));
    return { ...(delays.length ? { model: parseModelSettings(delays) } : {}), ...(routing.length ? { route53 } : {}) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
