import * as assert from 'uvu/assert';
import {
  CreateExperimentTemplateCommand,
  DeleteExperimentTemplateCommand,
  GetActionCommand,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  GetTargetResourceTypeCommand,
  ListActionsCommand,
  ListExperimentTemplatesCommand,
  ListExperimentsCommand,
  ListTagsForResourceCommand,
  ListTargetResourceTypesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateExperimentTemplateCommand,
  type CreateExperimentTemplateCommandInput,
} from '@aws-sdk/client-fis';
import { ManualClock } from '../../emulator/clock.ts';
import { rejects } from '../helpers/awsErrors.ts';
import { fisClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/** The FIS control plane through the real @aws-sdk/client-fis (3.523): shapes, errors, idempotency, regions. */

const clock = new ManualClock();
const test = emulatorSuite('emulator/fis', { emulator: { clock }, context: { clock } });

/** The LocalStack tutorial's experiment-lambda.json, verbatim. */
const TUTORIAL: CreateExperimentTemplateCommandInput = {
  actions: {
    'Some test action': {
      actionId: 'localstack:generic:api-error',
      parameters: { service: 'lambda', operation: 'Invoke', percentage: '100', exception: 'Internal Server Error', errorCode: '500' },
    },
  },
  description: 'Template for error return on Lambda invoke.',
  stopConditions: [{ source: 'none' }],
  roleArn: 'arn:aws:iam:000000000000:role/ExperimentRole',
};

test('CreateExperimentTemplate accepts the tutorial template and echoes it with epoch timestamps', async (ctx) => {
  const { experimentTemplate: t } = await fisClient(ctx.emu).send(new CreateExperimentTemplateCommand(TUTORIAL));
  assert.match(t!.id!, /^EXT[A-Za-z0-9]{14}$/);
  assert.equal(t!.actions, TUTORIAL.actions);
  assert.is(t!.description, TUTORIAL.description);
  assert.equal(t!.stopConditions, [{ source: 'none' }]);
  assert.is(t!.roleArn, 'arn:aws:iam:000000000000:role/ExperimentRole');
  assert.equal(t!.targets, {});
  assert.equal(t!.tags, {});
  assert.is(t!.creationTime!.getTime(), ctx.clock.now());
  assert.is(t!.lastUpdateTime!.getTime(), ctx.clock.now());

  const raw = await fetch(`${ctx.emu.endpoint}/experimentTemplates/${t!.id}`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/fis/aws4_request' },
  });
  const body = (await raw.json()) as { experimentTemplate: { creationTime: unknown } };
  assert.is(body.experimentTemplate.creationTime, ctx.clock.now() / 1000, 'epoch seconds on the wire');
});

test('Get/List/Update/Delete a template; unknown ids are ResourceNotFoundException 404', async (ctx) => {
  const client = fisClient(ctx.emu);
  const { experimentTemplate: t } = await client.send(new CreateExperimentTemplateCommand({ ...TUTORIAL, tags: { team: 'dr' } }));
  const got = await client.send(new GetExperimentTemplateCommand({ id: t!.id }));
  assert.equal(got.experimentTemplate!.tags, { team: 'dr' });
  assert.equal(got.experimentTemplate!.actions, TUTORIAL.actions);

  await ctx.clock.advance(5_000);
  const updated = await client.send(
    new UpdateExperimentTemplateCommand({
      id: t!.id,
      description: 'changed',
      actions: { wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' } } },
    }),
  );
  assert.is(updated.experimentTemplate!.description, 'changed');
  assert.equal(Object.keys(updated.experimentTemplate!.actions!), ['wait']);
  assert.is(updated.experimentTemplate!.roleArn, TUTORIAL.roleArn, 'fields not given are kept');
  assert.is(updated.experimentTemplate!.lastUpdateTime!.getTime() - updated.experimentTemplate!.creationTime!.getTime(), 5_000);

  const listed = await client.send(new ListExperimentTemplatesCommand({}));
  assert.equal(
    listed.experimentTemplates!.map((s) => [s.id, s.description]),
    [[t!.id, 'changed']],
  );

  const deleted = await client.send(new DeleteExperimentTemplateCommand({ id: t!.id }));
  assert.is(deleted.experimentTemplate!.id, t!.id);
  for (const call of [
    client.send(new GetExperimentTemplateCommand({ id: t!.id })),
    client.send(new DeleteExperimentTemplateCommand({ id: t!.id })),
    client.send(new UpdateExperimentTemplateCommand({ id: t!.id, description: 'x' })),
    client.send(new StartExperimentCommand({ experimentTemplateId: t!.id })),
  ]) {
    const err = await rejects(call);
    assert.is(err.name, 'ResourceNotFoundException');
    assert.is(err.message, `Experiment template ${t!.id} does not exist`);
    assert.is(err.$metadata.httpStatusCode, 404);
  }
});

test('missing required members: ValidationException with the Coral message', async (ctx) => {
  const { roleArn: _r, description: _d, ...rest } = TUTORIAL;
  const err = await rejects(fisClient(ctx.emu).send(new CreateExperimentTemplateCommand(rest as CreateExperimentTemplateCommandInput)));
  assert.is(err.name, 'ValidationException');
  assert.is(err.$metadata.httpStatusCode, 400);
  assert.is(
    err.message,
    "2 validation errors detected: Value null at 'description' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
  );
  const noActionId = await rejects(
    fisClient(ctx.emu).send(new CreateExperimentTemplateCommand({ ...TUTORIAL, actions: { a: {} as { actionId: string } } })),
  );
  assert.is(
    noActionId.message,
    "1 validation error detected: Value null at 'actions.a.member.actionId' failed to satisfy constraint: Member must not be null",
  );
});

test('invalid actions and targets are ValidationException 400', async (ctx) => {
  const create = (patch: Partial<CreateExperimentTemplateCommandInput>) =>
    rejects(fisClient(ctx.emu).send(new CreateExperimentTemplateCommand({ ...TUTORIAL, ...patch })));
  const fn = 'arn:aws:lambda:us-east-1:000000000000:function:get-product';
  const cases: [Partial<CreateExperimentTemplateCommandInput>, string][] = [
    [{ actions: { a: { actionId: 'aws:ec2:nope' } } }, 'Action type aws:ec2:nope in action "a" is not supported.'],
    [
      { actions: { a: { actionId: 'localstack:generic:api-error', parameters: { percentage: '120' } } } },
      'Invalid value "120" for parameter "percentage" in action "a": must be a number from 0 to 100.',
    ],
    [
      { actions: { a: { actionId: 'localstack:generic:api-error', parameters: { duration: '5 minutes' } } } },
      'Invalid value "5 minutes" for parameter "duration" in action "a": must be an ISO 8601 duration such as PT5M.',
    ],
    [{ actions: { a: { actionId: 'aws:fis:wait' } } }, 'Missing required parameter "duration" in action "a".'],
    [
      { actions: { a: { actionId: 'localstack:generic:api-error', targets: { Instances: 'x' } } } },
      'Unexpected target "Instances" found in action "a".',
    ],
    [
      { actions: { a: { actionId: 'aws:lambda:invocation-error', parameters: { duration: 'PT1M' }, targets: { Functions: 'fns' } } } },
      'Target "fns" referenced in action "a" is not defined in the template.',
    ],
    [
      { actions: { a: { actionId: 'aws:lambda:invocation-error', parameters: { duration: 'PT1M' } } } },
      'Missing required target "Functions" in action "a".',
    ],
    [
      {
        targets: { fns: { resourceType: 'aws:lambda:function', resourceArns: [fn], resourceTags: { a: 'b' }, selectionMode: 'ALL' } },
      },
      'You cannot specify both resource ARNs and resource tags for target fns.',
    ],
    [
      {
        actions: {
          a: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1S' }, startAfter: ['b'] },
          b: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1S' }, startAfter: ['a'] },
        },
      },
      'The startAfter references of action "a" form a cycle.',
    ],
    [
      { actions: { a: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1S' }, startAfter: ['zzz'] } } },
      'Action "a" has startAfter "zzz", which is not an action of this template.',
    ],
    [{ stopConditions: [{ source: 'sometimes' }] }, 'Invalid stop condition source sometimes. Use none or aws:cloudwatch:alarm.'],
  ];
  for (const [patch, message] of cases) {
    const err = await create(patch);
    assert.is(err.name, 'ValidationException', message);
    assert.is(err.$metadata.httpStatusCode, 400);
    assert.ok(err.message.startsWith(message), `${err.message} should start with ${message}`);
  }
  assert.equal((await fisClient(ctx.emu).send(new ListExperimentTemplatesCommand({}))).experimentTemplates, [], 'nothing was created');
});

test('clientToken makes CreateExperimentTemplate and StartExperiment idempotent', async (ctx) => {
  const client = fisClient(ctx.emu);
  const a = await client.send(new CreateExperimentTemplateCommand({ ...TUTORIAL, clientToken: 'tok-1' }));
  const b = await client.send(new CreateExperimentTemplateCommand({ ...TUTORIAL, clientToken: 'tok-1' }));
  const c = await client.send(new CreateExperimentTemplateCommand({ ...TUTORIAL, clientToken: 'tok-2' }));
  assert.is(b.experimentTemplate!.id, a.experimentTemplate!.id);
  assert.is.not(c.experimentTemplate!.id, a.experimentTemplate!.id);
  assert.is((await client.send(new ListExperimentTemplatesCommand({}))).experimentTemplates!.length, 2);

  const id = a.experimentTemplate!.id;
  const e1 = await client.send(new StartExperimentCommand({ experimentTemplateId: id, clientToken: 'run-1' }));
  const e2 = await client.send(new StartExperimentCommand({ experimentTemplateId: id, clientToken: 'run-1' }));
  const e3 = await client.send(new StartExperimentCommand({ experimentTemplateId: id }));
  assert.is(e2.experiment!.id, e1.experiment!.id);
  assert.is.not(e3.experiment!.id, e1.experiment!.id, 'the SDK fills a fresh token');
  assert.is((await client.send(new ListExperimentsCommand({}))).experiments!.length, 2);
});

test('templates and experiments are regional', async (ctx) => {
  const { experimentTemplate: t } = await fisClient(ctx.emu, 'us-east-1').send(new CreateExperimentTemplateCommand(TUTORIAL));
  const eu = fisClient(ctx.emu, 'eu-central-1');
  assert.equal((await eu.send(new ListExperimentTemplatesCommand({}))).experimentTemplates, []);
  const err = await rejects(eu.send(new GetExperimentTemplateCommand({ id: t!.id })));
  assert.is(err.name, 'ResourceNotFoundException');
  const { experiment } = await fisClient(ctx.emu, 'us-east-1').send(new StartExperimentCommand({ experimentTemplateId: t!.id }));
  assert.is(
    (await rejects(eu.send(new GetExperimentCommand({ id: experiment!.id })))).message,
    `Experiment ${experiment!.id} does not exist`,
  );
  assert.ok(experiment!.id!.startsWith('EXP'));
  assert.is(ctx.emu.faults.list()[0]!.region, 'us-east-1', "api-error's region defaults to the experiment's");
});

test('StartExperiment: running with the actions echoed; Stop answers stopping, then stopped; stop again is a no-op', async (ctx) => {
  const client = fisClient(ctx.emu);
  const { experimentTemplate: t } = await client.send(new CreateExperimentTemplateCommand(TUTORIAL));
  const { experiment: e } = await client.send(new StartExperimentCommand({ experimentTemplateId: t!.id, tags: { run: '1' } }));
  assert.is(e!.state!.status, 'running');
  assert.is(e!.experimentTemplateId, t!.id);
  assert.is(e!.roleArn, TUTORIAL.roleArn);
  assert.equal(e!.stopConditions, [{ source: 'none' }]);
  assert.equal(e!.tags, { run: '1' });
  const action = e!.actions!['Some test action']!;
  assert.is(action.actionId, 'localstack:generic:api-error');
  assert.equal(action.parameters, TUTORIAL.actions!['Some test action']!.parameters);
  assert.is(action.state!.status, 'running');
  assert.is(e!.startTime!.getTime(), ctx.clock.now());

  const listed = await client.send(new ListExperimentsCommand({}));
  assert.equal(
    listed.experiments!.map((x) => [x.id, x.experimentTemplateId, x.state!.status]),
    [[e!.id, t!.id, 'running']],
  );

  await ctx.clock.advance(60_000);
  const stopped = await client.send(new StopExperimentCommand({ id: e!.id }));
  assert.is(stopped.experiment!.state!.status, 'stopping');
  assert.is(stopped.experiment!.actions!['Some test action']!.state!.status, 'stopping');
  const got = await client.send(new GetExperimentCommand({ id: e!.id }));
  assert.is(got.experiment!.state!.status, 'stopped');
  assert.is(got.experiment!.state!.reason, 'Experiment stopped');
  assert.is(got.experiment!.actions!['Some test action']!.state!.status, 'stopped');
  assert.is(got.experiment!.endTime!.getTime() - got.experiment!.startTime!.getTime(), 60_000);
  assert.is(got.experiment!.actions!['Some test action']!.endTime!.getTime(), got.experiment!.endTime!.getTime());

  const again = await client.send(new StopExperimentCommand({ id: e!.id }));
  assert.is(again.experiment!.state!.status, 'stopped');
  const missing = await rejects(client.send(new StopExperimentCommand({ id: 'EXPnope' })));
  assert.is(missing.name, 'ResourceNotFoundException');
  assert.is(missing.message, 'Experiment EXPnope does not exist');
  assert.is(missing.$metadata.httpStatusCode, 404);
});

test('List paging with maxResults and nextToken; a bad maxResults is a ValidationException', async (ctx) => {
  const client = fisClient(ctx.emu);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await client.send(new CreateExperimentTemplateCommand(TUTORIAL))).experimentTemplate!.id!);
  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(new ListExperimentTemplatesCommand({ maxResults: 2, nextToken }));
    seen.push(...page.experimentTemplates!.map((t) => t.id!));
    nextToken = page.nextToken;
    pages++;
  } while (nextToken);
  assert.equal(seen, ids);
  assert.is(pages, 2);
  const err = await rejects(client.send(new ListExperimentTemplatesCommand({ maxResults: 500 })));
  assert.is(err.name, 'ValidationException');
});

test('ListActions/GetAction and target resource types describe the supported catalogue', async (ctx) => {
  const client = fisClient(ctx.emu);
  const ids = (await client.send(new ListActionsCommand({}))).actions!.map((a) => a.id);
  for (const id of [
    'localstack:generic:api-error',
    'localstack:generic:latency',
    'aws:lambda:invocation-error',
    'aws:lambda:invocation-add-delay',
    'aws:lambda:invocation-http-integration-response',
    'aws:fis:wait',
  ]) {
    assert.ok(ids.includes(id), id);
  }
  const { action } = await client.send(new GetActionCommand({ id: 'aws:lambda:invocation-error' }));
  assert.equal(action!.targets, { Functions: { resourceType: 'aws:lambda:function' } });
  assert.is(action!.parameters!.duration!.required, true);
  assert.is((await rejects(client.send(new GetActionCommand({ id: 'aws:nope' })))).name, 'ResourceNotFoundException');
  const types = await client.send(new ListTargetResourceTypesCommand({}));
  assert.equal(
    types.targetResourceTypes!.map((t) => t.resourceType),
    ['aws:lambda:function'],
  );
  const one = await client.send(new GetTargetResourceTypeCommand({ resourceType: 'aws:lambda:function' }));
  assert.is(one.targetResourceType!.resourceType, 'aws:lambda:function');
});

test('TagResource / ListTagsForResource / UntagResource on a template ARN', async (ctx) => {
  const client = fisClient(ctx.emu);
  const { experimentTemplate: t } = await client.send(new CreateExperimentTemplateCommand({ ...TUTORIAL, tags: { a: '1' } }));
  const arn = `arn:aws:fis:us-east-1:000000000000:experiment-template/${t!.id}`;
  await client.send(new TagResourceCommand({ resourceArn: arn, tags: { b: '2', c: '3' } }));
  assert.equal((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { a: '1', b: '2', c: '3' });
  await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a', 'c'] }));
  assert.equal((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { b: '2' });
  assert.equal((await client.send(new GetExperimentTemplateCommand({ id: t!.id }))).experimentTemplate!.tags, { b: '2' });
});

test.run();
