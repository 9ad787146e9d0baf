import { existsSync } from 'node:fs';
import type { Clock, Logger, StepContext, Target } from './types.ts';
import { NonRetryableError, UsageError, toErrorRecord } from './errors.ts';
import { Journal, journalPath, readJournal, runDir, type JournalRecord } from './journal.ts';
import { summarizeJournal } from './runs.ts';
import type { StepRegistry } from './registry.ts';
import type { TargetSession } from './target.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { resolveTemplates } from './template.ts';
import { systemClock } from './clock.ts';
import { ExitCode } from './report.ts';
import { MASK } from './mask.ts';

/** Result of `engine rollback`. */
export interface RollbackResult {
  runId: string;
  /** nothing: nothing left to do; completed: all pending compensations succeeded; incomplete: some failed. */
  status: 'nothing' | 'completed' | 'incomplete';
  exitCode: number;
  message: string;
  compensated: string[];
  failed: string[];
}

/** What a journal rollback needs. */
export interface RollbackOptions {
  stateDir: string;
  runId: string;
  registry: StepRegistry;
  target: TargetSession;
  clock?: Clock;
  progress?: ProgressSink;
  env?: Record<string, string | undefined>;
  fsync?: boolean;
  /**
   * Set when the run's target no longer exists (an embedded emulator ends with the run's
   * process): compensations that need the target are recorded as done, with this reason,
   * instead of being run against a fresh, empty emulator. Local effects are still undone.
   */
  targetGone?: string;
}

/**
 * Compensates an unfinished, dirty or partially compensated run from its journal alone (also
 * after `kill -9`): every started step without a successful compensation, newest first, using
 * the type and resolved params of its intent record and the outputs of its result record (if
 * any). A failing compensation does not stop the others. Idempotent: a second call finds
 * nothing left to do.
 */
export async function rollbackRun(options: RollbackOptions): Promise<RollbackResult> {
  const { runId, registry } = options;
  const path = journalPath(options.stateDir, runId);
  if (!/^[\w.-]+$/.test(runId) || !existsSync(path)) throw new UsageError(`no run '${runId}' in ${options.stateDir}`);
  const { records, skipped } = readJournal(path);
  const summary = summarizeJournal(runId, records, skipped);
  const result = (status: RollbackResult['status'], message: string, compensated: string[] = [], failed: string[] = []): RollbackResult => ({
    runId,
    status,
    exitCode: status === 'incomplete' ? ExitCode.COMPENSATION_INCOMPLETE : ExitCode.PASSED,
    message,
    compensated,
    failed,
  });
  if (summary.status === 'running') throw new UsageError(`run ${runId} is still in progress (pid ${summary.pid}); interrupt it instead`);
  if (summary.status === 'passed') return result('nothing', `run ${runId} passed; nothing to roll back`);
  if (summary.pending.length === 0) return result('nothing', `run ${runId}: nothing left to do (every started step is compensated)`);

  const progress = options.progress ?? silentProgress;
  const clock = options.clock ?? systemClock;
  const start = records.find((r): r is Extract<JournalRecord, { kind: 'run-start' }> => r.kind === 'run-start');
  const intents = new Map<string, Extract<JournalRecord, { kind: 'step-intent' }>>();
  const outputs = new Map<string, unknown>();
  for (const r of records) {
    if (r.kind === 'step-intent' && !intents.has(r.stepId)) intents.set(r.stepId, r);
    if (r.kind === 'step-result' && r.status === 'succeeded') outputs.set(r.stepId, r.outputs);
  }
  const pending = summary.pending.map((id) => intents.get(id)!).filter(Boolean);
  const usesTarget = (i: (typeof pending)[number]) => i.needsTarget || (i.rollback.kind === 'override' && registry.needsTarget(i.rollback.type));
  const needsTarget = pending.some((i) => usesTarget(i) && options.targetGone === undefined);
  const target: Target = needsTarget ? await options.target.acquire() : options.target.idle();
  const journal = Journal.open(path, { fsync: options.fsync ?? true });
  journal.append({ kind: 'rollback-start', pid: process.pid, pending: summary.pending });
  const workflowDir = start?.workflow.dir ?? process.cwd();
  const compensated: string[] = [];
  const failed: string[] = [];
  const controller = new AbortController();
  try {
    for (const intent of pending) {
      const type = intent.rollback.kind === 'override' ? intent.rollback.type : intent.type;
      const log: Logger = logger(progress, intent.stepId);
      const ctx: StepContext = { signal: controller.signal, log, target, clock, runId, stepId: intent.stepId, workflowDir, attempt: 1 };
      journal.append({ kind: 'compensation-start', stepId: intent.stepId, type });
      progress({ kind: 'compensation-start', stepId: intent.stepId, type });
      const t0 = clock.now();
      if (options.targetGone !== undefined && usesTarget(intent)) {
        log.info(`nothing to undo: ${options.targetGone}`);
        journal.append({ kind: 'compensation-result', stepId: intent.stepId, status: 'succeeded', durationMs: 0 });
        progress({ kind: 'compensation-end', stepId: intent.stepId, status: 'succeeded', durationMs: 0 });
        compensated.push(intent.stepId);
        continue;
      }
      try {
        if (JSON.stringify(intent.params ?? null).includes(`"${MASK}"`)) log.warn('some params were masked in the journal; the compensation sees the mask, not the secret');
        if (intent.rollback.kind === 'override') {
          const def = registry.get(intent.rollback.type);
          if (!def) throw new NonRetryableError(`unknown rollback step type '${intent.rollback.type}'`);
          const steps: Record<string, { outputs?: unknown }> = {};
          for (const [id, o] of outputs) steps[id] = { outputs: o };
          const params = resolveTemplates(intent.rollback.params, {
            inputs: start?.inputs ?? {},
            steps,
            env: options.env ?? process.env,
            target: target.values,
            run: { id: runId, dir: runDir(options.stateDir, runId), workflowDir, startedAt: start?.ts },
          });
          checkParams(registry, intent.rollback.type, params, 'invalid rollback params');
          await def.run(params, ctx);
        } else {
          const def = registry.get(intent.type);
          if (!def) throw new NonRetryableError(`unknown step type '${intent.type}' (not in this engine's registry)`);
          const params = structuredClone(intent.params);
          checkParams(registry, intent.type, params, 'invalid params');
          await def.rollback?.(params, ctx, outputs.get(intent.stepId));
        }
        const durationMs = clock.now() - t0;
        journal.append({ kind: 'compensation-result', stepId: intent.stepId, status: 'succeeded', durationMs });
        progress({ kind: 'compensation-end', stepId: intent.stepId, status: 'succeeded', durationMs });
        compensated.push(intent.stepId);
      } catch (error) {
        const durationMs = clock.now() - t0;
        const record = toErrorRecord(error);
        journal.append({ kind: 'compensation-result', stepId: intent.stepId, status: 'failed', durationMs, error: record });
        progress({ kind: 'compensation-end', stepId: intent.stepId, status: 'failed', durationMs, error: record });
        failed.push(intent.stepId);
      }
    }
    const status = failed.length ? 'rollback-incomplete' : 'rolled-back';
    const exitCode = failed.length ? ExitCode.COMPENSATION_INCOMPLETE : ExitCode.PASSED;
    journal.append({ kind: 'rollback-end', status, exitCode });
  } finally {
    journal.close();
    await options.target.close().catch(() => undefined);
  }
  return failed.length
    ? result('incomplete', `run ${runId}: compensated ${compensated.length}, failed ${failed.length} (${failed.join(', ')})`, compensated, failed)
    : result('completed', `run ${runId}: compensated ${compensated.length} step(s): ${compensated.join(', ')}`, compensated, failed);
}

/** Refuses params a live run would refuse (run.ts validates the same way before compensating). */
function checkParams(registry: StepRegistry, type: string, params: unknown, what: string): void {
  const problems = registry.validate(type, params);
  if (problems.length) throw new NonRetryableError(`${what}: ${problems.map((p) => `${p.instancePath || '/'} ${p.message ?? ''}`).join('; ')}`);
}

function logger(progress: ProgressSink, stepId: string): Logger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) => progress({ kind: 'log', level, stepId, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
