import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FisClient, GetExperimentCommand, ListExperimentTemplatesCommand, ListExperimentsCommand } from '@aws-sdk/client-fis';
import type { Emulator } from '../../emulator/index.ts';
import { systemClock } from '../../engine/clock.ts';
import { NonRetryableError } from '../../engine/errors.ts';
import type { Target } from '../../engine/types.ts';
import startExperiment from '../../steps/startExperiment.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { captureLog, stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/startExperiment');

const fis = (target: Target) => target.client(FisClient, 'us-east-1');
const TUTORIAL_FILE = { region: 'us-east-1', templateFile: 'experiments/experiment-lambda.json' };
const lambdaInvokeFaults = (emu: Emulator, region = 'us-east-1') =>
  emu.faults.match({ service: 'lambda', operation: 'Invoke', region }).length;

async function status(target: Target, id: string): Promise<string | undefined> {
  return (await fis(target).send(new GetExperimentCommand({ id }))).experiment?.state?.status;
}

async function templateCount(target: Target): Promise<number> {
  return (await fis(target).send(new ListExperimentTemplatesCommand({}))).experimentTemplates?.length ?? 0;
}

test("starts the tutorial's experiment from its file (malformed roleArn and all): Lambda Invoke fails in us-east-1 only", async ({
  emu,
  target,
}) => {
  // startedAt is read from the step's clock (here systemClock: monotonic since it was made):
  // compare on that clock, not Date.now(), which time adjustments move apart by a few ms.
  const before = systemClock.now();
  const out = await runStep(startExperiment, { ...TUTORIAL_FILE }, stepContext(target));
  assert.ok(out.experimentId && out.templateId);
  const after = systemClock.now();
  assert.ok(out.startedAt >= before && out.startedAt <= after, `${before} ≤ ${out.startedAt} ≤ ${after}`);
  assert.is(await status(target, out.experimentId), 'running');
  assert.ok(lambdaInvokeFaults(emu) > 0, 'fault active in us-east-1');
  assert.is(lambdaInvokeFaults(emu, 'eu-central-1'), 0, 'eu-central-1 untouched');
});

test('a retried attempt (same run and step) starts nothing twice', async ({ target }) => {
  const ctx = stepContext(target, { runId: 'r', stepId: 'breakPrimary' });
  const a = await runStep(startExperiment, { ...TUTORIAL_FILE }, ctx);
  const b = await runStep(startExperiment, { ...TUTORIAL_FILE }, { ...ctx, attempt: 2 });
  assert.is(b.templateId, a.templateId);
  assert.is(b.experimentId, a.experimentId);
  assert.is((await fis(target).send(new ListExperimentsCommand({}))).experiments?.length, 1);
});

test('rollback stops the experiment and deletes the template; twice is fine, and says the second time that it was stopped already', async ({
  emu,
  target,
}) => {
  const log = captureLog();
  const ctx = stepContext(target, { log: log.logger });
  const out = await runStep(startExperiment, { ...TUTORIAL_FILE }, ctx);
  await rollbackStep(startExperiment, { ...TUTORIAL_FILE }, ctx, out);
  await rollbackStep(startExperiment, { ...TUTORIAL_FILE }, ctx, out);
  assert.is(await status(target, out.experimentId), 'stopped');
  assert.is(lambdaInvokeFaults(emu), 0);
  assert.is(await templateCount(target), 0);
  const said = log.lines.filter((l) => l.includes('startExperiment rollback'));
  assert.equal(said, [
    `info startExperiment rollback: experiment ${out.experimentId} stopped`,
    `info startExperiment rollback: experiment ${out.experimentId} was already stopped; nothing to stop`,
  ]);
});

test("rollback without outputs finds this step's template by tag, and leaves other runs' alone", async ({ emu, target }) => {
  const crashed = stepContext(target, { runId: 'crashed', stepId: 'breakPrimary' });
  const template = {
    actions: { fail: { actionId: 'localstack:generic:api-error', parameters: { service: 'dynamodb', operation: 'GetItem' } } },
    description: 'inline',
    stopConditions: [{ source: 'none' }],
    roleArn: 'arn:aws:iam::000000000000:role/fis',
  };
  const mine = await runStep(startExperiment, { region: 'us-east-1', template }, crashed);
  const other = await runStep(
    startExperiment,
    { region: 'us-east-1', template },
    stepContext(target, { runId: 'other', stepId: 'breakPrimary' }),
  );
  await rollbackStep(startExperiment, { region: 'us-east-1', template }, crashed, undefined);
  assert.is(await status(target, mine.experimentId), 'stopped');
  assert.is(await status(target, other.experimentId), 'running');
  assert.is(await templateCount(target), 1);
  assert.ok(emu.faults.match({ service: 'dynamodb', operation: 'GetItem', region: 'us-east-1' }).length > 0, "the other run's fault stays");
});

test('bad template input is not retryable: missing file, invalid JSON, both or neither given', async ({ target }) => {
  const dir = mkdtempSync(join(tmpdir(), 'fis-'));
  writeFileSync(join(dir, 'broken.json'), '{"actions": ');
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ region: 'us-east-1', templateFile: 'nope.json' }, /cannot read templateFile .*nope\.json/],
    [{ region: 'us-east-1', templateFile: 'broken.json' }, /broken\.json is not valid JSON/],
    [{ region: 'us-east-1' }, /exactly one of template or templateFile/],
  ];
  for (const [params, message] of cases) {
    try {
      // Straight to run: the last case is one the schema refuses, and the step refuses it too.
      await startExperiment.run(params as never, stepContext(target, { workflowDir: dir }));
      assert.unreachable('should fail');
    } catch (error) {
      assert.instance(error, NonRetryableError);
      assert.match((error as Error).message, message);
    }
  }
});

testStep(test, startExperiment, {
  valid: [TUTORIAL_FILE, { region: 'us-east-1', template: { actions: {} } }],
  invalid: [
    {
      params: { region: 'us-east-1' },
      errors: [
        "/: must have required property 'template'",
        "/: must have required property 'templateFile'",
        '/: must match exactly one schema in oneOf',
      ],
    },
    { params: { ...TUTORIAL_FILE, template: { actions: {} } }, errors: ['/: must match exactly one schema in oneOf'] },
    {
      params: { templateFile: 'x.json' },
      errors: ["/: must have required property 'region'"],
    },
  ],
  runThenRollback: {
    params: TUTORIAL_FILE,
    leftovers: async ({ target }) => {
      const templates = (await fis(target).send(new ListExperimentTemplatesCommand({}))).experimentTemplates ?? [];
      const experiments = (await fis(target).send(new ListExperimentsCommand({}))).experiments ?? [];
      const running = experiments.filter((e) => !['stopped', 'completed', 'failed'].includes(e.state?.status ?? ''));
      return [...templates.map((t) => `template ${t.id}`), ...running.map((e) => `experiment ${e.id} ${e.state?.status}`)];
    },
  },
});

test.run();
