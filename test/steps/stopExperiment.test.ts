import * as assert from 'uvu/assert';
import { FisClient, GetExperimentCommand } from '@aws-sdk/client-fis';
import type { Emulator } from '../../emulator/index.ts';
import { NonRetryableError } from '../../engine/errors.ts';
import startExperiment from '../../steps/startExperiment.ts';
import stopExperiment from '../../steps/stopExperiment.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { paramErrors } from '../helpers/validateParams.ts';

const test = emulatorSuite('steps/stopExperiment');

const TUTORIAL_FILE = { region: 'us-east-1', templateFile: 'experiments/experiment-lambda.json' };
const lambdaInvokeFaults = (emu: Emulator) => emu.faults.match({ service: 'lambda', operation: 'Invoke', region: 'us-east-1' }).length;

test('stopExperiment stops it and the fault is gone; stopping again still reports stopped', async ({ emu, target }) => {
  const started = await startExperiment.run({ ...TUTORIAL_FILE }, stepContext(target));
  const stopped = await stopExperiment.run({ region: 'us-east-1', experimentId: started.experimentId }, stepContext(target));
  assert.is(stopped.status, 'stopped');
  assert.ok(stopped.stoppedAt >= started.startedAt);
  assert.is(lambdaInvokeFaults(emu), 0);
  assert.is((await stopExperiment.run({ region: 'us-east-1', experimentId: started.experimentId }, stepContext(target))).status, 'stopped');
  assert.is(stopExperiment.rollback, undefined, 'nothing to undo');
});

test('stopExperiment on an unknown id fails for good', async ({ target }) => {
  try {
    await stopExperiment.run({ region: 'us-east-1', experimentId: 'EXP123456789' }, stepContext(target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, NonRetryableError);
    assert.is((error as Error).message, 'stopExperiment: no experiment EXP123456789 in us-east-1');
  }
});

test('the fault stays while the experiment runs, until stopExperiment', async ({ emu, target }) => {
  const started = await startExperiment.run({ ...TUTORIAL_FILE }, stepContext(target));
  const got = await target.client(FisClient, 'us-east-1').send(new GetExperimentCommand({ id: started.experimentId }));
  assert.is(got.experiment?.state?.status, 'running');
  assert.ok(lambdaInvokeFaults(emu) > 0);
});

test('params: region and experimentId required', () => {
  assert.equal(paramErrors(stopExperiment, { region: 'us-east-1', experimentId: 'EXP1' }), []);
  assert.equal(paramErrors(stopExperiment, { region: 'us-east-1' }), ["/: must have required property 'experimentId'"]);
  assert.equal(paramErrors(stopExperiment, { region: 'us-east-1', experimentId: 'EXP1', force: true }), ['/: must NOT have additional properties']);
});

test.run();
