import type { HttpBinding, OperationInput } from '../operation.ts';
import type { EmulatorRequest } from '../types.ts';

/**
 * The members an operation's HTTP binding takes from outside the document: bound query
 * parameters, bound headers, and the raw body when it is the payload. Absent ones are left out.
 */
export function boundInput(req: EmulatorRequest, http: HttpBinding | undefined): OperationInput {
  const input: OperationInput = {};
  if (!http) return input;
  for (const [wire, member] of Object.entries(http.query ?? {})) {
    if (typeof member === 'string') {
      const value = req.query.get(wire);
      if (value !== null) input[member] = value;
    } else if (req.query.has(wire)) {
      input[member.list] = req.query.getAll(wire);
    }
  }
  for (const [wire, member] of Object.entries(http.headers ?? {})) {
    const value = req.headers[wire];
    if (value !== undefined) input[member] = value;
  }
  if (http.payload) input[http.payload] = req.body;
  return input;
}

/** An output split by its binding: status, headers, and either a raw payload or the document. */
export interface BoundOutput {
  status: number;
  headers: Record<string, string>;
  /** Set when the output binding names a payload member: its bytes, or empty when it is undefined. */
  payload?: Buffer;
  document: Record<string, unknown>;
}

export function bindOutput(output: Record<string, unknown>, http: HttpBinding | undefined): BoundOutput {
  const binding = http?.output;
  const document = { ...output };
  const headers: Record<string, string> = {};
  let status = http?.status ?? 200;
  if (binding?.status !== undefined) {
    const value = document[binding.status];
    delete document[binding.status];
    if (typeof value === 'number') status = value;
  }
  for (const [wire, member] of Object.entries(binding?.headers ?? {})) {
    const value = document[member];
    delete document[member];
    if (value !== undefined) headers[wire] = String(value);
  }
  if (binding?.payload !== undefined) {
    const value = document[binding.payload];
    delete document[binding.payload];
    if (!(value instanceof Uint8Array)) return { status, headers, payload: Buffer.alloc(0), document };
    if (binding.contentType) headers['content-type'] = binding.contentType;
    return { status, headers, payload: Buffer.from(value), document };
  }
  return { status, headers, document };
}
