import { GetHostedZoneCommand, ListHostedZonesByNameCommand, Route53Client } from '@aws-sdk/client-route-53';
import * as assert from 'uvu/assert';
import { NonRetryableError } from '../../engine/errors.ts';
import type { Target } from '../../engine/types.ts';
import awsCall from '../../steps/awsCall.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { captureLog, stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

const test = emulatorSuite('steps/awsCall');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');

async function zonesNamed(target: Target, name: string): Promise<string[]> {
  const listed = await r53(target).send(new ListHostedZonesByNameCommand({ DNSName: name }));
  return (listed.HostedZones ?? []).filter((z) => z.Name === `${name}.`).map((z) => z.Id ?? '');
}

const CREATE_ZONE = {
  service: 'route53' as const,
  operation: 'CreateHostedZone',
  input: { Name: 'call.example.com', CallerReference: 'awscall-1' },
  undo: { operation: 'DeleteHostedZone', fromResponse: { Id: 'HostedZone.Id' } },
};

test('calls an operation by name through the target; the response is plain JSON without $metadata', async ({ target }) => {
  const out = await runStep(awsCall, CREATE_ZONE, stepContext(target));
  const response = out.response as { HostedZone: { Id: string; Name: string }; ChangeInfo: { SubmittedAt: string } };
  assert.is(response.HostedZone.Name, 'call.example.com.');
  assert.match(response.ChangeInfo.SubmittedAt, /^\d{4}-\d\d-\d\dT/, 'dates as ISO strings');
  assert.not.ok('$metadata' in (out.response as object));
  const got = await r53(target).send(new GetHostedZoneCommand({ Id: response.HostedZone.Id }));
  assert.is(got.HostedZone?.CallerReference, 'awscall-1');
});

test("the CLI's operation spelling works too, in any region and service", async ({ target }) => {
  const out = await runStep(
    awsCall,
    {
      service: 'dynamodb',
      operation: 'create-table',
      region: 'eu-central-1',
      input: {
        TableName: 'Things',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
    },
    stepContext(target),
  );
  assert.is((out.response as { TableDescription: { TableName: string } }).TableDescription.TableName, 'Things');
  const listed = await runStep(awsCall, { service: 'dynamodb', operation: 'ListTables', region: 'eu-central-1' }, stepContext(target));
  assert.equal(listed.response, { TableNames: ['Things'] });
});

test('an operation the SDK client does not have fails for good; an AWS error passes through as is', async ({ target }) => {
  try {
    await runStep(awsCall, { service: 'route53', operation: 'LaunchRocket' }, stepContext(target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, NonRetryableError);
    assert.is((error as Error).message, 'awsCall: route53 has no operation LaunchRocket (in the installed SDK client)');
  }
  try {
    await runStep(awsCall, { service: 'route53', operation: 'GetHostedZone', input: { Id: 'NOPE' } }, stepContext(target));
    assert.unreachable('should fail');
  } catch (error) {
    assert.is((error as Error).name, 'NoSuchHostedZone');
  }
});

test('a rollback without outputs cannot build the undo input from the response: it warns and leaves the zone', async ({ target }) => {
  const log = captureLog();
  await runStep(awsCall, CREATE_ZONE, stepContext(target));
  await rollbackStep(awsCall, CREATE_ZONE, stepContext(target, { log: log.logger }), undefined);
  assert.is((await zonesNamed(target, 'call.example.com')).length, 1);
  assert.equal(log.lines, ['warn awsCall rollback: the call never finished, so DeleteHostedZone has no Id; left as is']);
});

testStep(test, awsCall, {
  valid: [CREATE_ZONE, { service: 'lambda', operation: 'list-functions', region: 'eu-central-1' }],
  invalid: [
    { params: { service: 'ec2', operation: 'RunInstances' }, errors: ['/service: must be equal to one of the allowed values'] },
    { params: { service: 'route53' }, errors: ["/: must have required property 'operation'"] },
    {
      params: { service: 'route53', operation: 'create_hosted_zone' },
      errors: ['/operation: must match pattern "^([A-Z][A-Za-z0-9]*|[a-z][a-z0-9]*(-[a-z0-9]+)*)$"'],
    },
    { params: { ...CREATE_ZONE, undo: { input: {} } }, errors: ["/undo: must have required property 'operation'"] },
  ],
  runThenRollback: {
    params: CREATE_ZONE,
    leftovers: ({ target }) => zonesNamed(target, 'call.example.com'),
    withoutOutputs: { kept: 'the zone id AWS chose is only in the response' },
  },
});

test.run();
