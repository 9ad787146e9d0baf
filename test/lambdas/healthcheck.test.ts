import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { handler } from '../../lambdas/healthcheck.ts';
import { proxyEvent } from './fixtures.ts';

const test = suite('lambdas/healthcheck');

test('200 with Python json.dumps spacing and a JSON content type', async () => {
  const result = await handler(proxyEvent({ method: 'GET', path: '/healthcheck' }));
  assert.equal(result, {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: '{"message": "Success"}',
  });
});

test.run();
