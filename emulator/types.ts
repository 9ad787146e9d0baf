import type { EmulatorClock } from './clock.ts';
import type { EmulationModel } from './model.ts';
import type { FaultRegistry } from './faults.ts';

/**
 * Types shared by the gateway, the protocol layers and the emulated services.
 *
 * A service is a factory `(runtime) => EmulatedService`, listed once in `services.ts`. Its
 * operations receive parsed input and return plain output in AWS casing; they never see HTTP.
 */

export const ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

/** An HTTP request as the gateway hands it on: headers lower-cased, body fully read. */
export interface EmulatorRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the consumer. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  remoteAddress?: string;
}

export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Per-request context handed to an operation. */
export interface RequestContext {
  service: string;
  operation: string;
  /** From the SigV4 credential scope; DEFAULT_REGION when absent. Ignored by global services. */
  region: string;
  accountId: string;
  requestId: string;
  request: EmulatorRequest;
  /** Mutable: an operation may set a non-default status or extra headers (e.g. Location). */
  response: { status?: number; headers: Record<string, string> };
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/**
 * Input of an operation: for rest protocols the path parameters, then the parsed body
 * (JSON object, or the XML request element's children), merged; for awsJson the JSON body.
 * Query parameters stay in `ctx.request.query` because their wire names differ from the model.
 */
export type OperationInput = Record<string, unknown>;

/** An operation's result: a JSON/XML-serialisable object, raw bytes, or nothing (empty body). */
export type OperationOutput = Record<string, unknown> | Buffer | Uint8Array | undefined | void;

export interface Operation {
  /** AWS operation name, verbatim (`ChangeResourceRecordSets`). */
  name: string;
  /** rest protocols: method and path template, `{Name}` for a segment, `{Name+}` for the rest. */
  http?: { method: string; path: string; status?: number };
  /** restJson: hand the body over untouched in `ctx.request.body` (Lambda Invoke payloads). */
  rawBody?: boolean;
  handler(input: OperationInput, ctx: RequestContext): Promise<OperationOutput> | OperationOutput;
}

export type Protocol = 'restXml' | 'restJson' | 'awsJson';

/** A request the gateway hands to a service before any protocol parsing (execute-api, health). */
export interface RawRoute {
  name: string;
  matches(req: EmulatorRequest): boolean;
  handle(req: EmulatorRequest, signal: AbortSignal): Promise<EmulatorResponse>;
}

export interface ServiceDescriptor {
  /** Emulator name of the service, also the key in fault rules (`route53`, `lambda`, ...). */
  name: string;
  /** SigV4 signing names that select this service (DynamoDB and Streams share `dynamodb`). */
  signingNames: string[];
  protocol: Protocol;
  /** awsJson: `X-Amz-Target` prefix (`DynamoDB_20120810`). */
  targetPrefix?: string;
  /** awsJson: prefix of `__type` in errors (`com.amazonaws.dynamodb.v20120810`). */
  errorTypePrefix?: string;
  /** restXml: the namespace of responses. */
  xmlNamespace?: string;
  /** restXml: element names that are always lists when parsing requests. */
  xmlListTags?: string[];
  /** restJson: error body style; Lambda uses `{Type, Message}`, others `{message}`. */
  jsonErrorStyle?: 'message' | 'lambda';
  /** Path prefixes that identify the service when a request is unsigned. */
  pathPrefixes?: string[];
  /** False for global services (Route 53): region is then ignored. Default true. */
  regional?: boolean;
  operations: Operation[];
  /** awsJson: called for a target operation not in `operations` (e.g. forwarded to dynalite). */
  fallback?(operation: string, input: OperationInput, ctx: RequestContext): Promise<OperationOutput>;
}

/** What every service gets from the emulator: the clock, the faults, other services' APIs. */
export interface EmulatorRuntime {
  readonly clock: EmulatorClock;
  /** Modelled AWS delays (emulator/model.ts). */
  readonly model: EmulationModel;
  readonly faults: FaultRegistry;
  readonly accountId: string;
  /** Where the gateway listens, e.g. `http://127.0.0.1:4566`. Valid once the server is up. */
  endpoint(): string;
  /** The gateway's host and port (the port a health check on an execute-api host must use). */
  address(): { host: string; port: number };
  /** The DNS server's address. Valid once it is up. */
  dnsAddress(): { host: string; port: number };
  /** Another service's internal API, registered by its factory under its name. */
  api<T>(service: string): T;
  log(line: string): void;
}

/** What a service factory returns. */
export interface EmulatedService {
  descriptor?: ServiceDescriptor;
  /** Internal API for other services (e.g. Lambda's invoke for API Gateway). */
  api?: unknown;
  rawRoutes?: RawRoute[];
  /** Called after the gateway and DNS server listen. */
  start?(): Promise<void> | void;
  /** Forget all state (tests). */
  reset?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export type ServiceFactory = (runtime: EmulatorRuntime) => EmulatedService;
