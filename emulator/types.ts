import type { EmulatorClock } from './clock.ts';
import type { DynamoDbApi } from './dynamodb/api.ts';
import type { EmulationModel } from './model.ts';
import type { FaultRegistry } from './faults.ts';
import type { LambdaServiceApi } from './lambda/api.ts';
import type { Operation, OperationInput, OperationOutput, RequestContext } from './operation.ts';
import type { ProtocolSettings } from './protocol/index.ts';
import type { Route53Api } from './route53/api.ts';

/**
 * Types shared by the gateway, the protocol layers and the emulated services.
 *
 * A service is a factory `(runtime) => EmulatedService`, listed once in `services.ts`. Its
 * operations (`operation.ts`) receive parsed input and return plain output in AWS casing;
 * they never see HTTP.
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

export {
  defineOperation,
  RawReply,
  type BoundInput,
  type HttpBinding,
  type Operation,
  type OperationInput,
  type OperationOutput,
  type OutputBinding,
  type PathLabels,
  type RequestContext,
} from './operation.ts';

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
  /** The wire protocol and its settings, e.g. `{ name: 'restXml', xmlNamespace }`. */
  protocol: ProtocolSettings;
  /** Path prefixes that identify the service when a request is unsigned. */
  pathPrefixes?: string[];
  /** False for global services (Route 53): region is then ignored. Default true. */
  regional?: boolean;
  operations: Operation[];
  /** Called for an operation name not in `operations` (DynamoDB forwards it to dynalite). */
  fallback?(operation: string, input: OperationInput, ctx: RequestContext): Promise<OperationOutput>;
}

/**
 * The internal APIs services offer each other, by the name their factory is listed under in
 * `services.ts`. A service that offers one adds a line here, so `runtime.api(name)` is checked.
 */
export interface ServiceApis {
  route53: Route53Api;
  lambda: LambdaServiceApi;
  dynamodb: DynamoDbApi;
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
  api<K extends keyof ServiceApis>(service: K): ServiceApis[K];
  log(line: string): void;
}

/** What a service factory returns; `A` is the internal API it offers (its `ServiceApis` entry). */
export interface EmulatedService<A = unknown> {
  descriptor?: ServiceDescriptor;
  /** Internal API for other services (e.g. Lambda's invoke for API Gateway). */
  api?: A;
  rawRoutes?: RawRoute[];
  /** Called after the gateway and DNS server listen. */
  start?(): Promise<void> | void;
  /** Forget all state (tests). */
  reset?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export type ServiceFactory<A = unknown> = (runtime: EmulatorRuntime) => EmulatedService<A>;
