import { randomUUID } from 'node:crypto';
import type { FaultRegistry } from './faults.ts';
import { compileTemplate, type CompiledTemplate } from './protocol/pathTemplate.ts';
import { parseJsonBody, stringifyAws } from './protocol/json.ts';
import { parseXmlInput, renderXml, renderXmlError } from './protocol/restXml.ts';
import { ServiceError, notImplemented } from './protocol/ServiceError.ts';
import {
  ACCOUNT_ID,
  DEFAULT_REGION,
  type EmulatorRequest,
  type EmulatorResponse,
  type Operation,
  type OperationInput,
  type OperationOutput,
  type RawRoute,
  type RequestContext,
  type ServiceDescriptor,
} from './types.ts';

/**
 * The one HTTP entry of the emulator. Order, as LocalStack's chain: raw routes (execute-api,
 * health) → service from the SigV4 credential scope, then `X-Amz-Target`, then path → region
 * from the credential scope → operation → fault check → handler → serialise in the service's
 * protocol. Any failure comes back in that protocol's error envelope.
 */
export class Gateway {
  private readonly services: ServiceDescriptor[] = [];
  private readonly rawRoutes: RawRoute[] = [];
  private readonly restRoutes = new Map<ServiceDescriptor, { op: Operation; method: string; template: CompiledTemplate }[]>();

  constructor(
    private readonly faults: FaultRegistry,
    private readonly log: (line: string) => void,
  ) {}

  addService(descriptor: ServiceDescriptor): void {
    this.services.push(descriptor);
    if (descriptor.protocol !== 'awsJson') {
      const routes = descriptor.operations
        .filter((op) => op.http)
        .map((op) => ({ op, method: op.http!.method.toUpperCase(), template: compileTemplate(op.http!.path) }))
        .sort((a, b) => b.template.specificity - a.template.specificity);
      this.restRoutes.set(descriptor, routes);
    }
  }

  addRawRoute(route: RawRoute): void {
    this.rawRoutes.push(route);
  }

  serviceNames(): string[] {
    return this.services.map((s) => s.name);
  }

  async handle(req: EmulatorRequest, signal: AbortSignal): Promise<EmulatorResponse> {
    const started = performance.now();
    const requestId = randomUUID();
    let label = `${req.method} ${req.path}`;
    let response: EmulatorResponse;
    try {
      const raw = this.rawRoutes.find((r) => r.matches(req));
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
          label = `${service.name} ${r.operation}`;
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
  reject(req: EmulatorRequest, error: ServiceError): EmulatorResponse {
    const requestId = randomUUID();
    const service = this.detectService(req);
    const response: EmulatorResponse = service
      ? renderError(service, error, requestId)
      : {
          status: error.status,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
          body: JSON.stringify({ __type: error.code, message: error.message }),
        };
    response.headers['x-amzn-requestid'] ??= requestId;
    this.log(`${service ? `${service.name} ?` : `${req.method} ${req.path}`} ${response.status} ${error.code}`);
    return response;
  }

  private detectService(req: EmulatorRequest): ServiceDescriptor | undefined {
    const scope = credentialScope(req);
    const target = req.headers['x-amz-target'];
    const prefix = target?.split('.')[0];
    let candidates = scope ? this.services.filter((s) => s.signingNames.includes(scope.service)) : [];
    if (candidates.length > 1 && prefix) {
      const byTarget = candidates.filter((s) => s.targetPrefix === prefix);
      if (byTarget.length > 0) candidates = byTarget;
    }
    if (candidates.length === 0 && prefix) candidates = this.services.filter((s) => s.targetPrefix === prefix);
    if (candidates.length === 0) {
      candidates = this.services.filter((s) => s.pathPrefixes?.some((p) => req.path.startsWith(p)));
    }
    return candidates[0];
  }

  private async dispatch(
    service: ServiceDescriptor,
    req: EmulatorRequest,
    requestId: string,
    signal: AbortSignal,
  ): Promise<{ operation: string; response: EmulatorResponse }> {
    const region = service.regional === false ? 'global' : credentialScope(req)?.region || DEFAULT_REGION;
    let operation = '?';
    try {
      const found = this.findOperation(service, req);
      operation = found.name;
      const ctx: RequestContext = {
        service: service.name,
        operation,
        region,
        accountId: ACCOUNT_ID,
        requestId,
        request: req,
        response: { headers: {} },
        signal,
      };
      const input = this.parseInput(service, req, found.op, found.params);
      // Route 53 is global; its faults are keyed by whatever region the caller signed with.
      await this.faults.check({ service: service.name, operation, region: credentialScope(req)?.region ?? DEFAULT_REGION }, signal);
      let output: OperationOutput;
      if (found.op) output = await found.op.handler(input, ctx);
      else if (service.fallback) output = await service.fallback(operation, input, ctx);
      else throw notImplemented(service.name, operation);
      return { operation, response: this.renderOutput(service, found.op, output, ctx) };
    } catch (err) {
      const serviceError =
        err instanceof ServiceError
          ? err
          : new ServiceError('InternalFailure', `Internal error in ${service.name} ${operation}: ${(err as Error)?.message ?? err}`, {
              status: 500,
              cause: err,
            });
      if (!(err instanceof ServiceError)) this.log(`${service.name} ${operation} crashed: ${(err as Error)?.stack ?? err}`);
      return { operation, response: renderError(service, serviceError, requestId) };
    }
  }

  private findOperation(
    service: ServiceDescriptor,
    req: EmulatorRequest,
  ): { name: string; op?: Operation; params: Record<string, string> } {
    if (service.protocol === 'awsJson') {
      const target = req.headers['x-amz-target'] ?? '';
      const [prefix, name] = target.split('.');
      if (!name || (service.targetPrefix && prefix !== service.targetPrefix)) {
        throw new ServiceError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`, { status: 400 });
      }
      return { name, op: service.operations.find((o) => o.name === name), params: {} };
    }
    const routes = this.restRoutes.get(service) ?? [];
    let pathMatched = false;
    for (const route of routes) {
      const params = route.template.match(req.path);
      if (!params) continue;
      pathMatched = true;
      if (route.method === req.method.toUpperCase()) return { name: route.op.name, op: route.op, params };
    }
    const name = `${req.method.toUpperCase()} ${req.path}`;
    if (pathMatched) {
      throw new ServiceError('MethodNotAllowedException', `Method ${req.method} is not allowed on ${req.path}`, { status: 405 });
    }
    throw notImplemented(service.name, name);
  }

  private parseInput(
    service: ServiceDescriptor,
    req: EmulatorRequest,
    op: Operation | undefined,
    params: Record<string, string>,
  ): OperationInput {
    switch (service.protocol) {
      case 'awsJson':
        return parseJsonBody(req.body, 'SerializationException');
      case 'restXml':
        return { ...parseXmlInput(req.body, service.xmlListTags ?? []), ...params };
      case 'restJson': {
        const type = req.headers['content-type'] ?? '';
        const wantsJson = !op?.rawBody && req.body.length > 0 && (type === '' || type.includes('json'));
        const body = wantsJson ? parseJsonBody(req.body, 'SerializationException') : {};
        return { ...body, ...params };
      }
    }
  }

  private renderOutput(
    service: ServiceDescriptor,
    op: Operation | undefined,
    output: OperationOutput,
    ctx: RequestContext,
  ): EmulatorResponse {
    const status = ctx.response.status ?? op?.http?.status ?? 200;
    const headers = { ...ctx.response.headers };
    if (output === undefined) return { status, headers, body: '' };
    if (output instanceof Uint8Array) return { status, headers, body: Buffer.from(output) };
    switch (service.protocol) {
      case 'awsJson':
        return { status, headers: { 'content-type': 'application/x-amz-json-1.0', ...headers }, body: stringifyAws(output) };
      case 'restJson':
        return { status, headers: { 'content-type': 'application/json', ...headers }, body: stringifyAws(output) };
      case 'restXml':
        return {
          status,
          headers: { 'content-type': 'text/xml', ...headers },
          body: renderXml(`${ctx.operation}Response`, service.xmlNamespace ?? '', output),
        };
    }
  }
}

/** Renders a ServiceError in the service's protocol envelope. */
export function renderError(service: ServiceDescriptor, err: ServiceError, requestId: string): EmulatorResponse {
  switch (service.protocol) {
    case 'restXml':
      return renderXmlError(err, service.xmlNamespace ?? '', requestId);
    case 'awsJson': {
      const type = service.errorTypePrefix ? `${service.errorTypePrefix}#${err.code}` : err.code;
      return {
        status: err.status,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ __type: type, message: err.message, ...err.extra }),
      };
    }
    case 'restJson': {
      const body =
        service.jsonErrorStyle === 'lambda'
          ? { Type: err.senderFault ? 'User' : 'Service', Message: err.message, ...err.extra }
          : { message: err.message, ...err.extra };
      return {
        status: err.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
        body: JSON.stringify(body),
      };
    }
  }
}

/** Region and signing name from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request`. */
export function credentialScope(req: EmulatorRequest): { region: string; service: string } | undefined {
  const auth = req.headers['authorization'];
  const credential = auth ? /Credential=([^,\s]+)/.exec(auth)?.[1] : req.query.get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const parts = credential.split('/');
  if (parts.length < 5) return undefined;
  return { region: parts[2]!, service: parts[3]! };
}
