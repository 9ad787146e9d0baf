import * as assert from 'uvu/assert';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import fetchProduct from '../../steps/fetchProduct.ts';
import { ExpectationFailedError } from '../../steps/support/errors.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

const PRODUCT =
  '{"price":"29.99","name":"Super Widget","description":"A versatile widget that can be used for a variety of purposes. Durable, reliable, and affordable.","id":"prod-1088"}';

const test = emulatorSuite<{ server: LocalHttpServer; port: number; hosts: string[] }>('steps/fetchProduct', {
  reset: false,
  context: { hosts: [] },
});

test.before(async (ctx) => {
  // Stands in for API Gateway: answers like get-product, by Host header.
  ctx.server = await startLocalHttpServer((req, res) => {
    ctx.hosts.push(req.headers.host ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const region = req.headers.host?.startsWith('67890.') ? 'eu-central-1' : 'us-east-1';
    if (url.pathname === '/dev/productApi' && url.searchParams.get('id') === 'prod-1088') {
      res.writeHead(200, { 'x-served-region': region });
      res.end(PRODUCT);
    } else {
      res.writeHead(404, { 'x-served-region': region });
      res.end('Product not found');
    }
  });
  ctx.port = ctx.server.port;
  const r53 = ctx.target.client(Route53Client, 'us-east-1');
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'hello-localstack.com', CallerReference: 'fetch' }));
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone!.Id!,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: '67890.hello-localstack.com',
              Type: 'CNAME',
              TTL: 60,
              ResourceRecords: [{ Value: '67890.execute-api.localhost.localstack.cloud' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'test.hello-localstack.com',
              Type: 'CNAME',
              TTL: 60,
              ResourceRecords: [{ Value: '67890.hello-localstack.com' }],
            },
          },
        ],
      },
    }),
  );
});
test.after(async (ctx) => {
  await ctx.server?.close();
});

test('follows the CNAME chain through the target DNS and GETs from the final host, by its name', async (ctx) => {
  ctx.hosts.length = 0;
  const out = await runStep(
    fetchProduct,
    {
      name: 'test.hello-localstack.com',
      path: '/dev/productApi',
      query: { id: 'prod-1088' },
      port: ctx.port,
      expectBody: PRODUCT,
      expectServedRegion: 'eu-central-1',
    },
    stepContext(ctx.target),
  );
  assert.is(out.status, 200);
  assert.is(out.body, PRODUCT);
  assert.equal(out.cnameChain, ['67890.hello-localstack.com', '67890.execute-api.localhost.localstack.cloud']);
  assert.is(out.resolvedHost, '67890.execute-api.localhost.localstack.cloud');
  assert.is(out.apiId, '67890');
  assert.is(out.servedRegion, 'eu-central-1');
  assert.is(out.address, '127.0.0.1');
  assert.is(out.url, `http://67890.execute-api.localhost.localstack.cloud:${ctx.port}/dev/productApi?id=prod-1088`);
  assert.equal(ctx.hosts, [`67890.execute-api.localhost.localstack.cloud:${ctx.port}`], 'no trailing dot in Host');
});

test('status, body or region other than expected: a retryable error listing every difference', async (ctx) => {
  try {
    await runStep(
      fetchProduct,
      {
        name: 'test.hello-localstack.com',
        path: '/dev/productApi',
        query: { id: 'nope' },
        port: ctx.port,
        expectBody: PRODUCT,
        expectServedRegion: 'us-east-1',
      },
      stepContext(ctx.target),
    );
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is(
      (error as Error).message,
      `GET http://67890.execute-api.localhost.localstack.cloud:${ctx.port}/dev/productApi?id=nope ` +
        '(test.hello-localstack.com → 67890.hello-localstack.com → 67890.execute-api.localhost.localstack.cloud): ' +
        `status 404, expected 200; body Product not found, expected ${PRODUCT}; served by eu-central-1, expected us-east-1`,
    );
    assert.is((error as ExpectationFailedError).code, 'E_EXPECTATION_FAILED');
  }
});

test('the port defaults to the target port (the emulator: no such API there, so the check fails)', async (ctx) => {
  try {
    await runStep(fetchProduct, { name: 'test.hello-localstack.com', path: '/nothing' }, stepContext(ctx.target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, ExpectationFailedError);
    assert.is(
      (error as ExpectationFailedError).observed.url,
      `http://67890.execute-api.localhost.localstack.cloud:${ctx.emu.port}/nothing`,
    );
  }
});

testStep(test, fetchProduct, {
  valid: [
    { name: 'a', path: '/dev/productApi', query: { id: 'prod-1088' } },
    { name: 'a', path: '/', port: 4566, expectStatus: 404, expectBody: '', expectServedRegion: 'eu-central-1' },
  ],
  invalid: [
    { params: { name: 'a' }, errors: ["/: must have required property 'path'"] },
    { params: { name: 'a', path: 'dev' }, errors: ['/path: must match pattern "^/"'] },
    { params: { name: 'a', path: '/', query: { id: 1 } }, errors: ['/query/id: must be string'] },
  ],
  runThenRollback: { noRollback: 'a GET changes nothing' },
});

test.run();
