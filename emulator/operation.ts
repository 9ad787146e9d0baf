import type { ServiceFaultRule } from './faults.ts';

/**
 * What an emulated operation is: a name, its HTTP bindings (rest protocols), the resource it
 * acts on (for fault rules), and a handler from typed input to output. Handlers never see HTTP:
 * the protocol (`protocol/`) moves members between the wire and the model.
 */

/** Per-request context handed to an operation. */
export interface RequestContext {
  service: string;
  operation: string;
  /** From the SigV4 credential scope; DEFAULT_REGION when absent; `global` for global services. */
  region: string;
  accountId: string;
  requestId: string;
  /**
   * The request body exactly as received, for a service that forwards a request whole
   * (DynamoDB hands it to dynalite, so that dynalite's own validation sees the caller's bytes).
   */
  rawBody: Buffer;
  /** Fault rules that hit this call and that the service interprets itself (Lambda's function errors). */
  faults: readonly ServiceFaultRule[];
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/**
 * Input of an operation: its members by their model names, gathered by the protocol from the
 * path, the bound query parameters and headers, and the body (JSON object, the XML request
 * element's children, or the query protocol's form fields).
 */
export type OperationInput = Record<string, unknown>;

/**
 * An answer a backend produced whole (DynamoDB relays dynalite's status, body and
 * `x-amz-crc32`), sent as it is whatever the protocol.
 */
export class RawReply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {}
}

/** An operation's result: a serialisable object in AWS casing, a RawReply, or nothing (empty body). */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with nothing to answer just returns; `void` lets it.
export type OperationOutput = Record<string, unknown> | RawReply | undefined | void;

/**
 * Where a rest protocol finds an operation's members on the wire, as Smithy's HTTP binding
 * traits say (`@httpLabel`, `@httpQuery`, `@httpHeader`, `@httpPayload`, `@httpResponseCode`).
 * Wire names map to model member names.
 *
 * @example
 * http: { method: 'GET', path: '/2013-04-01/hostedzone', query: { maxitems: 'MaxItems', marker: 'Marker' } }
 */
export interface HttpBinding {
  method: string;
  /** `{Name}` for one segment, `{Name+}` for the rest of the path; each becomes the member `Name`. */
  path: string;
  /** Query parameter → member; `{ list: 'TagKeys' }` collects every value of a repeated parameter. */
  query?: Record<string, string | { list: string }>;
  /** Request header (lower case) → member. */
  headers?: Record<string, string>;
  /** The request body is this member, as raw bytes, unparsed (Lambda Invoke's `Payload`). */
  payload?: string;
  /** restXml: request element names that are lists even when one element is sent. */
  listTags?: readonly string[];
  /** Status of a successful answer; default 200. */
  status?: number;
  /** Output members that go to the status line, headers or raw body instead of the document. */
  output?: OutputBinding;
}

export interface OutputBinding {
  /** Member whose value is the response status (Lambda Invoke's `StatusCode`). */
  status?: string;
  /** Response header (lower case) → member, e.g. `{ location: 'Location' }`. */
  headers?: Record<string, string>;
  /** The response body is this member's bytes (when defined), sent with `contentType`. */
  payload?: string;
  contentType?: string;
}

/**
 * One emulated operation. `I` types the input: declare it on the handler's parameter
 * (`handler(input: InvokeInput, ctx)`), or let {@link defineOperation} derive the bound members
 * from `http`. What the protocol guarantees: path, query and header
 * members are strings, a payload member is a Buffer, list-bound query members are string[];
 * body members are whatever the caller sent (restXml: strings), so type them `unknown` or
 * check them before trusting a narrower type.
 */
export interface Operation<I extends OperationInput = OperationInput> {
  /** AWS operation name, verbatim (`ChangeResourceRecordSets`). */
  name: string;
  /** rest protocols: where the operation sits and how its members are bound. */
  http?: HttpBinding;
  /**
   * The resource a call acts on, for resource-scoped fault rules, with its own region when
   * that is not the caller's (a function named by an ARN of another region). Must not throw:
   * rejecting malformed input is the handler's job.
   */
  resource?(input: I, ctx: RequestContext): { arn: string; region?: string } | undefined;
  handler(input: I, ctx: RequestContext): Promise<OperationOutput> | OperationOutput;
}

/**
 * The input members an HTTP binding declares, as a type: each `{Name}` / `{Name+}` label of the
 * path a `string`, each bound query parameter an optional `string` (`string[]` for a `list`),
 * each bound header an optional `string`, the payload member a `Buffer`; the body's members stay
 * `unknown` until checked.
 *
 * @example
 * BoundInput<{ method: 'GET'; path: '/restapis/{restApiId}/resources'; query: { embed: { list: 'embed' } } }>
 * // { restApiId: string } & { embed?: string[] } & OperationInput
 */
export type BoundInput<B extends HttpBinding> = PathLabels<B['path']> &
  QueryMembers<B['query']> &
  HeaderMembers<B['headers']> &
  PayloadMember<B['payload']> &
  OperationInput;

/** `{ restApiId: string; resourceId: string }` for `/restapis/{restApiId}/resources/{resourceId}`; a `?literal` query suffix is not a label. */
export type PathLabels<P extends string> = string extends P ? OperationInput : LabelsOf<P extends `${infer Path}?${string}` ? Path : P>;
type LabelsOf<P extends string> = P extends `${string}{${infer Label}}${infer Rest}`
  ? { [K in Label extends `${infer Greedy}+` ? Greedy : Label]: string } & LabelsOf<Rest>
  : Record<never, never>;

type QueryMembers<Q> = {
  [K in keyof Q as Q[K] extends string ? Q[K] : Q[K] extends { list: infer L extends string } ? L : never]?: Q[K] extends string
    ? string
    : string[];
};
type PayloadMember<P> = P extends string ? { [K in P]: Buffer } : Record<never, never>;
type HeaderMembers<H> = { [K in keyof H as H[K] extends string ? H[K] : never]?: string };

/**
 * An operation whose handler's input is typed by its own HTTP binding ({@link BoundInput}): path
 * labels are read as `input.restApiId`, not looked up by name, and a renamed label fails to compile.
 */
export function defineOperation<const B extends HttpBinding>(op: {
  name: string;
  http: B;
  resource?(input: BoundInput<B>, ctx: RequestContext): { arn: string; region?: string } | undefined;
  handler(input: BoundInput<B>, ctx: RequestContext): Promise<OperationOutput> | OperationOutput;
}): Operation<BoundInput<B>> {
  return op;
}
