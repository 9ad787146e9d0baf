import { ACCOUNT_ID } from '../types.ts';
import { ServiceError } from '../protocol/ServiceError.ts';

/**
 * Function names as Lambda accepts them: a name (`my-fn`), a name with a qualifier
 * (`my-fn:$LATEST`), a partial ARN (`000000000000:function:my-fn`) or a full ARN
 * (`arn:aws:lambda:eu-central-1:000000000000:function:my-fn[:qualifier]`). The pattern and its
 * ValidationException text are AWS's (localstack `services/lambda_/provider.py`).
 */
export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME_RE = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);

export interface FunctionLocator {
  name: string;
  /** Region named by a full ARN; the caller's region otherwise. */
  region?: string;
  account?: string;
  qualifier?: string;
}

export function parseFunctionName(value: unknown): FunctionLocator {
  const text = typeof value === 'string' ? value : '';
  const m = FUNCTION_NAME_RE.exec(text);
  if (!m || text.length > 170) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at 'functionName' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  return {
    name: m[10]!,
    region: m[3] ? m[3].slice(0, -1) : undefined,
    account: m[8] ? m[8].slice(0, -1) : undefined,
    qualifier: m[12],
  };
}

export function functionArn(region: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** AWS's 404 for a function (or function version) that does not exist. */
export function functionNotFound(region: string, name: string, qualifier?: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Function not found: ${functionArn(region, name, qualifier)}`, { status: 404 });
}

/** `arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024-...` → its parts, or undefined. */
export function parseStreamArn(arn: string): { region: string; table: string } | undefined {
  const m = /^arn:aws[a-zA-Z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)\/stream\/(.+)$/.exec(arn);
  return m ? { region: m[1]!, table: m[3]! } : undefined;
}
