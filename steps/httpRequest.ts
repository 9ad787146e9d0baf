import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';
import { ExpectationFailedError } from './support/errors.ts';
import { sendHttpRequest } from './support/httpRequest.ts';
import { AnyValue, Enum, StringMap } from './support/schema.ts';

/**
 * One HTTP request, e.g. the drill's seed POST of prod-1088 to the primary API. Host names are
 * resolved through the target's DNS by default (so `12345.execute-api.localhost.localstack.cloud`
 * and Route 53 names work offline), or through the system's resolver with `resolveVia: system`.
 * An object body is sent as JSON. Without `expectStatus` any 2xx passes; another status fails
 * the step with a retryable error.
 */
export default defineStep({
  type: 'httpRequest',
  effects: (p) =>
    ['GET', 'HEAD', 'OPTIONS'].includes(String(p.method ?? 'GET').toUpperCase())
      ? []
      : [{ action: 'change', resource: `${p.method} ${p.url}`, detail: 'whatever the endpoint does with the request (no rollback)' }],
  description: "Send an HTTP request (host resolved through the target's DNS) and check its status.",
  params: Type.Object(
    {
      url: Type.String({ pattern: '^https?://', description: 'URL, e.g. ${{ steps.primary.outputs.invokeUrl }}/productApi.' }),
      method: Default(Enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], { description: 'HTTP method.' }), 'GET'),
      headers: Default(StringMap({ description: 'Request headers.' }), {}),
      body: Type.Optional(
        AnyValue({ description: 'Request body: a string as is, anything else as JSON (content-type application/json).' }),
      ),
      expectStatus: Type.Optional(
        Type.Unsafe<number | number[]>({
          oneOf: [
            { type: 'integer', minimum: 100, maximum: 599 },
            { type: 'array', minItems: 1, items: { type: 'integer', minimum: 100, maximum: 599 } },
          ],
          description: 'Accepted status(es). Default: any 2xx.',
        }),
      ),
      resolveVia: Default(
        Enum(['target', 'system'], { description: "Resolve the host through the target's DNS server or the system resolver." }),
        'target',
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    status: Type.Integer({ description: 'HTTP status.' }),
    body: Type.String({ description: 'Response body as text.' }),
    headers: StringMap({ description: 'Response headers (lowercase names).' }),
    address: Type.String({ description: 'Address connected to.' }),
  }),
  async run(params, ctx) {
    const headers: Record<string, string> = { ...params.headers };
    let body: string | undefined;
    if (typeof params.body === 'string') body = params.body;
    else if (params.body !== undefined) {
      body = JSON.stringify(params.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const { method } = params;
    const response = await sendHttpRequest(ctx.target, {
      url: params.url,
      method,
      headers,
      body,
      via: params.resolveVia,
      signal: ctx.signal,
    });
    const accepted = params.expectStatus === undefined ? undefined : [params.expectStatus].flat();
    const ok = accepted ? accepted.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!ok) {
      throw new ExpectationFailedError(
        `${method} ${params.url} answered ${response.status} (expected ${accepted ? accepted.join(' or ') : '2xx'}): ${response.body.slice(0, 300)}`,
        { observed: { status: response.status, body: response.body.slice(0, 2000) } },
      );
    }
    return { status: response.status, body: response.body, headers: response.headers, address: response.resolved.address };
  },
});
