/**
 * Error classes of the engine. Every error has a stable string `code` (decide by `code`, never by
 * message text), sets `name`, and keeps the original `cause`. The CLI maps them to exit codes.
 */

/** Stable error codes, as an `as const` object plus its union type. */
export const ErrorCode = {
  ENGINE: 'E_ENGINE',
  LOAD: 'E_LOAD',
  USAGE: 'E_USAGE',
  TEMPLATE: 'E_TEMPLATE',
  STEP_FAILED: 'E_STEP_FAILED',
  TIMEOUT: 'E_TIMEOUT',
  NON_RETRYABLE: 'E_NON_RETRYABLE',
  INTERRUPTED: 'E_INTERRUPTED',
  TARGET: 'E_TARGET',
  JOURNAL: 'E_JOURNAL',
  OBJECTIVE_BREACHED: 'E_OBJECTIVE_BREACHED',
  PREFLIGHT: 'E_PREFLIGHT',
  LOCKED: 'E_LOCKED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error the engine throws on purpose. */
export class EngineError extends Error {
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.code = options?.code ?? ErrorCode.ENGINE;
  }
}

/** One problem found while loading a workflow, located in its source file (1-based line/col). */
export interface LoadIssue {
  file: string;
  line: number;
  col: number;
  /** JSON pointer into the document, e.g. `/steps/0/params/ms`. */
  path: string;
  message: string;
}

/** Formats an issue as `file:line:col: path: message`. */
export function formatIssue(issue: LoadIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.path || '/'}: ${issue.message}`;
}

/** Thrown by the loader when a workflow file has problems; `issues` lists all of them. */
export class WorkflowLoadError extends EngineError {
  readonly issues: LoadIssue[];
  constructor(issues: LoadIssue[], options?: { cause?: unknown }) {
    super(issues.map(formatIssue).join('\n'), { ...options, code: ErrorCode.LOAD });
    this.name = 'WorkflowLoadError';
    this.issues = issues;
  }
}

/** Thrown for bad command-line usage or invalid inputs (exit code 2). */
export class UsageError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.USAGE });
    this.name = 'UsageError';
  }
}

/** Thrown when a `${{ }}` expression cannot be parsed or resolved. Never retried. */
export class TemplateError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.TEMPLATE });
    this.name = 'TemplateError';
  }
}

/** Thrown when a step failed for good (retries exhausted or not retryable); `cause` is the last error. */
export class StepFailedError extends EngineError {
  readonly stepId: string;
  readonly attempts: number;
  constructor(stepId: string, attempts: number, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? `step '${stepId}' failed after ${attempts} attempt(s): ${errorMessage(options?.cause)}`, {
      cause: options?.cause,
      code: ErrorCode.STEP_FAILED,
    });
    this.name = 'StepFailedError';
    this.stepId = stepId;
    this.attempts = attempts;
  }
}

/**
 * The abort reason of a step attempt that exceeded its `timeout` (AWS time). Retryable like any
 * error. `seen` is what the attempt last saw, when it said (its own error on the abort, or its
 * last progress line): a timeout that names the last answer explains itself.
 */
export class StepTimeoutError extends EngineError {
  readonly stepId: string;
  readonly timeoutMs: number;
  constructor(stepId: string, timeoutMs: number, options?: { cause?: unknown; seen?: string }) {
    const seen = options?.seen ? `; ${options.seen}` : '';
    super(`timed out after ${timeoutMs / 1000} s of AWS time${seen}`, {
      cause: options?.cause,
      code: ErrorCode.TIMEOUT,
    });
    this.name = 'StepTimeoutError';
    this.stepId = stepId;
    this.timeoutMs = timeoutMs;
  }
}

/** Thrown by a step to stop retries at once, whatever the retry policy says. */
export class NonRetryableError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.NON_RETRYABLE });
    this.name = 'NonRetryableError';
  }
}

/** The abort reason of a step interrupted by SIGINT/SIGTERM. */
export class InterruptedError extends EngineError {
  constructor(message = 'interrupted', options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.INTERRUPTED });
    this.name = 'InterruptedError';
  }
}

/** Thrown when a target (emulator, endpoint, AWS) cannot be prepared. */
export class TargetError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.TARGET });
    this.name = 'TargetError';
  }
}

/**
 * Thrown when the journal cannot be written (a full disk, an I/O error, a deleted run folder):
 * the run stops going forward and compensates from what it holds in memory.
 */
export class JournalError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.JOURNAL });
    this.name = 'JournalError';
  }
}

/** One checked objective or assertion, as an {@link ObjectiveBreachedError} carries it. */
export interface BreachedVerdict {
  name: string;
  /** The printed verdict, e.g. `replication 2.4 s ≤ 2 s: FAIL`. */
  line: string;
  actual: unknown;
  limit: unknown;
}

/**
 * An objective or `assert` that did not hold: the drill ran, and proved the system misses its
 * target. Not an engine failure: the CLI exits 4 for it (after compensation), not 1.
 */
export class ObjectiveBreachedError extends EngineError {
  readonly verdicts: BreachedVerdict[];
  constructor(verdicts: BreachedVerdict[], options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? verdicts.map((v) => v.line).join('\n'), { cause: options?.cause, code: ErrorCode.OBJECTIVE_BREACHED });
    this.name = 'ObjectiveBreachedError';
    this.verdicts = verdicts;
  }
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A plain-data view of an error, as the journal and reports keep it. */
export interface ErrorRecord {
  name: string;
  code?: string;
  message: string;
  cause?: ErrorRecord;
}

/** Converts anything thrown into an {@link ErrorRecord} (cause chain kept, depth-limited). */
export function toErrorRecord(error: unknown, depth = 0): ErrorRecord {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  const record: ErrorRecord = { name: error.name, message: error.message };
  if (typeof code === 'string') record.code = code;
  if (error.cause !== undefined && depth < 3) record.cause = toErrorRecord(error.cause, depth + 1);
  return record;
}
