import { Type, type Static } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { NonRetryableError } from '../engine/errors.ts';
import { ExpectationFailedError } from './support/errors.ts';
import { sendHttpRequest } from './support/httpRequest.ts';
import { StringMap } from './support/schema.ts';
import { resolveName } from './support/targetDns.ts';

const fetchOutputs = Type.Object({
  status: Type.Integer({ description: 'HTTP status.' }),
  body: Type.String({ description: 'Response body.' }),
  resolvedHost: Type.String({ description: 'Last name of the CNAME chain (the host that served).' }),
  cnameChain: Type.Array(Type.String(), { description: 'CNAME targets followed.' }),
  address: Type.String({ description: 'Address connected to.' }),
  apiId: Type.Optional(Type.String({ description: 'API id when the host is <apiId>.execute-api.….' })),
  servedRegion: Type.Optional(Type.String({ description: 'The x-served-region response header (get-product sets it).' })),
  url: Type.String({ description: 'URL requested, with the resolved host.' }),
});

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
export default defineStep({
  type: 'fetchProduct',
  effects: () => [],
  description:
    "Resolve a name through the target's DNS (CNAME chain) and GET a path from the host it points at, like the tutorial's dns-resolver.py.",
  params: Type.Object(
    {
      name: Type.String({ minLength: 1, description: 'Name to resolve, e.g. test.hello-localstack.com.' }),
      path: Type.String({ pattern: '^/', description: 'Path on the resolved host, e.g. /dev/productApi.' }),
      query: Default(StringMap({ description: 'Query parameters, e.g. {id: prod-1088}.' }), {}),
      port: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 65535, description: "Port to connect to. Default: the target's port (443 on AWS)." }),
      ),
      expectStatus: Default(Type.Integer({ minimum: 100, maximum: 599, description: 'Expected HTTP status.' }), 200),
      expectBody: Type.Optional(Type.String({ description: 'Expected body, byte for byte.' })),
      expectServedRegion: Type.Optional(
        Type.String({ minLength: 1, description: 'Expected x-served-region header, e.g. eu-central-1 after failover.' }),
      ),
    },
    { additionalProperties: false },
  ),
  outputs: fetchOutputs,
  async run(params, ctx) {
    const aws = ctx.target.kind === 'aws';
    const port = params.port ?? (aws ? 443 : Number(ctx.target.values.port));
    if (!Number.isInteger(port) || port <= 0) throw new NonRetryableError('fetchProduct: no port given and the target has none');
    const search = new URLSearchParams(params.query).toString();
    const requested = `${aws ? 'https' : 'http'}://${params.name}:${port}${params.path}${search ? `?${search}` : ''}`;
    // The request goes to the CNAME target, as dns-resolver.py builds its URL from the answer.
    const resolved = await resolveName(ctx.target, params.name, ctx.signal);
    const url = new URL(requested);
    url.hostname = resolved.host;
    const response = await sendHttpRequest(ctx.target, { url: url.toString(), signal: ctx.signal, resolved });
    const apiId = /^([^.]+)\.execute-api\./.exec(resolved.host)?.[1];
    const outputs: Static<typeof fetchOutputs> = {
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
      response.status !== params.expectStatus ? `status ${response.status}, expected ${params.expectStatus}` : undefined,
      params.expectBody !== undefined && response.body !== params.expectBody
        ? `body ${truncate(response.body)}, expected ${truncate(params.expectBody)}`
        : undefined,
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
