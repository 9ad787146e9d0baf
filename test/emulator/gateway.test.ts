import * as assert from 'uvu/assert';
import { request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { ListHostedZonesCommand } from '@aws-sdk/client-route-53';
import { createScaledClock } from '../../emulator/clock.ts';
import { FaultRegistry } from '../../emulator/faults.ts';
import { Gateway } from '../../emulator/gateway.ts';
import { createProtocol } from '../../emulator/protocol/index.ts';
import { MAX_JSON_DEPTH } from '../../emulator/protocol/json.ts';
import { createGatewayServer, MAX_BODY_BYTES } from '../../emulator/server.ts';
import type { ServiceDescriptor } from '../../emulator/types.ts';
import { dynamodbClient, fisClient, route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * The gateway under hostile or odd input, over real sockets: each bad request gets an error
 * in its protocol's envelope, and the very next normal request still succeeds. Protocol cases
 * run against tiny services registered on a Gateway of their own; the same cases are then
 * sent to the real emulator's Route 53, FIS and DynamoDB.
 */

const test = emulatorSuite<{ server: Server; base: string; logs: string[] }>('emulator/gateway', { reset: false });
const signed = (service: string, region = 'us-east-1') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=x`,
});

const XML_NS = 'https://example.test/doc/2020-01-01/';
const testServices: ServiceDescriptor[] = [
  {
    name: 'xmltest',
    signingNames: ['xmltest'],
    protocol: { name: 'restXml', xmlNamespace: XML_NS },
    pathPrefixes: ['/2020-01-01/'],
    operations: [
      {
        name: 'CreateThing',
        http: { method: 'POST', path: '/2020-01-01/thing', status: 201 },
        handler: (input) => ({ Thing: { Name: input.Name } }),
      },
    ],
  },
  {
    name: 'resttest',
    signingNames: ['resttest'],
    protocol: { name: 'restJson' },
    pathPrefixes: ['/things'],
    operations: [
      { name: 'GetThing', http: { method: 'GET', path: '/things/{id}' }, handler: (input) => ({ id: input.id }) },
      {
        name: 'Bind',
        http: {
          method: 'PUT',
          path: '/things/{id}/blob',
          query: { tag: { list: 'Tags' }, v: 'Version' },
          headers: { 'x-thing-mode': 'Mode' },
          payload: 'Blob',
          output: { status: 'Code', headers: { 'x-thing-echo': 'Echo' }, payload: 'Body', contentType: 'text/plain' },
        },
        handler: (input) => ({
          Code: 207,
          Echo: `${String(input.Mode)}|${String(input.Version)}|${(input.Tags as string[]).join(',')}`,
          Body: Buffer.concat([Buffer.from(`${String(input.id)}:`), input.Blob as Buffer]),
        }),
      },
      {
        name: 'Crash',
        http: { method: 'POST', path: '/things/crash' },
        handler: () => {
          throw new Error('handler bug');
        },
      },
    ],
  },
  {
    name: 'jsontest',
    signingNames: ['jsontest'],
    protocol: { name: 'awsJson', targetPrefix: 'JsonTest_20200101', errorTypePrefix: 'com.amazonaws.jsontest' },
    operations: [{ name: 'Echo', handler: (input) => ({ Echo: input }) }],
  },
];

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request; `contentLength` overrides the header without sending that many bytes. */
function send(
  base: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string; contentLength?: number },
): Promise<RawResponse> {
  const url = new URL(options.path, base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
    const req = httpRequest(url, { method: options.method ?? 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

const nested = (depth: number) => `{"Item":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
const echo = (base: string, body = '{"x":1}') =>
  send(base, {
    path: '/',
    headers: { ...signed('jsontest'), 'x-amz-target': 'JsonTest_20200101.Echo', 'content-type': 'application/x-amz-json-1.0' },
    body,
  });

test.before(async (ctx) => {
  ctx.logs = [];
  const gateway = new Gateway(new FaultRegistry(createScaledClock()), (line) => ctx.logs.push(line));
  for (const s of testServices) gateway.addService(s, createProtocol(s.protocol, s));
  ctx.server = createGatewayServer(gateway);
  await new Promise<void>((r) => ctx.server.listen(0, '127.0.0.1', r));
  ctx.base = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
});
test.after(async (ctx) => {
  await new Promise<void>((r) => {
    ctx.server.close(() => r());
    ctx.server.closeAllConnections();
  });
});

test('restXml: malformed XML is 400 InvalidInput in an <ErrorResponse>; the next request succeeds', async (ctx) => {
  const bad = await send(ctx.base, { path: '/2020-01-01/thing', headers: signed('xmltest'), body: '<CreateThingRequest><Name>x</Nam' });
  assert.is(bad.status, 400);
  assert.is(bad.headers['content-type'], 'text/xml');
  assert.match(bad.body, `<ErrorResponse xmlns="${XML_NS}"><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>Invalid XML: `);
  assert.match(bad.body, /<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/);
  const good = await send(ctx.base, {
    path: '/2020-01-01/thing',
    headers: signed('xmltest'),
    body: '<CreateThingRequest><Name>x</Name></CreateThingRequest>',
  });
  assert.is(good.status, 201);
  assert.match(good.body, `<CreateThingResponse xmlns="${XML_NS}"><Thing><Name>x</Name></Thing></CreateThingResponse>`);
});

test('restJson: malformed JSON is 400 SerializationException; an unknown path 501 naming it; a wrong method 405', async (ctx) => {
  const bad = await send(ctx.base, {
    path: '/things/crash',
    headers: { ...signed('resttest'), 'content-type': 'application/json' },
    body: '{"a":',
  });
  assert.is(bad.status, 400);
  assert.is(bad.headers['x-amzn-errortype'], 'SerializationException');
  assert.match(JSON.parse(bad.body).message, /^Could not parse request body into json: /);

  const unknown = await send(ctx.base, { method: 'GET', path: '/things/a/b/c', headers: signed('resttest') });
  assert.is(unknown.status, 501);
  assert.equal(JSON.parse(unknown.body), {
    message: "The operation 'GET /things/a/b/c' of service 'resttest' is not implemented by this emulator",
  });

  const wrongMethod = await send(ctx.base, { method: 'DELETE', path: '/things/1', headers: signed('resttest') });
  assert.is(wrongMethod.status, 405);
  assert.is(wrongMethod.headers['x-amzn-errortype'], 'MethodNotAllowedException');

  const good = await send(ctx.base, { method: 'GET', path: '/things/42', headers: signed('resttest') });
  assert.is(good.status, 200);
  assert.equal(JSON.parse(good.body), { id: '42' });
});

test('restJson bindings: path, repeated query, header and raw payload in; status, header and raw payload out', async (ctx) => {
  const res = await send(ctx.base, {
    method: 'PUT',
    path: '/things/t1/blob?tag=a&v=2&tag=b',
    headers: { ...signed('resttest'), 'x-thing-mode': 'fast', 'content-type': 'application/json' },
    body: '{not json',
  });
  assert.is(res.status, 207);
  assert.is(res.headers['x-thing-echo'], 'fast|2|a,b');
  assert.is(res.headers['content-type'], 'text/plain');
  assert.is(res.body, 't1:{not json', 'a payload member is handed over unparsed');
});

test('a handler that throws is a 500 InternalFailure in the envelope, logged, and the server keeps serving', async (ctx) => {
  const crash = await send(ctx.base, { path: '/things/crash', headers: signed('resttest') });
  assert.is(crash.status, 500);
  assert.is(crash.headers['x-amzn-errortype'], 'InternalFailure');
  assert.equal(JSON.parse(crash.body), { message: 'Internal error in resttest Crash: handler bug' });
  assert.ok(ctx.logs.some((l) => l.startsWith('resttest Crash crashed: Error: handler bug')));
  assert.is((await send(ctx.base, { method: 'GET', path: '/things/1', headers: signed('resttest') })).status, 200);
});

test('awsJson: unknown target prefix is 400 UnknownOperationException, an unknown operation 501; nesting is bounded', async (ctx) => {
  const headers = { ...signed('jsontest'), 'content-type': 'application/x-amz-json-1.0' };
  const prefix = await send(ctx.base, { path: '/', headers: { ...headers, 'x-amz-target': 'Other_1.Echo' }, body: '{}' });
  assert.is(prefix.status, 400);
  // The front end's own errors carry the Coral service type and no message, as AWS's (and dynalite's).
  assert.equal(JSON.parse(prefix.body), { __type: 'com.amazon.coral.service#UnknownOperationException' });

  const op = await send(ctx.base, { path: '/', headers: { ...headers, 'x-amz-target': 'JsonTest_20200101.Nope' }, body: '{}' });
  assert.is(op.status, 501);
  assert.is(JSON.parse(op.body).__type, 'com.amazonaws.jsontest#InternalFailure');

  const deep = await echo(ctx.base, nested(10_000));
  assert.is(deep.status, 400);
  assert.equal(JSON.parse(deep.body), {
    __type: 'com.amazon.coral.service#SerializationException',
    message: `Request body nesting exceeds ${MAX_JSON_DEPTH} levels`,
  });
  const notObject = await echo(ctx.base, '[1,2]');
  assert.equal(JSON.parse(notObject.body), { __type: 'com.amazon.coral.service#SerializationException' });

  const ok = await echo(ctx.base, nested(MAX_JSON_DEPTH - 1));
  assert.is(ok.status, 200);
  assert.ok(ok.body.startsWith('{"Echo":{"Item":{"a":'));
});

test('no service matches: 404 naming the request', async (ctx) => {
  const r = await send(ctx.base, { method: 'GET', path: '/nothing/here' });
  assert.is(r.status, 404);
  assert.equal(JSON.parse(r.body), { message: 'No emulated AWS service matches GET /nothing/here' });
  assert.ok(typeof r.headers['x-amzn-requestid'] === 'string');
});

test('a Content-Length above the limit is 413 at once, in the envelope of the service it was meant for', async (ctx) => {
  const message = `Request body exceeds ${MAX_BODY_BYTES} bytes`;
  const json = await send(ctx.base, {
    path: '/',
    headers: { ...signed('jsontest'), 'x-amz-target': 'JsonTest_20200101.Echo' },
    body: '{}',
    contentLength: MAX_BODY_BYTES + 1,
  });
  assert.is(json.status, 413);
  assert.is(json.headers.connection, 'close');
  assert.equal(JSON.parse(json.body), { __type: 'com.amazonaws.jsontest#RequestEntityTooLargeException', message });
  assert.is((await echo(ctx.base)).status, 200);

  const xml = await send(ctx.base, {
    path: '/2020-01-01/thing',
    headers: signed('xmltest'),
    body: '<a/>',
    contentLength: MAX_BODY_BYTES + 1,
  });
  assert.is(xml.status, 413);
  assert.match(xml.body, `<Error><Type>Sender</Type><Code>RequestEntityTooLargeException</Code><Message>${message}</Message></Error>`);

  const nobody = await send(ctx.base, { path: '/nowhere', body: 'x', contentLength: MAX_BODY_BYTES + 1 });
  assert.is(nobody.status, 413);
  assert.equal(JSON.parse(nobody.body), { __type: 'RequestEntityTooLargeException', message });
  assert.ok(ctx.logs.includes('jsontest ? 413 RequestEntityTooLargeException'), ctx.logs.join('\n'));
  assert.is((await send(ctx.base, { method: 'GET', path: '/things/1', headers: signed('resttest') })).status, 200);
});

test('garbage that is not HTTP gets 400; a client that aborts mid-body is dropped; both leave the server serving', async (ctx) => {
  const { port } = new URL(ctx.base);
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
    let data = '';
    socket.on('data', (c) => (data += c.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
  assert.ok(reply.startsWith('HTTP/1.1 400 Bad Request'), reply);

  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: JsonTest_20200101.Echo\r\nContent-Length: 1000\r\n\r\n{"x":');
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 20);
    });
    socket.on('error', reject);
  });
  const after = await echo(ctx.base);
  assert.is(after.status, 200);
  assert.equal(JSON.parse(after.body), { Echo: { x: 1 } });
});

test('the same cases against the real emulator: Route 53, FIS and DynamoDB answer in their envelopes and keep working', async (ctx) => {
  const base = ctx.emu.endpoint;
  const r53 = await send(base, {
    path: '/2013-04-01/hostedzone',
    headers: signed('route53'),
    body: '<CreateHostedZoneRequest><Name>a.com',
  });
  assert.is(r53.status, 400);
  assert.match(
    r53.body,
    /<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>InvalidInput<\/Code>/,
  );
  const route53 = route53Client(base);
  assert.ok(Array.isArray((await route53.send(new ListHostedZonesCommand({}))).HostedZones));

  const fisBad = await send(base, {
    path: '/experimentTemplates',
    headers: { ...signed('fis'), 'content-type': 'application/json' },
    body: '{"description": ',
  });
  assert.is(fisBad.status, 400);
  assert.is(fisBad.headers['x-amzn-errortype'], 'SerializationException');
  const fisDeep = await send(base, {
    path: '/experimentTemplates',
    headers: { ...signed('fis'), 'content-type': 'application/json' },
    body: nested(5_000),
  });
  assert.is(fisDeep.status, 400);
  const fis = fisClient(base);
  assert.ok(Array.isArray((await fis.send(new ListExperimentTemplatesCommand({}))).experimentTemplates));

  const ddbHeaders = { ...signed('dynamodb'), 'content-type': 'application/x-amz-json-1.0' };
  const target = await send(base, { path: '/', headers: { ...ddbHeaders, 'x-amz-target': 'Bogus_20200101.PutItem' }, body: '{}' });
  assert.is(target.status, 400);
  assert.is(JSON.parse(target.body).__type, 'com.amazon.coral.service#UnknownOperationException');
  const deep = await send(base, {
    path: '/',
    headers: { ...ddbHeaders, 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: nested(10_000),
  });
  assert.is(deep.status, 400);
  assert.is(JSON.parse(deep.body).__type, 'com.amazon.coral.service#SerializationException');
  const big = await send(base, {
    path: '/',
    headers: { ...ddbHeaders, 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: '{}',
    contentLength: MAX_BODY_BYTES + 1,
  });
  assert.is(big.status, 413);
  assert.is(JSON.parse(big.body).__type, 'com.amazonaws.dynamodb.v20120810#RequestEntityTooLargeException');
  const ddb = dynamodbClient(base);
  assert.ok(Array.isArray((await ddb.send(new ListTablesCommand({}))).TableNames));
  for (const client of [route53, fis, ddb]) client.destroy();
});

test.run();
