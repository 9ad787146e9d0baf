import type { FaultRegistry } from './faults.ts';
import { RawReply, type OperationOutput, type RequestContext } from './operation.ts';
import type { Protocol } from './protocol/index.ts';
import { ServiceError, notImplemented } from './protocol/ServiceError.ts';
import { requestId as newRequestId } from './requestId.ts';
import { ACCOUNT_ID, DEFAULT_REGION, type EmulatorRequest, type EmulatorResponse, type RawRoute, type ServiceDescriptor } from './types.ts';

/** A registered service with the protocol object built from its settings. */
interface Service {
  descriptor: ServiceDescriptor;
  protocol: Protocol;
}

/**
 * The one HTTP entry of the emulator. Order, as LocalStack's chain: raw routes (execute-api,
 * health) → service from the SigV4 credential scope, then the protocol's own claim
 * (`X-Amz-Target`), then path → region from the credential scope → the service's Protocol
 * routes and parses → one fault check as `{service, operation, region, resource}` → handler →
 * the Protocol serialises. Any failure comes back in that protocol's error envelope. Nothing
 * here depends on which protocols exist (see `protocol/index.ts`).
 */
export class Gateway {
  private readonly services: Service[] = [];
  private readonly rawRoutes: RawRoute[] = [];
  /** Settles once the services are registered; until then requests for them wait (see holdUntil). */
  private held: Promise<void> | undefined;

  constructor(
    private readonly faults: FaultRegistry,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * `protocol` is made by `createProtocol(descriptor.protocol, descriptor)` (protocol/index.ts),
   * which the caller imports: the protocols' code (and the XML codec) loads with the services,
   * not before the server listens.
   */
  addService(descriptor: ServiceDescriptor, protocol: Protocol): void {
    this.services.push({ descriptor, protocol });
  }

  addRawRoute(route: RawRoute): void {
    this.rawRoutes.push(route);
  }

  /**
   * Requests that no raw route registered so far takes wait until `loading` settles: the
   * services are loaded after the server listens, and a request that arrives first is answered
   * once they are, as it would be later (LocalStack also starts a service on its first request).
   */
  holdUntil(loading: Promise<unknown>): void {
    const settled = () => {
      if (this.held === held) this.held = undefined;
    };
    const held = loading.then(settled, settled);
    this.held = held;
  }

  serviceNames(): string[] {
    return this.services.map((s) => s.descriptor.name);
  }

  async handle(req: EmulatorRequest, signal: AbortSignal): Promise<EmulatorResponse> {
    const started = performance.now();
    const requestId = newRequestId();
    let label = `${req.method} ${req.path}`;
    let response: EmulatorResponse;
    try {
      let raw = this.rawRoutes.find((r) => r.matches(req));
      if (!raw && this.held) {
        await this.held;
        raw = this.rawRoutes.find((r) => r.matches(req));
      }
      if (raw) {
        label = raw.name;
        response = await raw.handle(req, signal);
      } else {
        const service = this.detectService(req);
        if (!service) {
          response = {
            status: 404,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ message: `No emulated AWS service matches ${req.method} ${req.path}` }),
          };
        } else {
          const r = await this.dispatch(service, req, requestId, signal);
          label = `${service.descriptor.name} ${r.operation}`;
          response = r.response;
        }
      }
    } catch (err) {
      response = {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: `Internal emulator error: ${(err as Error).message}` }),
      };
    }
    response.headers['x-amzn-requestid'] ??= requestId;
    this.log(`${label} ${response.status} ${(performance.now() - started).toFixed(1)}ms`);
    return response;
  }

  /**
   * Answers a request refused before dispatch (a body over the size limit) with `error`, in
   * the envelope of the service the request was meant for, or plain JSON if none matches.
   */
  async reject(req: EmulatorRequest, error: ServiceError): Promise<EmulatorResponse> {
    await this.held;
    const requestId = newRequestId();
    const service = this.detectService(req);
    const response: EmulatorResponse = service
      ? service.protocol.serializeError(error, requestId)
      : {
          status: error.status,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
          body: JSON.stringify({ __type: error.code, message: error.message }),
        };
    response.headers['x-amzn-requestid'] ??= requestId;
    this.log(`${service ? `${service.descriptor.name} ?` : `${req.method} ${req.path}`} ${response.status} ${error.code}`);
    return response;
  }

  /** By signing name, then the protocol's own claim (`X-Amz-Target`), then the path prefix of unsigned requests. */
  private detectService(req: EmulatorRequest): Service | undefined {
    const scope = credentialScope(req);
    let candidates = scope ? this.services.filter((s) => s.descriptor.signingNames.includes(scope.service)) : [];
    if (candidates.length > 1) {
      const claimed = candidates.filter((s) => s.protocol.claims(req));
      if (claimed.length > 0) candidates = claimed;
    }
    if (candidates.length === 0) candidates = this.services.filter((s) => s.protocol.claims(req));
    if (candidates.length === 0) {
      candidates = this.services.filter((s) => s.descriptor.pathPrefixes?.some((p) => req.path.startsWith(p)));
    }
    return candidates[0];
  }

  /** Route → parse → one fault check → handler (or fallback, or 501) → serialise, all in the service's protocol. */
  private async dispatch(
    { descriptor, protocol }: Service,
    req: EmulatorRequest,
    requestId: string,
    signal: AbortSignal,
  ): Promise<{ operation: string; response: EmulatorResponse }> {
    // Route 53 is global; its faults are keyed by whatever region the caller signed with.
    const signedRegion = credentialScope(req)?.region || DEFAULT_REGION;
    let operation = '?';
    try {
      const route = protocol.route(req);
      operation = route.name;
      const input = protocol.parse(req, route);
      const ctx: RequestContext = {
        service: descriptor.name,
        operation,
        region: descriptor.regional === false ? 'global' : signedRegion,
        accountId: ACCOUNT_ID,
        requestId,
        rawBody: req.body,
        faults: [],
        signal,
      };
      const resource = route.op?.resource?.(input, ctx);
      const call = { service: descriptor.name, operation, region: resource?.region ?? signedRegion, resource: resource?.arn };
      ctx.faults = await this.faults.check(call, signal);
      let output: OperationOutput;
      if (route.op) output = await route.op.handler(input, ctx);
      else if (descriptor.fallback) output = await descriptor.fallback(operation, input, ctx);
      else throw notImplemented(descriptor.name, operation);
      if (output instanceof RawReply)
        return { operation, response: { status: output.status, headers: { ...output.headers }, body: output.body } };
      return { operation, response: protocol.serialize(output ?? undefined, route, ctx) };
    } catch (err) {
      if (!(err instanceof ServiceError)) this.log(`${descriptor.name} ${operation} crashed: ${(err as Error)?.stack ?? err}`);
      const serviceError =
        err instanceof ServiceError
          ? err
          : new ServiceError('InternalFailure', `Internal error in ${descriptor.name} ${operation}: ${(err as Error)?.message ?? err}`, {
              status: 500,
              cause: err,
            });
      return { operation, response: protocol.serializeError(serviceError, requestId) };
    }
  }
}

/** Region and signing name from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request`. */
export function credentialScope(req: EmulatorRequest): { region: string; service: string } | undefined {
  const auth = req.headers['authorization'];
  const credential = auth ? /Credential=([^,\s]+)/.exec(auth)?.[1] : (req.query.get('X-Amz-Credential') ?? undefined);
  if (!credential) return undefined;
  const parts = credential.split('/');
  if (parts.length < 5) return undefined;
  return { region: parts[2]!, service: parts[3]! };
}
