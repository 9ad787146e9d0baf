import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/index.ts';

/**
 * The tutorial's FIS steps through the real AWS CLI v2 (seed-scenario.md §b.1 steps 7-9):
 * `create-experiment-template --cli-input-json file://experiment-lambda.json`, then
 * `start-experiment`, then `stop-experiment`. Runs only where /usr/bin/aws is installed.
 */

const AWS = '/usr/bin/aws';
const test = suite<{ emu: Emulator; dir: string; file: string }>('emulator/fisCli');

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

function aws(ctx: { emu: Emulator; dir: string }, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: ctx.dir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: join(ctx.dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(ctx.dir, 'credentials'),
  };
  return new Promise((resolve) => {
    execFile(AWS, ['--endpoint-url', ctx.emu.endpoint, '--region', 'us-east-1', ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test.before(async (ctx) => {
  ctx.emu = await startEmulator();
  ctx.dir = await mkdtemp(join(tmpdir(), 'fis-cli-'));
  ctx.file = join(ctx.dir, 'experiment-lambda.json');
  await writeFile(ctx.file, EXPERIMENT_LAMBDA_JSON);
});
test.after(async (ctx) => {
  await ctx.emu.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

test('create-experiment-template, start-experiment and stop-experiment as in the tutorial', async (ctx) => {
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
    experiment: { id: string; experimentTemplateId: string; state: { status: string }; actions: Record<string, { actionId: string; parameters: unknown }> };
  };
  assert.is(e.state.status, 'running');
  assert.is(e.experimentTemplateId, t.id);
  assert.equal(Object.keys(e.actions), ['Some test action']);
  assert.is(e.actions['Some test action']!.actionId, 'localstack:generic:api-error');
  assert.equal(e.actions['Some test action']!.parameters, (tutorial.actions as Record<string, { parameters: unknown }>)['Some test action']!.parameters);
  assert.is(ctx.emu.faults.list().length, 1);

  const stopped = await aws(ctx, 'fis', 'stop-experiment', '--id', e.id);
  assert.is(stopped.code, 0, stopped.stderr);
  assert.is((JSON.parse(stopped.stdout) as { experiment: { state: { status: string } } }).experiment.state.status, 'stopping');
  assert.equal(ctx.emu.faults.list(), []);
});

test('a service error exits 254 with AWS wording', async (ctx) => {
  const r = await aws(ctx, 'fis', 'get-experiment', '--id', 'EXPnope');
  assert.is(r.code, 254);
  assert.match(r.stderr, 'An error occurred (ResourceNotFoundException) when calling the GetExperiment operation: Experiment EXPnope does not exist');
});

if (existsSync(AWS)) test.run();
else console.log(`emulator/fisCli: skipped, ${AWS} is not installed`);
