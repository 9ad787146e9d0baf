import type { FunctionRecord } from './LambdaStore.ts';

/** Lambda's `LastModified` format: `2026-01-01T00:00:00.000+0000`. */
export function lambdaDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * The FunctionConfiguration shape (localstack `tests/aws/services/lambda_/test_lambda_api.snapshot.json`,
 * AWS-validated). `list` leaves out the state fields, as ListFunctions does on AWS; `arn` replaces
 * `FunctionArn` (an alias's ARN when the function was named through its alias).
 */
export function functionConfiguration(fn: FunctionRecord, options: { list?: boolean; arn?: string } = {}): Record<string, unknown> {
  const config: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: options.arn ?? fn.arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.code.size,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.code.sha256,
    Version: fn.version,
    ...(fn.variables ? { Environment: { Variables: fn.variables } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    PackageType: 'Zip',
    Architectures: fn.architectures,
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: {
      RuntimeVersionArn: `arn:aws:lambda:${fn.region}::runtime:8eeff65f6809a3ce81507fe733fe09b835899b99481ba22fd75b5a7338290ec1`,
    },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
  };
  if (options.list) return config;
  config.State = fn.state;
  if (fn.state === 'Pending') {
    config.StateReason = 'The function is being created.';
    config.StateReasonCode = 'Creating';
  }
  if (fn.lastUpdateStatus) {
    config.LastUpdateStatus = fn.lastUpdateStatus;
    if (fn.lastUpdateStatus === 'InProgress') {
      config.LastUpdateStatusReason = 'The function is being created.';
      config.LastUpdateStatusReasonCode = 'Creating';
    }
  }
  return config;
}
