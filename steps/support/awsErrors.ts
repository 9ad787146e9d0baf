/**
 * Classifying AWS SDK v3 errors by their `name` (the service's error code), never by message
 * text. Rollbacks use {@link isNotFound} to treat "already gone" as done.
 */

/** The AWS error code of an SDK error (`ResourceNotFoundException`, `NoSuchHostedZone`, ...). */
export function awsErrorName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return error.name;
}

/** Whether `error` is one of the named AWS errors. */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
}

/**
 * The "no such resource" codes of the services the drill uses: Lambda, DynamoDB and FIS say
 * `ResourceNotFoundException`, API Gateway `NotFoundException`, Route 53 `NoSuch<Thing>`.
 */
const NOT_FOUND = [
  'ResourceNotFoundException',
  'NotFoundException',
  'NoSuchHostedZone',
  'NoSuchHealthCheck',
  'NoSuchChange',
  'HostedZoneNotFound',
];

export function isNotFound(error: unknown): boolean {
  return isAwsError(error, ...NOT_FOUND);
}

/** Runs `action` and swallows a NotFound error (idempotent deletes); returns whether it acted. */
export async function ignoreNotFound(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
