import { FIS_FAULT_MESSAGE, type FaultRule } from '../faults.ts';

/**
 * The FIS actions this emulator runs, and what each installs in the fault registry while it runs.
 * LocalStack's generic actions (docs/fidelity/fis.md, "Actions") select calls by service, operation
 * and region; AWS's Lambda actions (fis-actions-reference) select functions by ARN through the
 * template's `Functions` target, and Lambda interprets the `functionError`/`httpResponse` effects
 * in its invoke path. Every parameter arrives as a string; unknown ones are ignored, as LocalStack
 * does. An action without a `duration` runs until the experiment is stopped.
 */

export type ParameterKind = 'string' | 'percentage' | 'milliseconds' | 'httpStatus' | 'boolean' | 'duration';

export interface ActionParameterDefinition {
  description: string;
  kind: ParameterKind;
  required?: boolean;
}

export interface ActionDefinition {
  id: string;
  description: string;
  parameters: Record<string, ActionParameterDefinition>;
  /** Target keys the action accepts (`Functions`) and the resource type each must have. */
  targets: Record<string, { resourceType: string }>;
  /** The fault rules the action installs while it runs (none for `aws:fis:wait`). */
  rules(input: RuleInput): FaultRule[];
}

export interface RuleInput {
  params: Record<string, string>;
  /** The experiment's region: LocalStack's default for `region`. */
  region: string;
  /** ARNs of the resources the action's targets resolved to. */
  resources: string[];
  owner: string;
}

export const LAMBDA_FUNCTION = 'aws:lambda:function';

const duration = (required: boolean): ActionParameterDefinition => ({
  description: 'How long the action runs, as an ISO 8601 duration (PT5M). Without it, until the experiment stops.',
  kind: 'duration',
  required,
});

const scope = {
  service: { description: 'Service to affect (lambda, dynamodb, ...); default all.', kind: 'string' },
  operation: { description: 'Operation to affect (Invoke, ...); default all.', kind: 'string' },
  region: { description: "Region to affect; default the experiment's region.", kind: 'string' },
  percentage: { description: 'Share of matching calls affected, 0-100; default 100.', kind: 'percentage' },
} as const satisfies Record<string, ActionParameterDefinition>;

const invocationPercentage: ActionParameterDefinition = {
  description: 'Share of invocations affected, 0-100; default 100.',
  kind: 'percentage',
};

const functions = { Functions: { resourceType: LAMBDA_FUNCTION } };

const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const bool = (value: string | undefined) => value?.toLowerCase() === 'true';
/** LocalStack's service names are the emulator's (`lambda`, `apigateway`, `dynamodbstreams`). */
const serviceName = (value: string | undefined) => (value ? value.toLowerCase() : undefined);

function callScope(input: RuleInput): Pick<FaultRule, 'service' | 'operation' | 'region' | 'percentage' | 'owner'> {
  return {
    service: serviceName(input.params.service),
    operation: input.params.operation || undefined,
    region: input.params.region || input.region,
    percentage: num(input.params.percentage, 100),
    owner: input.owner,
  };
}

function lambdaScope(input: RuleInput): Pick<FaultRule, 'service' | 'operation' | 'resources' | 'percentage' | 'owner'> {
  return {
    service: 'lambda',
    operation: 'Invoke',
    resources: [...input.resources],
    percentage: num(input.params.invocationPercentage, 100),
    owner: input.owner,
  };
}

const definitions: ActionDefinition[] = [
  {
    id: 'localstack:generic:api-error',
    description: 'Raise a custom HTTP error',
    parameters: {
      ...scope,
      exception: { description: 'Error code returned; default InternalError.', kind: 'string' },
      errorCode: { description: 'HTTP status returned; default 500.', kind: 'httpStatus' },
      duration: duration(false),
    },
    targets: {},
    rules: (input) => [
      {
        ...callScope(input),
        effect: {
          kind: 'error',
          status: num(input.params.errorCode, 500),
          code: input.params.exception || 'InternalError',
          message: FIS_FAULT_MESSAGE,
        },
      },
    ],
  },
  {
    id: 'localstack:generic:latency',
    description: 'Add latency to API calls',
    parameters: {
      ...scope,
      latencyMilliseconds: { description: 'Latency added to each call.', kind: 'milliseconds', required: true },
      duration: duration(false),
    },
    targets: {},
    rules: (input) => [{ ...callScope(input), effect: { kind: 'latency', ms: num(input.params.latencyMilliseconds, 0) } }],
  },
  {
    id: 'aws:lambda:invocation-error',
    description: 'Mark Lambda function invocations as failed.',
    parameters: {
      duration: duration(true),
      invocationPercentage,
      preventExecution: { description: 'Return the error without running the function.', kind: 'boolean' },
    },
    targets: functions,
    rules: (input) => [{ ...lambdaScope(input), effect: { kind: 'functionError', preventExecution: bool(input.params.preventExecution) } }],
  },
  {
    id: 'aws:lambda:invocation-add-delay',
    description: 'Delay the start of Lambda function invocations.',
    parameters: {
      duration: duration(true),
      invocationPercentage,
      startupDelayMilliseconds: { description: 'Delay before the function runs; default 1000.', kind: 'milliseconds' },
    },
    targets: functions,
    rules: (input) => [{ ...lambdaScope(input), effect: { kind: 'latency', ms: num(input.params.startupDelayMilliseconds, 1000) } }],
  },
  {
    id: 'aws:lambda:invocation-http-integration-response',
    description: 'Modify the HTTP integration response of Lambda function invocations.',
    parameters: {
      duration: duration(true),
      invocationPercentage,
      statusCode: { description: 'HTTP status code returned.', kind: 'httpStatus', required: true },
      contentTypeHeader: { description: 'Content-Type of the response; default application/json.', kind: 'string' },
      preventExecution: { description: 'Return the response without running the function.', kind: 'boolean' },
    },
    targets: functions,
    rules: (input) => [
      {
        ...lambdaScope(input),
        effect: {
          kind: 'httpResponse',
          statusCode: num(input.params.statusCode, 200),
          contentType: input.params.contentTypeHeader || 'application/json',
          preventExecution: bool(input.params.preventExecution),
        },
      },
    ],
  },
  {
    id: 'aws:fis:wait',
    description: 'Wait for the specified duration.',
    parameters: { duration: duration(true) },
    targets: {},
    rules: () => [],
  },
];

export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map(definitions.map((d) => [d.id, d]));

export const TARGET_RESOURCE_TYPES: ReadonlyMap<
  string,
  { description: string; parameters: Record<string, { description: string; required: boolean }> }
> = new Map([[LAMBDA_FUNCTION, { description: 'Lambda functions', parameters: {} }]]);
