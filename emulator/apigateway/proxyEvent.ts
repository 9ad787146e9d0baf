import type { EmulatorRequest } from '../types.ts';

/** What API Gateway knows about one invocation; the `$context` of templates as well. */
export interface InvocationContext {
  accountId: string;
  apiId: string;
  stage: string;
  deploymentId: string;
  resourceId: string;
  resourcePath: string;
  httpMethod: string;
  /** Raw path after the stage. */
  path: string;
  requestId: string;
  extendedRequestId: string;
  /** Emulated epoch milliseconds. */
  requestTimeEpoch: number;
  domainName: string;
  sourceIp: string;
  userAgent: string | null;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string> | undefined;
}

/** The Lambda proxy integration's input (REST v1, payload format 1.0). */
export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: Record<string, unknown>;
  body: string | null;
  isBase64Encoded: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime`: CLF format, `09/Apr/2015:12:34:56 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** The `requestContext` of a proxy event, also `$context` for templates. */
export function requestContext(inv: InvocationContext): Record<string, unknown> {
  return {
    accountId: inv.accountId,
    apiId: inv.apiId,
    deploymentId: inv.deploymentId,
    domainName: inv.domainName,
    domainPrefix: inv.domainName.split('.')[0],
    extendedRequestId: inv.extendedRequestId,
    httpMethod: inv.httpMethod,
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: inv.sourceIp,
      user: null,
      userAgent: inv.userAgent,
      userArn: null,
    },
    path: `/${inv.stage}${inv.path}`,
    protocol: 'HTTP/1.1',
    requestId: inv.requestId,
    requestTime: formatRequestTime(inv.requestTimeEpoch),
    requestTimeEpoch: inv.requestTimeEpoch,
    resourceId: inv.resourceId,
    resourcePath: inv.resourcePath,
    stage: inv.stage,
  };
}

/** Headers localstack drops (hop-by-hop) and the two it capitalises as CloudFront does. */
const DROPPED_HEADERS = new Set(['content-length', 'connection']);
const CAPITALISED_HEADERS: Record<string, string> = { authorization: 'Authorization', 'user-agent': 'User-Agent' };

/**
 * Builds the event exactly as docs/fidelity/apigateway.md says (AWS-validated snapshot in localstack
 * `test_apigateway_lambda.snapshot.json`; builder `integrations/aws.py`
 * `create_lambda_input_event`): empty query strings, path parameters and stage variables are
 * null, not `{}`; the single-value query map keeps the *last* value; `path` and path
 * parameters stay percent-encoded while query values are decoded; a body that is not UTF-8
 * travels base64 with `isBase64Encoded: true`.
 *
 * Header names: the gateway hands them over lower-cased (Node's parser), so they reach the
 * function lower-cased, except `Authorization` and `User-Agent`.
 */
export function buildProxyEvent(req: EmulatorRequest, inv: InvocationContext): ProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (DROPPED_HEADERS.has(name)) continue;
    const key = CAPITALISED_HEADERS[name] ?? name;
    headers[key] = value;
    multiValueHeaders[key] = [value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of req.query) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const body = encodeBody(req.body);
  return {
    resource: inv.resourcePath,
    path: inv.path,
    httpMethod: inv.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: nonEmpty(query),
    multiValueQueryStringParameters: nonEmpty(multiQuery),
    pathParameters: nonEmpty(inv.pathParameters),
    stageVariables: inv.stageVariables ? nonEmpty(inv.stageVariables) : null,
    requestContext: requestContext(inv),
    body: body.text,
    isBase64Encoded: body.base64,
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function encodeBody(body: Buffer): { text: string | null; base64: boolean } {
  if (body.length === 0) return { text: null, base64: false };
  try {
    return { text: strictUtf8.decode(body), base64: false };
  } catch {
    return { text: body.toString('base64'), base64: true };
  }
}

function nonEmpty<T>(map: Record<string, T>): Record<string, T> | null {
  return Object.keys(map).length > 0 ? map : null;
}
