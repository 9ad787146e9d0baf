/**
 * The one error type an emulated operation throws. The protocol layer renders it in the
 * service's own envelope (Route 53 `<ErrorResponse>`, restJson `x-amzn-ErrorType`, awsJson
 * `__type`), so providers never build error bodies by hand.
 *
 * @example
 * throw new ServiceError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, { status: 404 });
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  /** `Sender` (the caller's fault, 4xx) or `Receiver` (ours, 5xx), as Route 53 reports it. */
  readonly senderFault: boolean;
  /** Extra fields merged into JSON error bodies (e.g. Lambda's `Type`). */
  readonly extra?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; senderFault?: boolean; cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ServiceError';
    this.code = code;
    this.status = options.status ?? 400;
    this.senderFault = options.senderFault ?? this.status < 500;
    this.extra = options.extra;
  }
}

/** 501 for an operation the emulator does not implement: gaps are explicit, never an empty 200. */
export function notImplemented(service: string, operation: string): ServiceError {
  return new ServiceError('InternalFailure', `The operation '${operation}' of service '${service}' is not implemented by this emulator`, {
    status: 501,
    senderFault: false,
  });
}
