import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../engine/clock.ts';
import { executeStep, type ExecuteResult } from '../../engine/execute.ts';
import { NO_RETRY } from '../../engine/retry.ts';
import type { AnyStepDefinition, Logger, StepContext } from '../../engine/types.ts';
import { noTarget } from '../helpers/noTarget.ts';

/**
 * A step's `timeout:` says what the attempt saw: the step's own error on the abort (the await
 * steps name the last answer and the polls), else its last progress line. The error stays a
 * StepTimeoutError with code E_TIMEOUT either way, so retry policies classify it as before.
 */
const test = suite('engine/stepTimeout');

const lines: string[] = [];
const log: Logger = { debug: () => {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: () => {} };

async function timeOut(run: AnyStepDefinition['run']): Promise<Error> {
  const clock = new ManualClock();
  const definition = { type: 'probe', description: 'test', params: {}, run } as AnyStepDefinition;
  const context = { log, target: noTarget, clock, runId: 'r', stepId: 'slow', workflowDir: '.' } as Omit<StepContext, 'signal' | 'attempt'>;
  const result: Promise<ExecuteResult> = executeStep({
    definition,
    params: {},
    context,
    clock,
    signal: new AbortController().signal,
    retry: NO_RETRY,
    timeoutMs: 20_000,
    hooks: { onRetry: () => {} },
  });
  await clock.nextSleep();
  await clock.advance(20_000);
  const done = await result;
  assert.not.ok(done.ok);
  if (done.ok) throw new Error('unreachable');
  const cause = done.error.cause as Error & { code?: string };
  assert.is(cause.name, 'StepTimeoutError');
  assert.is(cause.code, 'E_TIMEOUT');
  return done.error;
}

test("an attempt that answers the abort with its own error: the timeout carries that error's words", async () => {
  const error = await timeOut(async (_p, ctx) => {
    await ctx.clock.sleep(60_000, ctx.signal).catch((reason) => {
      throw new Error('www.example.test CNAME was still NXDOMAIN after 80 queries; expected green.example.test', { cause: reason });
    });
    return {};
  });
  assert.is(
    error.message,
    "step 'slow' failed after 1 attempt(s): timed out after 20 s of AWS time; www.example.test CNAME was still NXDOMAIN after 80 queries; expected green.example.test",
  );
});

test('an attempt that ignores its signal: the timeout names its last progress line', async () => {
  const error = await timeOut(async (_p, ctx) => {
    ctx.log.info('GET http://standby/health → 503');
    await new Promise(() => {});
    return {};
  });
  assert.is(
    error.message,
    "step 'slow' failed after 1 attempt(s): timed out after 20 s of AWS time; last seen: GET http://standby/health → 503",
  );
  assert.ok(lines.includes('GET http://standby/health → 503'), 'the line still reached the progress display');
});

test('an attempt that said nothing: the timeout alone, once naming the step', async () => {
  const error = await timeOut(async (_p, ctx) => {
    await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
    return {};
  });
  assert.is(error.message, "step 'slow' failed after 1 attempt(s): timed out after 20 s of AWS time");
});

test.run();
