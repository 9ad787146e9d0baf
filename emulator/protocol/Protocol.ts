import type { EmulatorRequest, EmulatorResponse } from '../types.ts';
import type { Operation, OperationInput, RequestContext } from '../operation.ts';
import type { ServiceError } from './ServiceError.ts';

/**
 * One AWS wire protocol (awsJson, restJson, restXml, query), as LocalStack's per-protocol
 * request parsers and response serialisers are. The gateway finds a service, then leaves every
 * protocol question to its Protocol: which operation a request names, what its input is, and
 * how an output or an error looks on the wire.
 */
export interface Protocol {
  /** Whether a request names this service in the protocol's own way (awsJson: the `X-Amz-Target` prefix). */
  claims(req: EmulatorRequest): boolean;
  /** The operation a request names; throws the protocol's routing errors (unknown target, 405, 501). */
  route(req: EmulatorRequest): Route;
  /** The operation's input, from path, bound query parameters and headers, and body. */
  parse(req: EmulatorRequest, route: Route): OperationInput;
  /** A successful output (a plain object, or nothing for an empty body). */
  serialize(output: Record<string, unknown> | undefined, route: Route, ctx: RequestContext): EmulatorResponse;
  serializeError(err: ServiceError, requestId: string): EmulatorResponse;
}

/** The operation a request names. `op` is undefined for a name the service does not list (its fallback or a 501). */
export interface Route {
  name: string;
  op?: Operation;
  /** Path parameters (rest protocols). */
  params: Record<string, string>;
}

/** What a protocol is built from: its settings and the service it speaks for. */
export interface ProtocolService {
  name: string;
  operations: readonly Operation[];
}
