/**
 * Errors the drill's Lambda handlers throw. Each carries a stable `code`;
 * callers (tests, the emulator's invoke path) branch on `code`, never on text.
 *
 * Only failures that must fail the *invocation* are errors: API handlers turn
 * request and database problems into HTTP responses instead.
 */
export const LambdaErrorCode = {
  /** A required environment variable is missing or empty. */
  MissingConfig: 'MissingConfig',
  /** A stream record cannot be replicated as delivered (e.g. no NewImage). */
  UnreplicableRecord: 'UnreplicableRecord',
  /** The write to the standby table failed; the batch must be retried. */
  ReplicationFailed: 'ReplicationFailed',
  /** esbuild could not bundle a handler, or the name is not a known handler. */
  BuildFailed: 'BuildFailed',
} as const;
export type LambdaErrorCode = (typeof LambdaErrorCode)[keyof typeof LambdaErrorCode];

export class LambdaError extends Error {
  readonly code: LambdaErrorCode;

  constructor(code: LambdaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LambdaError';
    this.code = code;
  }
}

/** One log line for any thrown value: `Name: message` for errors. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
