import { ServiceError } from '../protocol/ServiceError.ts';
import type { Environment } from './functionInput.ts';

/** The runtimes this emulator runs: Node.js, in sandbox processes of its own Node binary. */
export const SUPPORTED_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'] as const;

/** Runtimes AWS still accepts for new functions (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). */
const AWS_RUNTIMES = [
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
  'java8.al2',
  'java11',
  'java17',
  'java21',
  'java25',
  'dotnet8',
  'dotnet10',
  'ruby3.2',
  'ruby3.3',
  'ruby3.4',
  'provided.al2',
  'provided.al2023',
];

/** Runtimes AWS has retired for create/update (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). */
const DEPRECATED_RUNTIMES = new Set([
  'nodejs',
  'nodejs4.3',
  'nodejs4.3-edge',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'java8',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'dotnet6',
  'dotnet7',
  'ruby2.5',
  'ruby2.7',
  'go1.x',
  'provided',
]);

/**
 * Rejects what the emulator cannot run with InvalidParameterValueException: AWS's own messages
 * for unknown and retired runtimes, and a clear one for AWS runtimes other than Node.js (the
 * seed tutorial's java17/python3.11 functions are reimplemented in Node under `lambdas/`).
 */
export function checkRuntime(runtime: unknown): string {
  if (typeof runtime === 'string' && (SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) return runtime;
  // AWS's current wording no longer names an upgrade (it used to: "use the new runtime (x)").
  if (typeof runtime === 'string' && DEPRECATED_RUNTIMES.has(runtime)) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
        'We recommend you use a supported runtime while creating or updating functions.',
    );
  }
  if (typeof runtime === 'string' && AWS_RUNTIMES.includes(runtime)) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `The runtime parameter of ${runtime} is not supported by this emulator: it runs Node.js handlers only ` +
        `(${SUPPORTED_RUNTIMES.join(', ')}). Port the function to Node.js (see lambdas/) or use a real AWS account.`,
    );
  }
  throw new ServiceError(
    'InvalidParameterValueException',
    `Value ${runtime ?? 'null'} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${AWS_RUNTIMES.join(', ')}] or be a valid ARN`,
  );
}

const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';

/** A role must look like an IAM role ARN; whether it exists is not checked (LocalStack does not either). */
export function checkRole(role: unknown): string {
  if (typeof role === 'string' && new RegExp(`^${ROLE_PATTERN}$`).test(role)) return role;
  throw new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${role ?? 'null'}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ROLE_PATTERN}`,
  );
}

export function checkHandler(handler: unknown): string {
  if (handler === undefined || handler === null) {
    throw new ServiceError('InvalidParameterValueException', 'Handler is required when PackageType is Zip.');
  }
  if (typeof handler !== 'string' || !/^[^\s]+$/.test(handler) || handler.length > 128) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(handler)}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`,
    );
  }
  return handler;
}

/** An integer in [min, max], or AWS's ValidationException naming the member. */
export function checkRange(value: unknown, member: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  }
  if (n > max) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return n;
}

export function checkArchitectures(value: unknown): string[] {
  if (value === undefined || value === null) return ['x86_64'];
  const list = Array.isArray(value) ? value.map(String) : [String(value)];
  if (list.length !== 1) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '[${list.join(', ')}]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1`,
    );
  }
  if (!['x86_64', 'arm64'].includes(list[0]!)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '[${list.join(', ')}]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]`,
    );
  }
  return list;
}

/**
 * `Environment.Variables` within AWS's 4 KB limit. Its shape (a map of strings) was checked with
 * the request (functionInput.ts).
 */
export function checkEnvironment(environment: Environment | null | undefined): Record<string, string> | undefined {
  if (environment === undefined || environment === null) return undefined;
  const variables = { ...(environment.Variables ?? {}) };
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured) > 4096) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return variables;
}
