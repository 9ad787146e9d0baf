import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCli, cliTest, type AwsCliResult } from '../helpers/awsCli.ts';
import { emulatorSuite, type EmulatorContext } from '../helpers/emulatorSuite.ts';

/**
 * The tutorial's FIS steps through the real AWS CLI v2 (LocalStack's "Route53 Failover with FIS"):
 * `create-experiment-template --cli-input-json file://experiment-lambda.json`, then
 * `start-experiment`, then `stop-experiment`. Runs only where /usr/bin/aws is installed.
 */

const test = emulatorSuite<{ dir: string; file: string }>('emulator/fisCli', { reset: false });

/** experiment-lambda.json, exactly as the tutorial has it. */
const EXPERIMENT_LAMBDA_JSON = `{
  "actions": {
    "Some test action": {
      "actionId": "localstack:generic:api-error",
      "parameters": {
        "service": "lambda",
        "operation": "Invoke",
        "percentage": "100",
        "exception": "Internal Server Error",
        "errorCode": "500"
      }
    }
  },
  "description": "Template for error return on Lambda invoke.",
  "stopConditions": [
    {
      "source": "none"
    }
  ],
  "roleArn": "arn:aws:iam:000000000000:role/ExperimentRole"
}
`;

const aws = (ctx: EmulatorContext & { dir: string }, ...args: string[]): Promise<AwsCliResult> =>
  awsCli(ctx.emu.endpoint, args, { home: ctx.dir });

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'fis-cli-'));
  ctx.file = join(ctx.dir, 'experiment-lambda.json');
  await writeFile(ctx.file, EXPERIMENT_LAMBDA_JSON);
});
test.after(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

cliTest(test)('create-experiment-template, start-experiment and stop-experiment as in the tutorial', async (ctx) => {
  const tutorial = JSON.parse(EXPERIMENT_LAMBDA_JSON) as { actions: unknown; description: string; roleArn: string };
  const created = await aws(ctx, 'fis', 'create-experiment-template', '--cli-input-json', `file://${ctx.file}`);
  assert.is(created.code, 0, created.stderr);
  const { experimentTemplate: t } = JSON.parse(created.stdout) as { experimentTemplate: Record<string, unknown> };
  assert.match(String(t.id), /^EXT/);
  assert.equal(t.actions, tutorial.actions);
  assert.is(t.description, tutorial.description);
  assert.is(t.roleArn, tutorial.roleArn);
  assert.equal(t.stopConditions, [{ source: 'none' }]);

  const started = await aws(ctx, 'fis', 'start-experiment', '--experiment-template-id', String(t.id));
  assert.is(started.code, 0, started.stderr);
  const { experiment: e } = JSON.parse(started.stdout) as {
    experiment: {
      id: string;
      experimentTemplateId: string;
      state: { status: string };
      actions: Record<string, { actionId: string; parameters: unknown }>;
    };
  };
  assert.is(e.state.status, 'running');
  assert.is(e.experimentTemplateId, t.id);
  assert.equal(Object.keys(e.actions), ['Some test action']);
  assert.is(e.actions['Some test action']!.actionId, 'localstack:generic:api-error');
  assert.equal(
    e.actions['Some test action']!.parameters,
    (tutorial.actions as Record<string, { parameters: unknown }>)['Some test action']!.parameters,
  );
  assert.is(ctx.emu.faults.list().length, 1);

  const stopped = await aws(ctx, 'fis', 'stop-experiment', '--id', e.id);
  assert.is(stopped.code, 0, stopped.stderr);
  assert.is((JSON.parse(stopped.stdout) as { experiment: { state: { status: string } } }).experiment.state.status, 'stopping');
  assert.equal(ctx.emu.faults.list(), []);
});

cliTest(test)('a service error exits 254 with AWS wording', async (ctx) => {
  const r = await aws(ctx, 'fis', 'get-experiment', '--id', 'EXPnope');
  assert.is(r.code, 254);
  assert.match(
    r.stderr,
    'An error occurred (ResourceNotFoundException) when calling the GetExperiment operation: Experiment EXPnope does not exist',
  );
});

test.run();
