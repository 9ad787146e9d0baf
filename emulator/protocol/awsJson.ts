import type { EmulatorResponse } from '../types.ts';
import type { Protocol, ProtocolService } from './Protocol.ts';
import { parseJsonBody, stringifyAws } from './json.ts';
import { ServiceError } from './ServiceError.ts';

/**
 * awsJson 1.0 (DynamoDB, DynamoDB Streams): `POST /` with `X-Amz-Target: <Prefix>.<Operation>`
 * and a JSON body; errors are `{"__type": "<errorTypePrefix>#<Code>", "message": ...}`.
 */
export interface AwsJsonSettings {
  name: 'awsJson';
  /** `X-Amz-Target` prefix (`DynamoDB_20120810`). */
  targetPrefix: string;
  /** Prefix of `__type` in errors (`com.amazonaws.dynamodb.v20120810`). */
  errorTypePrefix?: string;
  /**
   * Request content types the service's front end takes (media type only, lower case). A
   * request with another one is not the service's: DynamoDB answers it 404 with an HTML
   * "Page Not Found" page, not a JSON error. Unset: any content type.
   */
  contentTypes?: readonly string[];
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** AWS's front-end page for a request no service takes (what DynamoDB sends for a foreign content type). */
const PAGE_NOT_FOUND = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
 <title>Page Not Found</title>
</head>
<body>Page Not Found</body>
</html>`;
const PAGE_NOT_FOUND_CODE = 'PageNotFound';

/**
 * The front end's own errors for a request it cannot read as any operation: a body that is not
 * a JSON object, a target that names no operation. AWS (and dynalite) answer them with the
 * Coral service type and no message: `{"__type":"com.amazon.coral.service#SerializationException"}`.
 */
function coralError(code: 'SerializationException' | 'UnknownOperationException', message = '', cause?: unknown): ServiceError {
  return new ServiceError(code, message, { status: 400, cause, extra: { __type: `com.amazon.coral.service#${code}` } });
}

export function awsJson(settings: AwsJsonSettings, service: ProtocolService): Protocol {
  return {
    claims: (req) => req.headers['x-amz-target']?.split('.')[0] === settings.targetPrefix,
    route(req) {
      const mediaType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (settings.contentTypes && mediaType && !settings.contentTypes.includes(mediaType)) {
        throw new ServiceError(PAGE_NOT_FOUND_CODE, 'Page Not Found', { status: 404 });
      }
      const target = req.headers['x-amz-target'] ?? '';
      const [prefix, name] = target.split('.');
      if (!name || prefix !== settings.targetPrefix) throw coralError('UnknownOperationException');
      return { name, op: service.operations.find((o) => o.name === name), params: {} };
    },
    parse(req) {
      try {
        return parseJsonBody(req.body, 'SerializationException');
      } catch (err) {
        // The nesting bound is the emulator's own: say so. Unreadable JSON gets AWS's bare error.
        const nesting = err instanceof ServiceError && err.message.startsWith('Request body nesting') ? err.message : '';
        throw coralError('SerializationException', nesting, err);
      }
    },
    serialize(output): EmulatorResponse {
      if (output === undefined) return { status: 200, headers: {}, body: '' };
      return { status: 200, headers: { 'content-type': CONTENT_TYPE }, body: stringifyAws(output) };
    },
    serializeError(err) {
      if (err.code === PAGE_NOT_FOUND_CODE) return { status: 404, headers: { 'content-type': 'text/html' }, body: PAGE_NOT_FOUND };
      const type = settings.errorTypePrefix ? `${settings.errorTypePrefix}#${err.code}` : err.code;
      return {
        status: err.status,
        headers: { 'content-type': CONTENT_TYPE },
        // A Coral SerializationException names its text `Message` (extra carries it then).
        body: JSON.stringify({
          __type: type,
          ...(err.message && err.extra?.['Message'] === undefined ? { message: err.message } : {}),
          ...err.extra,
        }),
      };
    },
  };
}
