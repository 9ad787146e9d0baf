import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent, RunEventBody } from '../../engine/events.ts';
import { reportModel } from '../../engine/reports/model.ts';
import { foldEvents } from '../../engine/foldEvents.ts';
import { renderTimelineSvg } from '../../engine/reports/timelineSvg.ts';

/**
 * The report model: lanes, fault windows, health-check and DNS segments, client and writer
 * series and verdicts, derived from events alone (the evidence kinds included).
 */
const test = suite('report model');

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** Stamps bodies as the bus would: seq in order, AWS time `T0 + s` seconds, wall 1000 ms behind. */
function stamped(list: Array<[number, RunEventBody]>): RunEvent[] {
  return list.map(([s, body], i) => ({ ...body, seq: i + 1, aws: T0 + s * 1000, wall: T0 - 1000 + s * 1000 }) as RunEvent);
}

const START: RunEventBody = {
  kind: 'run-start',
  runId: 'r1',
  workflow: { file: 'w.yaml', name: 'drill', digest: 'abc', dir: '/w', description: 'The drill.' },
  inputs: { region: 'us-east-1' },
  target: { kind: 'embedded', timeScale: 1 },
  cleanup: 'always',
  pid: 1,
  steps: [
    { id: 'break', type: 'startExperiment', description: 'Break the primary.' },
    { id: 'watch', type: 'awaitDnsTarget' },
    { id: 'restore', type: 'stopExperiment' },
  ],
  engineVersion: '9.9.9',
};

const intent = (stepId: string, type: string, params: unknown = {}): RunEventBody => ({
  kind: 'step-intent',
  stepId,
  type,
  params,
  rollback: { kind: 'default' },
  needsTarget: true,
});
const result = (stepId: string, outputs: unknown, durationMs = 1000): RunEventBody => ({
  kind: 'step-result',
  stepId,
  status: 'succeeded',
  attempts: 1,
  durationMs,
  outputs,
});

const DRILL = stamped([
  [0, START],
  [1, intent('break', 'startExperiment')],
  [2, result('break', { experimentId: 'EXP1' })],
  [2, intent('watch', 'awaitDnsTarget', { name: 'app.example.com' })],
  [3, { kind: 'health-check-status', aws: 0, healthCheckId: 'hc-1', healthy: true }],
  [
    4,
    {
      kind: 'client-request',
      aws: 0,
      probe: 'reader',
      cache: 'ttl',
      answer: 'primary',
      cached: false,
      ok: true,
      status: 200,
      latencyMs: 5,
    },
  ],
  [5, { kind: 'health-check-status', aws: 0, healthCheckId: 'hc-1', healthy: false, detail: 'Failure: HTTP 500' }],
  [
    5,
    {
      kind: 'client-request',
      aws: 0,
      probe: 'reader',
      cache: 'ttl',
      answer: 'primary',
      cached: true,
      ok: false,
      status: 502,
      latencyMs: 5,
    },
  ],
  [6, { kind: 'write-ack', aws: 0, probe: 'writer', record: 1, region: 'us-east-1', acknowledged: true, status: 200 }],
  [6, { kind: 'write-readback', aws: 0, probe: 'writer', record: 1, region: 'eu-central-1', found: true }],
  [6, { kind: 'write-ack', aws: 0, probe: 'writer', record: 2, region: 'us-east-1', acknowledged: true, status: 200 }],
  [6, { kind: 'write-readback', aws: 0, probe: 'writer', record: 2, region: 'eu-central-1', found: false }],
  [7, result('watch', { answer: 'standby.example.com' }, 5000)],
  [8, intent('restore', 'stopExperiment')],
  [9, result('restore', { experimentId: 'EXP1', status: 'stopped' })],
  [
    10,
    {
      kind: 'verdict',
      name: 'failover',
      expression: 'dns.failoverSeconds <= 60',
      actual: 35,
      limit: 60,
      pass: true,
      line: 'failover 35 ≤ 60  PASS',
      pointer: '/objectives/rto',
    },
  ],
  [
    10,
    {
      kind: 'verdict',
      name: 'no lost writes',
      expression: 'writes.lost == 0',
      actual: 1,
      limit: 0,
      pass: false,
      line: 'no lost writes 1 = 0  FAIL',
      pointer: '/objectives/rpo',
    },
  ],
  [11, { kind: 'run-end', status: 'passed', exitCode: 0, durationMs: 11_000, outputs: {} }],
]);

test('lanes follow run-start order, with run intervals and descriptions', () => {
  const model = reportModel(DRILL);
  assert.equal(
    model.lanes.map((l) => l.id),
    ['break', 'watch', 'restore'],
  );
  assert.is(model.lanes[0]!.description, 'Break the primary.');
  assert.equal(model.lanes[1]!.run, { start: T0 + 2000, end: T0 + 7000 });
  assert.is(model.start, T0);
  assert.is(model.end, T0 + 11_000);
});

test('without fault events the fault window runs from startExperiment to stopExperiment', () => {
  const [fault, ...more] = reportModel(DRILL).faults;
  assert.is(more.length, 0);
  assert.is(fault!.source, 'experiment-steps');
  assert.is(fault!.start, T0 + 2000);
  assert.is(fault!.end, T0 + 9000);
});

test('fault events, when there are any, decide the window', () => {
  const events = stamped([
    [0, START],
    [1, intent('break', 'startExperiment')],
    [2, result('break', { experimentId: 'EXP1' })],
    [3, { kind: 'fault-start', aws: 0, experimentId: 'EXP1' }],
    [6, { kind: 'fault-stop', aws: 0, experimentId: 'EXP1' }],
  ]);
  assert.equal(reportModel(events).faults, [{ start: T0 + 3000, end: T0 + 6000, label: 'EXP1', source: 'fault-events' }]);
});

test('a fault still on when the events stop stays open', () => {
  const events = stamped([
    [0, START],
    [1, intent('break', 'startExperiment')],
    [2, result('break', { experimentId: 'EXP1' })],
  ]);
  assert.is(reportModel(events).faults[0]!.end, undefined);
});

test('health-check and DNS segments, client and writer counts, verdicts', () => {
  const model = reportModel(DRILL);
  assert.equal(model.healthChecks, [
    {
      id: 'hc-1',
      segments: [
        { start: T0 + 3000, end: T0 + 5000, value: 'healthy' },
        { start: T0 + 5000, end: T0 + 11_000, value: 'unhealthy' },
      ],
    },
  ]);
  assert.equal(model.dns, [
    { name: 'app.example.com', source: 'await-steps', segments: [{ start: T0 + 7000, end: T0 + 11_000, value: 'standby.example.com' }] },
  ]);
  assert.equal(
    model.probes.map((p) => [p.probe, p.ok, p.errors]),
    [['reader', 1, 1]],
  );
  assert.equal(
    model.writes.map((w) => [w.probe, w.acked, w.lost]),
    [['writer', 2, 1]],
  );
  assert.equal(
    model.verdicts.map((v) => [v.name, v.pass, v.actual, v.limit]),
    [
      ['failover', true, 35, 60],
      ['no lost writes', false, 1, 0],
    ],
  );
});

test('dns-answer events replace the await steps as the DNS source', () => {
  const events = stamped([
    [0, START],
    [1, { kind: 'dns-answer', aws: 0, name: 'app.example.com', values: ['primary'], status: 'NOERROR' }],
    [4, { kind: 'dns-answer', aws: 0, name: 'app.example.com', values: ['primary'], status: 'NOERROR' }],
    [5, { kind: 'dns-answer', aws: 0, name: 'app.example.com', values: ['standby'], status: 'NOERROR' }],
  ]);
  const [dns] = reportModel(events).dns;
  assert.is(dns!.source, 'dns-answer-events');
  assert.equal(
    dns!.segments.map((s) => [s.value, s.start - T0]),
    [
      ['primary', 1000],
      ['standby', 5000],
    ],
  );
  const rows = foldEvents(events, { runDir: '/tmp/x' }).timeline.filter((r) => r.what === 'DNS answer');
  assert.equal(
    rows.map((r) => r.detail),
    ['app.example.com → primary', 'app.example.com → standby (changed after 12:00:04.000, the read before)'],
  );
});

test('the folded report carries verdicts, evidence, AWS timestamps and the timeline', () => {
  const report = foldEvents(DRILL, { runDir: '/tmp/x' });
  assert.is(report.reportVersion, 1);
  assert.is(report.engineVersion, '9.9.9');
  assert.is(report.workflow.description, 'The drill.');
  assert.is(report.startedAtAws, new Date(T0).toISOString());
  assert.is(report.startedAt, new Date(T0 - 1000).toISOString());
  assert.is(report.steps[2]!.startedAt, new Date(T0 + 8000).toISOString());
  assert.equal(report.steps[0]!.outputs, { experimentId: 'EXP1' });
  assert.is(report.verdicts.length, 2);
  assert.equal(report.evidence.writes, [{ probe: 'writer', acked: 2, lost: 1 }]);
  assert.equal(report.evidence.faultWindows, [
    { label: 'fault: break', source: 'experiment-steps', start: new Date(T0 + 2000).toISOString(), end: new Date(T0 + 9000).toISOString() },
  ]);
  // A watch sees a change at its next read: the row says when the read before still showed the old status.
  assert.ok(
    report.timeline.some(
      (r) => r.what === 'health check unhealthy' && r.detail === 'hc-1: Failure: HTTP 500 (changed after 12:00:03.000, the read before)',
    ),
    JSON.stringify(report.timeline),
  );
  assert.ok(
    report.timeline.some((r) => r.what === 'health check healthy' && r.detail === 'hc-1'),
    'the first read has no read before',
  );
  assert.ok(report.timeline.some((r) => r.what === 'objective BREACHED'));
});

test('the SVG has a lane per step, the fault window, and rows for each kind of evidence', () => {
  const svg = renderTimelineSvg(reportModel(DRILL));
  assert.equal(
    [...svg.matchAll(/data-lane="([^"]+)"/g)].map((m) => m[1]),
    ['break', 'watch', 'restore'],
  );
  assert.is([...svg.matchAll(/data-fault=/g)].length, 1);
  for (const attr of ['data-health-check="hc-1"', 'data-dns="app.example.com"', 'data-probe="reader"', 'data-writes="writer"'])
    assert.ok(svg.includes(attr), attr);
  assert.not.match(svg, /undefined|NaN/);
});

test.run();
