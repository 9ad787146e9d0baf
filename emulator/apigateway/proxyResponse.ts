import { isObject } from './isObject.ts';

/** An HTTP answer built from a Lambda proxy response, or why the response is malformed. */
export type ProxyResponseMapping =
  | { ok: true; status: number; headers: Record<string, string>; body: Buffer }
  | { ok: false; reason: string };

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Maps a Lambda proxy integration's output (REST v1) onto an HTTP response, following
 * docs/fidelity/apigateway.md (verified on AWS) and localstack `integrations/aws.py`
 * `parse_lambda_response`:
 * - the payload must be a JSON object with no keys but `statusCode`, `headers`,
 *   `multiValueHeaders`, `body`, `isBase64Encoded` (a function error's `errorMessage`/
 *   `errorType` makes it malformed too);
 * - `statusCode` may be a number or a numeric string, and defaults to 200;
 * - `headers` values are strings or booleans (rendered `true`/`false`); `multiValueHeaders`
 *   values are arrays and win over `headers` for the same name;
 * - `body` is a string (or null), base64-decoded when `isBase64Encoded` is true.
 *
 * Anything else is "Malformed Lambda proxy response", which the caller answers with 502.
 * Header names come out lower-cased, so a function's `Content-Type` replaces the default
 * instead of duplicating it; several values of one header are joined with `, `.
 */
export function mapProxyResponse(payload: Buffer): ProxyResponseMapping {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the output is not JSON' };
  }
  if (!isObject(value)) return { ok: false, reason: 'the output is not a JSON object' };
  const out = value;
  const extra = Object.keys(out).filter((k) => !ALLOWED_KEYS.has(k));
  if (extra.length > 0) return { ok: false, reason: `unexpected keys ${extra.join(', ')}` };

  let status = 200;
  if (out.statusCode !== undefined && out.statusCode !== null) {
    const raw = out.statusCode;
    const parsed = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < 100 || parsed > 599) {
      return { ok: false, reason: `statusCode ${JSON.stringify(raw)} is not an HTTP status` };
    }
    status = parsed;
  }

  const headers: Record<string, string> = {};
  if (out.headers !== undefined && out.headers !== null) {
    if (typeof out.headers !== 'object' || Array.isArray(out.headers)) return { ok: false, reason: 'headers is not an object' };
    for (const [name, v] of Object.entries(out.headers)) {
      if (typeof v !== 'string' && typeof v !== 'boolean') return { ok: false, reason: `header ${name} is not a string` };
      headers[name.toLowerCase()] = String(v);
    }
  }
  if (out.multiValueHeaders !== undefined && out.multiValueHeaders !== null) {
    if (typeof out.multiValueHeaders !== 'object' || Array.isArray(out.multiValueHeaders)) {
      return { ok: false, reason: 'multiValueHeaders is not an object' };
    }
    for (const [name, values] of Object.entries(out.multiValueHeaders)) {
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number')) {
        return { ok: false, reason: `multiValueHeaders ${name} is not an array of strings` };
      }
      headers[name.toLowerCase()] = values.map(String).join(', ');
    }
  }

  if (out.isBase64Encoded !== undefined && out.isBase64Encoded !== null && typeof out.isBase64Encoded !== 'boolean') {
    return { ok: false, reason: 'isBase64Encoded is not a boolean' };
  }
  if (out.body !== undefined && out.body !== null && typeof out.body !== 'string') {
    return { ok: false, reason: 'body is not a string' };
  }
  const text = typeof out.body === 'string' ? out.body : '';
  const body = out.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { ok: true, status, headers, body };
}
