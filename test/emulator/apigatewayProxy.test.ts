import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseExecuteApiTarget } from '../../emulator/apigateway/executeApiTarget.ts';
import type { ResourceRecord } from '../../emulator/apigateway/model.ts';
import { buildProxyEvent, formatRequestTime, type InvocationContext } from '../../emulator/apigateway/proxyEvent.ts';
import { mapProxyResponse } from '../../emulator/apigateway/proxyResponse.ts';
import { matchResource } from '../../emulator/apigateway/resourceRouter.ts';
import type { EmulatorRequest } from '../../emulator/types.ts';

/**
 * Unit tests of the data plane's pure parts: the Lambda proxy response contract
 * (docs/fidelity/apigateway.md), the proxy event, the resource router and the URL forms. The same
 * behaviour end to end, through a real Lambda, is in apigatewayLambda.test.ts.
 */

const test = suite('emulator/apigateway proxy contract');
const payload = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function request(overrides: Partial<EmulatorRequest> = {}): EmulatorRequest {
  return {
    method: 'GET',
    path: '/dev/x',
    query: new URLSearchParams(),
    headers: { host: '12345.execute-api.localhost.localstack.cloud:4566' },
    body: Buffer.alloc(0),
    remoteAddress: '127.0.0.1',
    ...overrides,
  };
}

const invocation: InvocationContext = {
  accountId: '000000000000',
  apiId: '12345',
  stage: 'dev',
  deploymentId: 'dep123',
  resourceId: 'res123',
  resourcePath: '/{proxy+}',
  httpMethod: 'GET',
  path: '/test-path/a%2Bb/',
  requestId: 'req-1',
  extendedRequestId: 'ext-1=',
  requestTimeEpoch: Date.UTC(2026, 0, 2, 3, 4, 5),
  domainName: '12345.execute-api.localhost.localstack.cloud',
  sourceIp: '127.0.0.1',
  userAgent: 'python-requests/2.31.0',
  pathParameters: { proxy: 'test-path/a%2Bb' },
  stageVariables: undefined,
};

test('response contract: numeric string statusCode, missing statusCode is 200, headers only', () => {
  const created = mapProxyResponse(payload({ statusCode: '201', body: 'made' }));
  assert.equal(created, { ok: true, status: 201, headers: {}, body: Buffer.from('made') });
  const bare = mapProxyResponse(payload({ headers: { 'X-A': 'b', 'X-Flag': true } }));
  assert.equal(bare, { ok: true, status: 200, headers: { 'x-a': 'b', 'x-flag': 'true' }, body: Buffer.alloc(0) });
});

test('response contract: multiValueHeaders win over headers for the same name', () => {
  const mapped = mapProxyResponse(
    payload({ statusCode: 200, headers: { 'Set-Cookie': 'a=1', 'X-One': '1' }, multiValueHeaders: { 'set-cookie': ['a=2', 'b=3'] } }),
  );
  assert.ok(mapped.ok);
  if (mapped.ok) assert.equal(mapped.headers, { 'set-cookie': 'a=2, b=3', 'x-one': '1' });
});

test('response contract: isBase64Encoded bodies are decoded', () => {
  const bytes = Buffer.from([0, 255, 1, 2, 254]);
  const mapped = mapProxyResponse(payload({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true }));
  assert.ok(mapped.ok && mapped.body.equals(bytes));
});

test('response contract: malformed outputs (AWS answers 502)', () => {
  const malformed: unknown[] = [
    { statusCode: 200, wrongValue: 'x' },
    { errorType: 'Error', errorMessage: 'boom', trace: [] },
    { statusCode: 'test' },
    { statusCode: 99 },
    { statusCode: 200, body: { not: 'a string' } },
    { headers: { 'X-A': 1 } },
    { multiValueHeaders: { 'X-A': 'not-an-array' } },
    { isBase64Encoded: 'yes' },
    '"justAString"',
    '[1,2]',
    'null',
    'not json',
  ];
  for (const output of malformed) {
    const mapped = mapProxyResponse(payload(output));
    assert.is(mapped.ok, false, JSON.stringify(output));
  }
});

test('proxy event: the fields a handler receives, null when empty, raw path, decoded query', () => {
  const event = buildProxyEvent(
    request({
      method: 'POST',
      query: new URLSearchParams('a=1&a=2&q=x%20y'),
      headers: {
        host: '12345.execute-api.localhost.localstack.cloud:4566',
        'user-agent': 'python-requests/2.31.0',
        authorization: 'secret',
        'content-length': '2',
        connection: 'keep-alive',
        'x-custom': 'v',
      },
      body: Buffer.from('{}'),
    }),
    { ...invocation, httpMethod: 'POST' },
  );
  assert.equal(event.headers, {
    host: '12345.execute-api.localhost.localstack.cloud:4566',
    'User-Agent': 'python-requests/2.31.0',
    Authorization: 'secret',
    'x-custom': 'v',
  });
  assert.equal(event.multiValueHeaders['x-custom'], ['v']);
  assert.equal(event.queryStringParameters, { a: '2', q: 'x y' });
  assert.equal(event.multiValueQueryStringParameters, { a: ['1', '2'], q: ['x y'] });
  assert.equal(
    [event.resource, event.path, event.httpMethod, event.body, event.isBase64Encoded],
    ['/{proxy+}', '/test-path/a%2Bb/', 'POST', '{}', false],
  );
  assert.equal(event.pathParameters, { proxy: 'test-path/a%2Bb' });
  assert.is(event.stageVariables, null);
  const rc = event.requestContext as Record<string, unknown> & { identity: Record<string, unknown> };
  assert.equal(
    [rc.accountId, rc.apiId, rc.stage, rc.resourcePath, rc.path, rc.httpMethod, rc.requestId, rc.protocol],
    ['000000000000', '12345', 'dev', '/{proxy+}', '/dev/test-path/a%2Bb/', 'POST', 'req-1', 'HTTP/1.1'],
  );
  assert.equal(
    [rc.domainName, rc.domainPrefix, rc.resourceId, rc.extendedRequestId, rc.deploymentId],
    ['12345.execute-api.localhost.localstack.cloud', '12345', 'res123', 'ext-1=', 'dep123'],
  );
  assert.is(rc.requestTime, '02/Jan/2026:03:04:05 +0000');
  assert.is(rc.requestTimeEpoch, Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal([rc.identity.sourceIp, rc.identity.userAgent, rc.identity.caller], ['127.0.0.1', 'python-requests/2.31.0', null]);

  const empty = buildProxyEvent(request(), { ...invocation, pathParameters: {}, stageVariables: { fn: 'a' } });
  assert.equal(
    [empty.queryStringParameters, empty.multiValueQueryStringParameters, empty.pathParameters, empty.body],
    [null, null, null, null],
  );
  assert.equal(empty.stageVariables, { fn: 'a' });
});

test('proxy event: a body that is not UTF-8 travels base64', () => {
  const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
  const event = buildProxyEvent(request({ method: 'POST', body: bytes }), invocation);
  assert.equal([event.body, event.isBase64Encoded], [bytes.toString('base64'), true]);
});

test('requestTime is CLF with a two-digit day', () => {
  assert.is(formatRequestTime(Date.UTC(2015, 3, 9, 12, 34, 56)), '09/Apr/2015:12:34:56 +0000');
});

test('router: most specific resource offering the method; {proxy+} needs a segment; root', () => {
  const method = (httpMethod: string) => ({ httpMethod, authorizationType: 'NONE', apiKeyRequired: false, methodResponses: {} });
  const resource = (id: string, path: string, ...verbs: string[]): ResourceRecord => ({
    id,
    path,
    methods: Object.fromEntries(verbs.map((v) => [v, method(v)])),
  });
  const resources = [
    resource('root', '/', 'GET'),
    resource('greedy', '/{proxy+}', 'ANY'),
    resource('param', '/items/{id}', 'GET'),
    resource('literal', '/items/special', 'GET'),
    resource('nested', '/items/{id}/{proxy+}', 'DELETE'),
    resource('bare', '/empty'),
  ];
  const hit = (verb: string, path: string) => {
    const m = matchResource(resources, verb, path);
    return m && [m.resource.id, m.pathParameters];
  };
  assert.equal(hit('GET', '/'), ['root', {}]);
  assert.equal(hit('POST', '/'), undefined);
  assert.equal(hit('GET', '/items/special'), ['literal', {}]);
  assert.equal(hit('GET', '/items/a%20b'), ['param', { id: 'a%20b' }]);
  assert.equal(hit('DELETE', '/items/1/x/y'), ['nested', { id: '1', proxy: 'x/y' }]);
  assert.equal(hit('GET', '/items/1/x/y'), ['greedy', { proxy: 'items/1/x/y' }]);
  assert.equal(hit('GET', '/empty'), ['greedy', { proxy: 'empty' }]);
});

test('URL forms: host (port, trailing dot, case), /_aws/execute-api, _user_request_; others are not execute-api', () => {
  const target = (path: string, host = '127.0.0.1:4566') => parseExecuteApiTarget(request({ path, headers: { host } }));
  assert.equal(target('/dev/a/b', '12345.execute-api.localhost.localstack.cloud.:4566'), {
    apiId: '12345',
    stage: 'dev',
    path: '/a/b',
    domainName: '12345.execute-api.localhost.localstack.cloud',
  });
  assert.equal(target('/dev', 'AbC.execute-api.eu-central-1.amazonaws.com')?.apiId, 'abc');
  assert.equal(target('/dev', 'abc.execute-api.localhost.localstack.cloud')?.path, '/');
  assert.equal(target('/', 'abc.execute-api.localhost.localstack.cloud')?.stage, undefined);
  assert.equal(target('/_aws/execute-api/67890/dev/productApi'), {
    apiId: '67890',
    stage: 'dev',
    path: '/productApi',
    domainName: '67890.execute-api.localhost.localstack.cloud',
  });
  assert.equal(target('/restapis/67890/dev/_user_request_'), {
    apiId: '67890',
    stage: 'dev',
    path: '/',
    domainName: '67890.execute-api.localhost.localstack.cloud',
  });
  assert.is(target('/restapis/67890/stages'), undefined);
  assert.is(target('/restapis/67890/resources/abc/methods/GET'), undefined);
  assert.is(target('/2015-03-31/functions'), undefined);
});

test.run();
