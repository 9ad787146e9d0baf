import { Type } from '@sinclair/typebox';
import { NonRetryableError } from '../engine/errors.ts';
import type { StepContext } from '../engine/types.ts';
import { Default, defineStep, type StepParams } from './define.ts';
import { loadService, operationName, plainResponse, SERVICE_NAMES, type ServiceName } from './support/awsClients.ts';
import { isNotFound } from './support/awsErrors.ts';
import { Enum } from './support/schema.ts';

const operationSchema = (description: string) => Type.String({ pattern: '^([A-Z][A-Za-z0-9]*|[a-z][a-z0-9]*(-[a-z0-9]+)*)$', description });
const inputSchema = (description: string) => Default(Type.Record(Type.String(), Type.Unknown(), { description }), {});

const callParams = Type.Object(
  {
    service: Enum(SERVICE_NAMES, { description: 'Service, as the AWS CLI names it.' }),
    operation: operationSchema('Operation, as the SDK (CreateHostedZone) or the CLI (create-hosted-zone) names it.'),
    region: Default(Type.String({ minLength: 1, description: 'Region of the call (Route 53 is global: us-east-1).' }), 'us-east-1'),
    input: inputSchema("The operation's input, with the SDK's (PascalCase or camelCase) member names."),
    undo: Type.Optional(
      Type.Object(
        {
          operation: operationSchema('Compensating operation of the same service and region, e.g. DeleteHostedZone.'),
          input: inputSchema('Its input.'),
          fromResponse: Default(
            Type.Record(Type.String(), Type.String(), {
              description: "Input members taken from the run's response by dotted path, e.g. {Id: HostedZone.Id}.",
            }),
            {},
          ),
        },
        {
          additionalProperties: false,
          description: 'The call that undoes this one. "Not found" counts as undone, so a second rollback passes.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
type CallParams = StepParams<typeof callParams>;

/**
 * Any operation of the AWS services the project has SDK clients for, by name, through the
 * target (so it reaches the emulator, LocalStack or AWS like every other step): the escape
 * hatch for what no step type does. The response is the output, as plain JSON. With `undo`, the
 * rollback makes the compensating call; members it needs from the response (an id AWS chose)
 * come through `fromResponse`, so a rollback without outputs (the step never finished) cannot
 * build them and leaves the resource, with a warning.
 */
export default defineStep({
  type: 'awsCall',
  description:
    'Call any operation of an AWS service (route53, dynamodb, lambda, fis, apigateway, dynamodbstreams) by name; outputs the response. Rollback makes the `undo` call when given.',
  params: callParams,
  outputs: Type.Object({
    response: Type.Unknown({ description: 'The response without $metadata (dates as ISO strings, bytes as text).' }),
  }),
  async run(params, ctx) {
    return { response: await call(params.service, params.region, params.operation, params.input, ctx) };
  },
  async rollback(params, ctx, outputs) {
    const { undo } = params;
    if (!undo) {
      ctx.log.info('awsCall rollback: no undo call; nothing to do');
      return;
    }
    const input: Record<string, unknown> = { ...undo.input };
    for (const [member, path] of Object.entries(undo.fromResponse)) {
      const value = outputs === undefined ? undefined : pick(outputs.response, path);
      if (value === undefined) {
        ctx.log.warn(
          `awsCall rollback: ${outputs === undefined ? 'the call never finished' : `the response has no ${path}`}, so ${undo.operation} has no ${member}; left as is`,
        );
        return;
      }
      input[member] = value;
    }
    try {
      await call(params.service, params.region, undo.operation, input, ctx);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ctx.log.info(`awsCall rollback: ${undo.operation}: already gone`);
    }
  },
});

async function call(
  service: ServiceName,
  region: string,
  operation: string,
  input: CallParams['input'],
  ctx: StepContext,
): Promise<unknown> {
  const module = await loadService(service);
  const name = operationName(operation);
  const Command = module.command(name);
  if (!Command) throw new NonRetryableError(`awsCall: ${service} has no operation ${name} (in the installed SDK client)`);
  const client = ctx.target.client(module.client, region);
  return plainResponse(await client.send(new Command(input), { abortSignal: ctx.signal }));
}

/** The value at a dotted path (`HostedZone.Id`, `Items.0.id`), or undefined. */
function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
