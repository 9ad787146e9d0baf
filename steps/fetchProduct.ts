import { defineStep } from './define.ts';
import { NonRetryableError } from '../engine/errors.ts';
import { ExpectationFailedError } from './support/errors.ts';
import { sendHttpRequest } from './support/httpRequest.ts';
import { resolveName } from './support/targetDns.ts';

interface FetchProductParams {
  name: string;
  path: string;
  query?: Record<string, string>;
  port?: number;
  expectStatus?: number;
  expectBody?: string;
  expectServedRegion?: string;
}

interface FetchProductOutputs {
  status: number;
  body: string;
  resolvedHost: string;
  cnameChain: string[];
  address: string;
  apiId?: string;
  servedRegion?: string;
  url: string;
}

/**
 * The tutorial's dns-resolver.py: resolve `test.hello-localstack.com` through the target's DNS,
 * follow the CNAME to whichever API Gateway Route 53 points at, and GET the product from it.
 * dnspython keeps the trailing dot (`…localstack.cloud.`), and `requests` sends it in the Host
 * header; here the dot is dropped so API Gateway's host routing sees the plain name. The
 * address comes from the same DNS server (the emulator answers `*.localhost.localstack.cloud`
 * with 127.0.0.1), so nothing depends on public DNS.
 *
 * `servedRegion` is get-product's `x-served-region` header: the region whose function answered.
 * A status or body other than expected fails the step with a retryable error, so `retry:` can
 * ride out a DNS or replication lag.
 */
export default defineStep<FetchProductParams, FetchProductOutputs>({
  type: 'fetchProduct',
  description: 'Resolve a name through the target\'s DNS (CNAME chain) and GET a path from the host it points at, like the tutorial\'s dns-resolver.py.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'path'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name to resolve, e.g. test.hello-localstack.com.' },
      path: { type: 'string', pattern: '^/', description: 'Path on the resolved host, e.g. /dev/productApi.' },
      query: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Query parameters, e.g. {id: prod-1088}.',
      },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port to connect to. Default: the target\'s port (443 on AWS).' },
      expectStatus: { type: 'integer', minimum: 100, maximum: 599, default: 200, description: 'Expected HTTP status.' },
      expectBody: { type: 'string', description: 'Expected body, byte for byte.' },
      expectServedRegion: { type: 'string', minLength: 1, description: 'Expected x-served-region header, e.g. eu-central-1 after failover.' },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      status: { type: 'integer', description: 'HTTP status.' },
      body: { type: 'string', description: 'Response body.' },
      resolvedHost: { type: 'string', description: 'Last name of the CNAME chain (the host that served).' },
      cnameChain: { type: 'array', items: { type: 'string' }, description: 'CNAME targets followed.' },
      address: { type: 'string', description: 'Address connected to.' },
      apiId: { type: 'string', description: 'API id when the host is <apiId>.execute-api.….' },
      servedRegion: { type: 'string', description: 'The x-served-region response header (get-product sets it).' },
      url: { type: 'string', description: 'URL requested, with the resolved host.' },
    },
  },
  async run(params, ctx) {
    const aws = ctx.target.kind === 'aws';
    const port = params.port ?? (aws ? 443 : Number(ctx.target.values.port));
    if (!Number.isInteger(port) || port <= 0) throw new NonRetryableError('fetchProduct: no port given and the target has none');
    const search = new URLSearchParams(params.query ?? {}).toString();
    const requested = `${aws ? 'https' : 'http'}://${params.name}:${port}${params.path}${search ? `?${search}` : ''}`;
    // The request goes to the CNAME target, as dns-resolver.py builds its URL from the answer.
    const resolved = await resolveName(ctx.target, params.name, ctx.signal);
    const url = new URL(requested);
    url.hostname = resolved.host;
    const response = await sendHttpRequest(ctx.target, { url: url.toString(), signal: ctx.signal, resolved });
    const apiId = /^([^.]+)\.execute-api\./.exec(resolved.host)?.[1];
    const outputs: FetchProductOutputs = {
      status: response.status,
      body: response.body,
      resolvedHost: resolved.host,
      cnameChain: resolved.chain,
      address: response.resolved.address,
      ...(apiId ? { apiId } : {}),
      ...(response.headers['x-served-region'] ? { servedRegion: response.headers['x-served-region'] } : {}),
      url: url.toString(),
    };
    const problems = [
      response.status !== (params.expectStatus ?? 200) ? `status ${response.status}, expected ${params.expectStatus ?? 200}` : undefined,
      params.expectBody !== undefined && response.body !== params.expectBody ? `body ${truncate(response.body)}, expected ${truncate(params.expectBody)}` : undefined,
      params.expectServedRegion !== undefined && outputs.servedRegion !== params.expectServedRegion
        ? `served by ${outputs.servedRegion ?? 'an unknown region'}, expected ${params.expectServedRegion}`
        : undefined,
    ].filter((p): p is string => p !== undefined);
    if (problems.length > 0) {
      throw new ExpectationFailedError(`GET ${outputs.url} (${[params.name, ...resolved.chain].join(' → ')}): ${problems.join('; ')}`, {
        observed: { ...outputs },
      });
    }
    return outputs;
  },
});

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
