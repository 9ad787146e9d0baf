import * as assert from 'uvu/assert';

/** An error thrown by an SDK client: `name` is the AWS error code. */
export type AwsError = Error & { $metadata: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };

/** The error `promise` rejects with; throws when it resolves instead. */
export async function rejects(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (err) {
    return err as AwsError;
  }
  throw new Error('expected the call to fail');
}

/** The SDK error's code, HTTP status and message, all exactly. */
export function assertError(err: AwsError, name: string, status: number, message: string): void {
  assert.is(err.name, name);
  assert.is(err.$metadata.httpStatusCode, status);
  assert.is(err.message, message);
}

/**
 * Asserts that `promise` rejects with the error code `name` and `message` (exactly, or matching
 * a RegExp), and with HTTP `status` when one is given.
 */
export async function rejectsWith(promise: Promise<unknown>, name: string, message: string | RegExp, status?: number): Promise<void> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    assert.is(e.name, name, `error name (message: ${e.message})`);
    if (typeof message === 'string') assert.is(e.message, message);
    else assert.match(e.message, message);
    if (status !== undefined) assert.is(e.$metadata?.httpStatusCode, status);
    return;
  }
  assert.unreachable(`expected ${name}`);
}
