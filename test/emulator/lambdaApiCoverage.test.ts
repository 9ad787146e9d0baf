import * as lambdaSdk from '@aws-sdk/client-lambda';
import { CreateAliasCommand, CreateFunctionCommand, type LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { lambdaClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { lambdaZip } from '../helpers/lambdaZip.ts';

/**
 * Every operation of Lambda's API model — each `*Command` class `@aws-sdk/client-lambda`
 * exports — sent through the real client: it either works (a success, or an AWS error of the
 * operation itself such as a 404 for a missing resource) or answers 501 naming exactly that
 * operation. Never a 405, a 500, or a 501 naming a path or another operation.
 */
const clock = new ManualClock();
const test = emulatorSuite<{ clock: ManualClock; lambda: LambdaClient }>('lambda API coverage', {
  emulator: { clock },
  context: { clock },
});

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:walk';
/** Every HTTP label any Lambda operation has, so that the client can build each request. */
const LABELS = {
  FunctionName: 'walk',
  Name: 'live',
  Resource: FN_ARN,
  ResourceArn: FN_ARN,
  UUID: '6a1b2c3d-0000-4000-8000-000000000000',
  LayerName: 'layer',
  VersionNumber: 1,
  StatementId: 's1',
  CodeSigningConfigArn: 'arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0',
  CapacityProviderName: 'provider',
  DurableExecutionArn: `${FN_ARN}:1/durable-execution/run/1`,
  CallbackId: 'callback',
  Arn: 'arn:aws:lambda:us-east-1:000000000000:layer:layer:1',
};

/** Operations this emulator answers with 501 (the README's list): what the walk must find, no more, no less. */
const EXPECTED_501 = new Set([
  'AddLayerVersionPermission',
  'CheckpointDurableExecution',
  'CreateCapacityProvider',
  'CreateCodeSigningConfig',
  'DeleteCapacityProvider',
  'DeleteCodeSigningConfig',
  'DeleteFunctionCodeSigningConfig',
  'DeleteLayerVersion',
  'DeleteProvisionedConcurrencyConfig',
  'DeleteResourcePolicy',
  'GetCapacityProvider',
  'GetCodeSigningConfig',
  'GetDurableExecution',
  'GetDurableExecutionHistory',
  'GetDurableExecutionState',
  'GetFunctionCodeSigningConfig',
  'GetFunctionRecursionConfig',
  'GetFunctionScalingConfig',
  'GetLayerVersion',
  'GetLayerVersionByArn',
  'GetLayerVersionPolicy',
  'GetProvisionedConcurrencyConfig',
  'GetResourcePolicy',
  'GetRuntimeManagementConfig',
  'InvokeAsync',
  'InvokeWithResponseStream',
  'ListCapacityProviders',
  'ListCodeSigningConfigs',
  'ListDurableExecutionsByFunction',
  'ListFunctionsByCodeSigningConfig',
  'ListFunctionVersionsByCapacityProvider',
  'ListLayers',
  'ListLayerVersions',
  'ListProvisionedConcurrencyConfigs',
  'PublishLayerVersion',
  'PutFunctionCodeSigningConfig',
  'PutFunctionRecursionConfig',
  'PutFunctionScalingConfig',
  'PutProvisionedConcurrencyConfig',
  'PutResourcePolicy',
  'PutRuntimeManagementConfig',
  'RemoveLayerVersionPermission',
  'SendDurableExecutionCallbackFailure',
  'SendDurableExecutionCallbackHeartbeat',
  'SendDurableExecutionCallbackSuccess',
  'StopDurableExecution',
  'UpdateCapacityProvider',
  'UpdateCodeSigningConfig',
]);

type AnyCommand = new (input: Record<string, unknown>) => lambdaSdk.$Command<never, never, never>;

test('every Lambda operation in the SDK either works or answers 501 naming it', async (ctx) => {
  const lambda = lambdaClient(ctx.emu);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'walk',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: lambdaZip('exports.handler = async () => ({ ok: true });') },
    }),
  );
  await ctx.clock.advance(1000);
  await lambda.send(new PublishVersionCommand({ FunctionName: 'walk' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'walk', Name: 'live', FunctionVersion: '1' }));

  const commands = Object.entries(lambdaSdk).filter(([name]) => name.endsWith('Command') && name !== '$Command') as unknown as [
    string,
    AnyCommand,
  ][];
  assert.ok(commands.length >= 80, `the SDK lists ${commands.length} commands`);
  const answered501: string[] = [];
  const problems: string[] = [];
  for (const [className, Command] of commands) {
    const operation = className.replace(/Command$/, '');
    try {
      await lambda.send(new Command({ ...LABELS }) as never);
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      if (status === 501) {
        answered501.push(operation);
        if (e.message !== `The operation '${operation}' of service 'lambda' is not implemented by this emulator`)
          problems.push(`${operation}: 501 "${e.message}"`);
      } else if (status === undefined || status >= 500 || status === 405 || (status === 404 && e.name !== 'ResourceNotFoundException')) {
        problems.push(`${operation}: ${status} ${e.name} ${e.message}`);
      }
    }
  }
  assert.equal(problems, []);
  assert.equal(answered501.sort(), [...EXPECTED_501].sort());
  lambda.destroy();
});

test.run();
