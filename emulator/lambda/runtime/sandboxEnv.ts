import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the environment of a sandbox is made of. */
export interface SandboxEnvInput {
  functionName: string;
  /** `$LATEST` or a published version number (AWS_LAMBDA_FUNCTION_VERSION); `$LATEST` if absent. */
  version?: string;
  region: string;
  runtime: string;
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  taskRoot: string;
  logStreamName: string;
  /** The emulator's gateway, e.g. `http://127.0.0.1:4566`. */
  endpoint: string;
  host: string;
  port: number;
  /** The function's `Environment.Variables`. */
  variables?: Record<string, string>;
}

const RUNTIME_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * The process.env of a sandbox: AWS's reserved variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html,
 * as LocalStack's `execution_environment.py` sets them), dummy credentials, `AWS_ENDPOINT_URL`
 * pointing back at the emulator so SDK v3 clients inside the function reach it unchanged, then
 * the user's variables LAST, overriding everything. (AWS itself refuses reserved keys such as
 * AWS_REGION in `Environment.Variables` with InvalidParameterValueException "Lambda was unable to
 * configure your environment variables because the environment variables you have provided
 * contains reserved keys that are currently not supported for modification"; LocalStack accepts
 * them, and the seed tutorial sets AWS_REGION, so the emulator accepts them too.)
 * Nothing of the emulator's own process.env leaks in: PATH is AWS's list with the folder of the
 * Node binary that runs the sandbox in place of /var/lang/bin.
 */
export function sandboxEnvironment(input: SandboxEnvInput): Record<string, string> {
  return {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin/:/bin:/opt/bin`,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    _HANDLER: input.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${input.runtime}`,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: input.version ?? '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memoryMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(input.timeoutSec),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${input.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL: input.endpoint,
    LOCALSTACK_HOSTNAME: input.host,
    EDGE_PORT: String(input.port),
    ...(input.variables ?? {}),
  };
}

/** `2026/01/01/[$LATEST]<32 hex>`: one log stream per sandbox, as on AWS. */
export function logStreamName(nowMs: number): string {
  const day = new Date(nowMs).toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
