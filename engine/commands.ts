import type { EmulationModel } from '../emulator/model.ts';
import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { steps as registered } from '../steps/all.ts';
import { StepRegistry } from './registry.ts';
import { envelopeSchema, loadWorkflowFile } from './load.ts';
import { editorSchema } from './editorSchema.ts';
import { compileWorkflow } from './compile.ts';
import { toDot, toMermaid, GraphFormat } from './graph.ts';
import { parseInputArgs, resolveInputs } from './inputs.ts';
import { createTargetSession, targetOptionsFromRun, type TargetOptions } from './target.ts';
import { journalPath, readJournal, resolveStateDir } from './journal.ts';
import { startRun } from './run.ts';
import { lineProgress, useColor } from './progress.ts';
import { renderSummary } from './report.ts';
import { listRuns } from './runs.ts';
import { rollbackRun } from './rollback.ts';
import { UsageError, TargetError } from './errors.ts';
import { flattenSteps } from './workflow.ts';
import type { JsonSchema } from './types.ts';

/** Where commands write: results on `out` (stdout), progress and diagnostics on `err`. */
export interface Io {
  out: Writable & { isTTY?: boolean };
  err: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The registry of `steps/index.ts`. */
export function defaultRegistry(): StepRegistry {
  return new StepRegistry(registered);
}

/** `engine validate <file>`: 0 when valid; throws WorkflowLoadError otherwise. */
export function validateCommand(file: string, io: Io): number {
  const workflow = loadWorkflowFile(file, defaultRegistry());
  compileWorkflow(workflow);
  io.out.write(`${file}: ok (${flattenSteps(workflow.steps).length} steps)\n`);
  return 0;
}

/** `engine graph <file> [--format mermaid|dot]`. */
export function graphCommand(file: string, format: string, io: Io): number {
  if (format !== GraphFormat.MERMAID && format !== GraphFormat.DOT) throw new UsageError(`--format must be mermaid or dot, got '${format}'`);
  const { config } = compileWorkflow(loadWorkflowFile(file, defaultRegistry()));
  io.out.write(format === GraphFormat.DOT ? toDot(config) : toMermaid(config));
  return 0;
}

/** `engine steps [--json]`: every step type with its params. */
export function stepsCommand(json: boolean, io: Io): number {
  const defs = defaultRegistry().list();
  if (json) {
    io.out.write(JSON.stringify(defs.map((d) => ({ type: d.type, description: d.description, params: d.params, outputs: d.outputs ?? null, needsTarget: d.needsTarget ?? true, rollback: Boolean(d.rollback) })), null, 2) + '\n');
    return 0;
  }
  for (const def of defs) {
    io.out.write(`${def.type}${def.rollback ? '' : '  (no rollback)'}\n  ${def.description}\n`);
    const required = new Set(Array.isArray(def.params.required) ? (def.params.required as string[]) : []);
    for (const [name, schema] of Object.entries(properties(def.params))) {
      const s = schema as JsonSchema;
      const type = Array.isArray(s.type) ? s.type.join('|') : String(s.type ?? (s.enum ? 'enum' : 'any'));
      const extra = [required.has(name) ? 'required' : '', s.default !== undefined ? `default ${JSON.stringify(s.default)}` : ''].filter(Boolean).join(', ');
      io.out.write(`    ${name}: ${type}${extra ? ` (${extra})` : ''}${typeof s.description === 'string' ? `  ${s.description}` : ''}\n`);
    }
    const outs = Object.keys(properties(def.outputs ?? {}));
    if (outs.length) io.out.write(`  outputs: ${outs.join(', ')}\n`);
  }
  return 0;
}

/** `engine schema [--out FILE]`: the editor schema (`npm run schema` writes it to schemas/workflow.schema.json). */
export function schemaCommand(out: string | undefined, io: Io): number {
  const registry = defaultRegistry();
  const text = JSON.stringify(editorSchema(envelopeSchema(), registry), null, 2) + '\n';
  if (out === undefined) io.out.write(text);
  else {
    writeFileSync(out, text);
    io.err.write(`wrote ${out} (${registry.list().length} step types)\n`);
  }
  return 0;
}

/** Options of `engine run`. */
export interface RunCommandOptions extends TargetOptions {
  file: string;
  inputs: string[];
  json: boolean;
  stateDir?: string;
  verbose: boolean;
}

/** `engine run`: runs, prints the summary (or JSON report), returns the exit code. Installs signal handlers. */
export async function runCommand(options: RunCommandOptions, io: Io): Promise<number> {
  const registry = defaultRegistry();
  const workflow = loadWorkflowFile(options.file, registry);
  const inputs = resolveInputs(workflow.inputs, parseInputArgs(options.inputs));
  const target = createTargetSession(options);
  const progress = lineProgress((line) => io.err.write(line + '\n'), { color: useColor(io.err, io.env), verbose: options.verbose });
  const handle = startRun({ workflow, registry, target, stateDir: resolveStateDir(options.stateDir, io.env), inputs, progress, env: io.env });
  const onSignal = (signal: NodeJS.Signals) => {
    if (!handle.interrupt() && !handle.finished) {
      void handle.abortNow(`second ${signal}`).then(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await handle.done;
    if (report.status === 'failed' && report.error?.code === new TargetError('').code && report.steps.every((s) => s.status === 'not-run')) {
      io.err.write(`error: ${report.error.message}\n`);
    }
    io.out.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderSummary(report));
    return report.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `engine runs [--json]`. */
export function runsCommand(stateDir: string | undefined, json: boolean, io: Io): number {
  const runs = listRuns(resolveStateDir(stateDir, io.env));
  if (json) {
    io.out.write(JSON.stringify(runs, null, 2) + '\n');
    return 0;
  }
  if (!runs.length) {
    io.out.write('no runs\n');
    return 0;
  }
  for (const r of runs) {
    const pending = r.needsRollback ? `  ${r.pending.length} to compensate (engine rollback ${r.runId})` : '';
    io.out.write(`${r.runId}  ${r.status.padEnd(23)} ${r.workflow}  ${r.startedAt ?? ''}${pending}\n`);
  }
  return 0;
}

/**
 * `engine rollback <runId>`. Without target flags the compensations go where the run went: the
 * endpoint (and DNS) or AWS recorded in its journal, never a fresh embedded emulator.
 */
export async function rollbackCommand(runId: string, options: TargetOptions & { stateDir?: string; verbose: boolean }, io: Io): Promise<number> {
  const progress = lineProgress((line) => io.err.write(line + '\n'), { color: useColor(io.err, io.env), verbose: options.verbose });
  const stateDir = resolveStateDir(options.stateDir, io.env);
  let targetOptions: TargetOptions = options;
  let targetGone: string | undefined;
  const flagged = options.kind !== undefined || options.endpoint !== undefined || options.dns !== undefined || options.timeScale !== undefined;
  // (An invalid or unknown run id is reported by rollbackRun.)
  if (!flagged && /^[\w.-]+$/.test(runId)) {
    const start = readJournal(journalPath(stateDir, runId)).records.find((r) => r.kind === 'run-start');
    const described = start?.kind === 'run-start' ? (start.target as { kind?: unknown } | undefined) : undefined;
    if (described?.kind === 'embedded') {
      targetGone = "the run used the embedded emulator, which ended with the run's process (pass --endpoint to compensate elsewhere)";
    }
    const journaled = described ? targetOptionsFromRun(described) : undefined;
    if (journaled) {
      targetOptions = journaled;
      io.err.write(`rollback target (from the run's journal): ${journaled.kind}${journaled.endpoint ? ` ${journaled.endpoint}` : ''}${journaled.dns ? ` dns ${journaled.dns}` : ''}\n`);
    }
  }
  const result = await rollbackRun({
    stateDir,
    runId,
    registry: defaultRegistry(),
    target: createTargetSession(targetOptions),
    progress,
    env: io.env,
    ...(targetGone ? { targetGone } : {}),
  });
  io.out.write(result.message + '\n');
  return result.exitCode;
}

/** `engine serve`: the emulator alone (emulator/serve.ts, written separately). */
export async function serveCommand(argv: { port?: number; dnsPort?: number; host?: string; timeScale?: number; model?: Partial<EmulationModel> }): Promise<number> {
  const { serve } = await import('../emulator/serve.ts');
  await serve(argv);
  // serve() reports its own errors (one line naming the flag) and sets the exit code.
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

function properties(schema: JsonSchema): Record<string, unknown> {
  return schema.properties && typeof schema.properties === 'object' ? (schema.properties as Record<string, unknown>) : {};
}
