import { ACCOUNT_ID } from '../types.ts';
import { ServiceError } from '../protocol/ServiceError.ts';

/**
 * Function names as Lambda accepts them: a name (`my-fn`), a name with a qualifier
 * (`my-fn:$LATEST`, `my-fn:1`, `my-fn:live`), a partial ARN (`000000000000:function:my-fn`) or a
 * full ARN (`arn:aws:lambda:eu-central-1:000000000000:function:my-fn[:qualifier]`). The patterns
 * and their ValidationException text are the ones in AWS's current API reference
 * (docs/fidelity/lambda.md): operations that read a function (Invoke, GetFunction, …) take the
 * "namespaced" form, whose names may contain `.`; the others (CreateFunction, aliases, …) do not.
 */
const REGION_PART = '((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?';
const QUALIFIER_PART = '(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
export const FUNCTION_NAME_PATTERN = `(arn:(aws[a-zA-Z-]*)?:lambda:)?${REGION_PART}(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)${QUALIFIER_PART}`;
export const NAMESPACED_FUNCTION_NAME_PATTERN = `(arn:(aws[a-zA-Z-]*)?:lambda:)?${REGION_PART}(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)${QUALIFIER_PART}`;
/** The `Qualifier` member (query string or body): a version, an alias or `$LATEST`. */
export const QUALIFIER_PATTERN = '(|[a-zA-Z0-9$_-]+)';

const NAME_RE = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
const NAMESPACED_RE = new RegExp(`^${NAMESPACED_FUNCTION_NAME_PATTERN}$`);
/** Capture groups of both patterns: region (with its colon), account (with its colon), name, qualifier. */
const GROUPS = { region: 3, account: 9, name: 11, qualifier: 13 } as const;

export interface FunctionLocator {
  name: string;
  /** Region named by a full ARN; the caller's region otherwise. */
  region?: string;
  account?: string;
  qualifier?: string;
}

export interface ParseOptions {
  /** The member name AWS quotes in its message (default `functionName`). */
  member?: string;
  /** Accept the namespaced form (names with `.`; up to 170 characters instead of 140). */
  namespaced?: boolean;
}

/** A ValidationException in AWS's "1 validation error detected" form. */
export function validationError(value: unknown, member: string, constraint: string): ServiceError {
  return new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${value === undefined || value === null ? 'null' : String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

export function parseFunctionName(value: unknown, options: ParseOptions = {}): FunctionLocator {
  const member = options.member ?? 'functionName';
  const text = typeof value === 'string' ? value : '';
  const max = options.namespaced ? 170 : 140;
  if (text.length > max) throw validationError(value, member, `Member must have length less than or equal to ${max}`);
  const m = (options.namespaced ? NAMESPACED_RE : NAME_RE).exec(text);
  if (!m) {
    const pattern = options.namespaced ? NAMESPACED_FUNCTION_NAME_PATTERN : FUNCTION_NAME_PATTERN;
    throw validationError(value, member, `Member must satisfy regular expression pattern: ${pattern}`);
  }
  return {
    name: m[GROUPS.name]!,
    region: m[GROUPS.region] ? m[GROUPS.region].slice(0, -1) : undefined,
    account: m[GROUPS.account] ? m[GROUPS.account].slice(0, -1) : undefined,
    qualifier: m[GROUPS.qualifier],
  };
}

/**
 * The function and qualifier a request names, from `FunctionName` and the separate `Qualifier`
 * member: an invalid qualifier is AWS's 400 ValidationException, and one that contradicts the
 * qualifier inside the name is its 400 InvalidParameterValueException.
 */
export function locateQualified(functionName: unknown, qualifier: unknown, options: ParseOptions = {}): FunctionLocator {
  const loc = parseFunctionName(functionName, options);
  if (qualifier === undefined || qualifier === null) return loc;
  const text = String(qualifier);
  if (text.length > 128) throw validationError(qualifier, 'qualifier', 'Member must have length less than or equal to 128');
  if (!new RegExp(`^${QUALIFIER_PATTERN}$`).test(text)) {
    throw validationError(qualifier, 'qualifier', `Member must satisfy regular expression pattern: ${QUALIFIER_PATTERN}`);
  }
  if (text === '') return loc;
  if (loc.qualifier !== undefined && loc.qualifier !== text) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  return { ...loc, qualifier: text };
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
