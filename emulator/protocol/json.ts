import { ServiceError } from './ServiceError.ts';

/** Deepest JSON nesting accepted; DynamoDB itself allows 32 levels of document nesting. */
export const MAX_JSON_DEPTH = 64;

/**
 * JSON.parse with a nesting bound checked first, so a hostile document cannot overflow the
 * stack of whoever walks it next (dynalite does at ~10,000 levels).
 */
export function parseJsonBody(body: Buffer, errorCode: string): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new ServiceError(errorCode, `Request body nesting exceeds ${MAX_JSON_DEPTH} levels`, { status: 400 });
      }
    } else if (c === 125 || c === 93) depth--;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ServiceError(errorCode, `Could not parse request body into json: ${(err as Error).message}`, {
      status: 400,
      cause: err,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ServiceError(errorCode, 'Request body must be a JSON object', { status: 400 });
  }
  return value as Record<string, unknown>;
}

/** JSON.stringify that renders Dates as epoch seconds, as AWS's JSON protocols do. */
export function stringifyAws(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}
