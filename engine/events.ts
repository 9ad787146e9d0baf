import type { Clock, Logger } from './types.ts';
import type { ErrorRecord } from './errors.ts';
import type { RollbackSpec } from './workflow.ts';
import type { TargetDescription } from './targetDescription.ts';
import type { CompensationStatus, RollbackStatus, RunStatus, StepResultStatus } from './status.ts';
import { maskSecrets, type SecretMasker } from './mask.ts';
import type { DrillEventBody } from './drillEvents.ts';

/**
 * The run's event stream. The runner (and `engine rollback`) emit {@link RunEvent}s through one
 * {@link RunEvents} bus; the journal writer, the progress printer and the report builder are
 * handlers of it (in the manner of chaostoolkit's `RunEventHandler` registry). The journal
 * stores the events themselves, so the kinds below are also the journal's record kinds:
 * `step-intent` is a step's start (durable before the step acts), `step-result` and
 * `step-skipped` its end, `compensation-result` a compensation's end.
 *
 * Every event carries `seq` (increasing within a journal), `wall` (epoch ms, `Date.now()`) and
 * `aws` (epoch ms on the run's clock: AWS time). New kinds (probe samples, health-check status,
 * DNS answers, verdicts) are added to {@link RunEventBody}; any module holding the bus can
 * `emit` them, and handlers ignore kinds they do not know.
 */

/** The payload of an event, as emitted. Secrets are masked by the emitter. */
export type RunEventBody =
  | {
      kind: 'run-start';
      runId: string;
      workflow: { file: string; name: string; digest: string; dir: string; description?: string };
      inputs: Record<string, unknown>;
      target: TargetDescription;
      cleanup: string;
      pid: number;
      /** Identifies the process behind `pid` (see `processStart` in runs.ts), so a reused pid is not taken for it. */
      pidStart?: string;
      /** Every step of the workflow in document order (absent in journals of older engines). */
      steps?: Array<{ id: string; type: string; description?: string }>;
      /** The declared inputs' descriptions, by name (only those that have one). */
      inputDescriptions?: Record<string, string>;
      /** The engine's version (package.json) that ran. */
      engineVersion?: string;
      /** The lock records the run took on its target (engine/locks.ts), released once it holds nothing. */
      locks?: { zoneId: string; records: Array<{ name: string; value: string }> };
    }
  | { kind: 'target-acquired'; target: TargetDescription }
  | { kind: 'transition'; from: unknown; to: unknown; event: string }
  | { kind: 'step-intent'; stepId: string; type: string; params: unknown; rollback: RollbackSpec; needsTarget: boolean }
  | { kind: 'step-skipped'; stepId: string; type: string }
  | { kind: 'step-retry'; stepId: string; attempt: number; delayMs: number; error: ErrorRecord }
  | {
      kind: 'step-result';
      stepId: string;
      status: StepResultStatus;
      attempts: number;
      durationMs: number;
      outputs?: unknown;
      error?: ErrorRecord;
    }
  | { kind: 'compensation-start'; stepId: string; type: string }
  | { kind: 'compensation-result'; stepId: string; status: CompensationStatus; durationMs: number; error?: ErrorRecord }
  | { kind: 'notice'; message: string }
  | { kind: 'log'; level: LogLevel; stepId: string; message: string; meta?: Record<string, unknown> }
  | { kind: 'run-dirty'; reason: string }
  | { kind: 'run-end'; status: RunStatus; exitCode: number; durationMs?: number; outputs?: Record<string, unknown>; error?: ErrorRecord }
  | { kind: 'rollback-start'; pid: number; pending: string[] }
  | { kind: 'rollback-end'; status: RollbackStatus; exitCode: number }
  /** What the sweep by the run's tag removed, and what it could not (engine/sweep.ts). */
  | { kind: 'sweep'; swept: string[]; failed: string[] }
  // Evidence samples, measures and verdicts of a drill (engine/drillEvents.ts).
  | DrillEventBody;

/** Log levels of a step's logger. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** When and in which order an event happened. */
export interface EventStamp {
  seq: number;
  /** Epoch ms of the machine (`Date.now()`): only for "how long you waited". */
  wall: number;
  /** Epoch ms of the run's clock: the AWS time a user reads. */
  aws: number;
}

/** An event as handlers receive it. */
export type RunEvent = RunEventBody & EventStamp;

/** The event of one kind. */
export type RunEventOf<K extends RunEvent['kind']> = Extract<RunEvent, { kind: K }>;

/** Receives every event of a run, in order. */
export type RunEventHandler = (event: RunEvent) => void;

/** What the bus does when a handler throws (the journal writer on a full disk, say). */
export type HandlerFailure = (error: unknown, event: RunEvent) => void;

/**
 * Stamps events and hands them to every handler in order. After `run-end` or `rollback-end`
 * the bus is closed: later events (a compensation stopped by a second interrupt) are dropped,
 * so nothing is recorded after the outcome; only notices (never journaled) still pass.
 */
export class RunEvents {
  private seq: number;
  private closed = false;
  private readonly handlers: RunEventHandler[];
  private readonly onHandlerError: HandlerFailure | undefined;
  private readonly masker: SecretMasker | undefined;

  constructor(
    /** The run's clock: it stamps `aws`. */
    readonly clock: Clock,
    handlers: RunEventHandler[],
    /** `masker`: every event is masked by name and by the run's secret values before any handler sees it. */
    options: { startSeq?: number; onHandlerError?: HandlerFailure; masker?: SecretMasker } = {},
  ) {
    this.handlers = [...handlers];
    this.seq = options.startSeq ?? 0;
    this.onHandlerError = options.onHandlerError;
    this.masker = options.masker;
  }

  /** Whether the outcome was emitted. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stamps and delivers an event; returns it, or undefined once the bus is closed. */
  emit(body: RunEventBody): RunEvent | undefined {
    if (this.closed && body.kind !== 'notice') return undefined;
    const masked = this.masker ? this.masker.maskValue(body) : body;
    // Evidence samples carry the AWS time they observed (a request's send time), kept as stamped.
    const aws = 'aws' in body && typeof body.aws === 'number' ? body.aws : this.clock.now();
    const event = { ...masked, seq: ++this.seq, wall: Date.now(), aws } as RunEvent;
    if (body.kind === 'run-end' || body.kind === 'rollback-end') this.closed = true;
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        if (!this.onHandlerError) throw error;
        this.onHandlerError(error, event);
      }
    }
    return event;
  }
}

/** A step's logger writing `log` events (meta masked). */
export function stepLogger(emit: (body: RunEventBody) => unknown, stepId: string): Logger {
  const at = (level: LogLevel) => (message: string, meta?: Record<string, unknown>) =>
    emit({ kind: 'log', level, stepId, message, ...(meta ? { meta: maskSecrets(meta) } : {}) });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
