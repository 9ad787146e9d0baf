import * as assert from 'uvu/assert';
import httpRequest from '../../steps/httpRequest.ts';
import { ExpectationFailedError } from '../../steps/support/errors.ts';
import { DnsResolutionError } from '../../steps/support/targetDns.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

interface Seen {
  method?: string;
  host?: string;
  url?: string;
  contentType?: string;
  body?: string;
}

const test = emulatorSuite<{ server: LocalHttpServer; port: number; seen: Seen }>('steps/httpRequest', {
  reset: false,
  context: { seen: {} },
});

test.before(async (ctx) => {
  ctx.server = await startLocalHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      ctx.seen = { method: req.method, host: req.headers.host, url: req.url, contentType: req.headers['content-type'], body };
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'x-served-region': 'test-region' });
      res.end(req.url === '/missing' ? 'Product not found' : 'ok');
    });
  });
  ctx.port = ctx.server.port;
});
test.after(async (ctx) => {
  await ctx.server?.close();
});

test('resolves *.localhost.localstack.cloud through the target DNS and keeps the name as Host; objects go as JSON', async (ctx) => {
  const url = `http://12345.execute-api.localhost.localstack.cloud:${ctx.port}/dev/productApi`;
  const out = await runStep(httpRequest, { url, method: 'POST', body: { id: 'prod-1088', price: '29.99' } }, stepContext(ctx.target));
  assert.is(out.status, 200);
  assert.is(out.body, 'ok');
  assert.is(out.headers['x-served-region'], 'test-region');
  assert.is(out.address, '127.0.0.1');
  assert.equal(ctx.seen, {
    method: 'POST',
    host: `12345.execute-api.localhost.localstack.cloud:${ctx.port}`,
    url: '/dev/productApi',
    contentType: 'application/json',
    body: '{"id":"prod-1088","price":"29.99"}',
  });
});

test('an unexpected status fails with a retryable error naming it', async (ctx) => {
  try {
    await runStep(httpRequest, { url: `http://127.0.0.1:${ctx.port}/missing` }, stepContext(ctx.target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is((error as Error).message, `GET http://127.0.0.1:${ctx.port}/missing answered 404 (expected 2xx): Product not found`);
  }
  const out = await runStep(
    httpRequest,
    { url: `http://127.0.0.1:${ctx.port}/missing`, expectStatus: [404, 410] },
    stepContext(ctx.target),
  );
  assert.is(out.status, 404);
});

test('a name the target DNS does not know fails with the DNS status', async (ctx) => {
  try {
    await runStep(httpRequest, { url: `http://nowhere.hello-localstack.com:${ctx.port}/` }, stepContext(ctx.target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, DnsResolutionError);
    assert.match(
      (error as Error).message,
      /^cannot resolve nowhere\.hello-localstack\.com to an address through 127\.0\.0\.1:\d+: A (REFUSED|NXDOMAIN)/,
    );
  }
});

testStep(test, httpRequest, {
  valid: [
    { url: 'http://x/', method: 'POST', body: { a: 1 }, resolveVia: 'system' },
    { url: 'https://x/', headers: { a: 'b' }, expectStatus: [200, 404] },
  ],
  invalid: [
    { params: {}, errors: ["/: must have required property 'url'"] },
    { params: { url: 'ftp://x' }, errors: ['/url: must match pattern "^https?://"'] },
    { params: { url: 'http://x', method: 'FETCH' }, errors: ['/method: must be equal to one of the allowed values'] },
    { params: { url: 'http://x', resolveVia: 'dns' }, errors: ['/resolveVia: must be equal to one of the allowed values'] },
  ],
  runThenRollback: { noRollback: 'a request cannot be taken back; compensate with a rollback: override' },
});

test.run();
