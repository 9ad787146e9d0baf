import * as assert from 'uvu/assert';
import { FisClient, GetExperimentCommand } from '@aws-sdk/client-fis';
import type { Emulator } from '../../emulator/index.ts';
import { NonRetryableError } from '../../engine/errors.ts';
import startExperiment from '../../steps/startExperiment.ts';
import stopExperiment from '../../steps/stopExperiment.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/stopExperiment');

const TUTORIAL_FILE = { region: 'us-east-1', templateFile: 'experiments/experiment-lambda.json' };
const lambdaInvokeFaults = (emu: Emulator) => emu.faults.match({ service: 'lambda', operation: 'Invoke', region: 'us-east-1' }).length;

test('stopExperiment stops it and the fault is gone; stopping again still reports stopped', async ({ emu, target }) => {
  const started = await runStep(startExperiment, { ...TUTORIAL_FILE }, stepContext(target));
  const stopped = await runStep(stopExperiment, { region: 'us-east-1', experimentId: started.experimentId }, stepContext(target));
  assert.is(stopped.status, 'stopped');
  assert.ok(stopped.stoppedAt >= started.startedAt);
  assert.is(lambdaInvokeFaults(emu), 0);
  assert.is(
    (await runStep(stopExperiment, { region: 'us-east-1', experimentId: started.experimentId }, stepContext(target))).status,
    'stopped',
  );
  assert.is(stopExperiment.rollback, undefined, 'nothing to undo');
});

test('stopExperiment on an unknown id fails for good', async ({ target }) => {
  try {
    await runStep(stopExperiment, { region: 'us-east-1', experimentId: 'EXP123456789' }, stepContext(target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, NonRetryableError);
    assert.is((error as Error).message, 'stopExperiment: no experiment EXP123456789 in us-east-1');
  }
});

test('the fault stays while the experiment runs, until stopExperiment', async ({ emu, target }) => {
  const started = await runStep(startExperiment, { ...TUTORIAL_FILE }, stepContext(target));
  const got = await target.client(FisClient, 'us-east-1').send(new GetExperimentCommand({ id: started.experimentId }));
  assert.is(got.experiment?.state?.status, 'running');
  assert.ok(lambdaInvokeFaults(emu) > 0);
});

testStep(test, stopExperiment, {
  valid: [
    { region: 'us-east-1', experimentId: 'EXP1' },
    { region: 'us-east-1', experimentId: 'EXP1', maxWait: '10m' },
  ],
  invalid: [
    { params: { region: 'us-east-1' }, errors: ["/: must have required property 'experimentId'"] },
    { params: { region: 'us-east-1', experimentId: 'EXP1', force: true }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: { noRollback: "stopping is itself startExperiment's compensation" },
});

test.run();
