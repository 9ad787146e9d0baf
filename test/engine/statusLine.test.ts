import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent, RunEventBody } from '../../engine/events.ts';
import { foldStatus, newStatusState, statusText } from '../../engine/statusLine.ts';

/**
 * What the live status line says, from the events alone: elapsed wall and AWS time, the
 * running steps, the fault, the health check, the DNS answer and the recent client error rate.
 * (The redrawing itself is tested in a pseudo-terminal, test/e2e/statusLine.test.ts.)
 */
const test = suite('status line text');

const WALL0 = 1_000_000;
const AWS0 = Date.UTC(2030, 0, 1);

function fold(list: Array<[number, number, RunEventBody]>) {
  const state = newStatusState();
  for (const [i, [wall, aws, body]] of list.entries())
    foldStatus(state, { ...body, seq: i + 1, wall: WALL0 + wall, aws: AWS0 + aws } as RunEvent);
  return state;
}

const start: RunEventBody = {
  kind: 'run-start',
  runId: 'r',
  workflow: { file: 'w', name: 'w', digest: 'd', dir: '/' },
  inputs: {},
  target: { kind: 'embedded', timeScale: 10 },
  cleanup: 'always',
  pid: 1,
};
const intent = (stepId: string, type: string): RunEventBody => ({
  kind: 'step-intent',
  stepId,
  type,
  params: {},
  rollback: { kind: 'default' },
  needsTarget: true,
});

test('elapsed times, running steps and the evidence', () => {
  const state = fold([
    [0, 0, start],
    [1000, 10_000, intent('breakPrimary', 'startExperiment')],
    [1000, 10_000, { kind: 'fault-start', aws: 0, experimentId: 'E1' }],
    [1500, 15_000, { kind: 'health-check-status', aws: 0, healthCheckId: 'hc', healthy: false }],
    [1500, 15_000, { kind: 'dns-answer', aws: 0, name: 'app', values: ['standby.example.com'], status: 'NOERROR' }],
    [
      1600,
      16_000,
      {
        kind: 'client-request',
        aws: 0,
        probe: 'reader',
        cache: 'ttl',
        answer: 'standby.example.com',
        cached: false,
        status: 200,
        ok: true,
        latencyMs: 5,
      },
    ],
    [
      1600,
      16_000,
      {
        kind: 'client-request',
        aws: 0,
        probe: 'reader',
        cache: 'ttl',
        answer: 'standby.example.com',
        cached: false,
        status: 502,
        ok: false,
        latencyMs: 5,
      },
    ],
    [
      1700,
      17_000,
      {
        kind: 'client-request',
        aws: 0,
        probe: 'reader',
        cache: 'ttl',
        answer: 'standby.example.com',
        cached: false,
        status: 502,
        ok: false,
        latencyMs: 5,
      },
    ],
    [
      2000,
      20_000,
      {
        kind: 'client-request',
        aws: 0,
        probe: 'reader',
        cache: 'ttl',
        answer: 'standby.example.com',
        cached: false,
        status: 200,
        ok: true,
        latencyMs: 5,
      },
    ],
  ]);
  // 500 ms of wall after the last event, at the events' own pace of 10 AWS ms per wall ms.
  assert.is(
    statusText(state, WALL0 + 2500),
    'elapsed +0:02.5 wall, +0:25.0 AWS · breakPrimary · fault ON · health check unhealthy · DNS standby.example.com · client errors 50%',
  );
  assert.is(
    statusText(state, WALL0 + 2500, () => AWS0 + 99_000),
    'elapsed +0:02.5 wall, +1:39.0 AWS · breakPrimary · fault ON · health check unhealthy · DNS standby.example.com · client errors 50%',
  );
});

test("without dns-answer events the DNS answer is the last awaitDnsTarget step's; nothing after the end", () => {
  const state = fold([
    [0, 0, start],
    [100, 100, intent('awaitFailover', 'awaitDnsTarget')],
    [
      200,
      200,
      { kind: 'step-result', stepId: 'awaitFailover', status: 'succeeded', attempts: 1, durationMs: 100, outputs: { answer: 'standby' } },
    ],
  ]);
  assert.is(statusText(state, WALL0 + 200), 'elapsed +0:00.2 wall, +0:00.2 AWS · between steps · DNS standby');
  foldStatus(state, { kind: 'run-end', status: 'passed', exitCode: 0, seq: 9, wall: WALL0 + 300, aws: AWS0 + 300 });
  assert.is(statusText(state, WALL0 + 300), undefined);
});

test.run();
