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
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';

export function awsJson(settings: AwsJsonSettings, service: ProtocolService): Protocol {
  return {
    claims: (req) => req.headers['x-amz-target']?.split('.')[0] === settings.targetPrefix,
    route(req) {
      const target = req.headers['x-amz-target'] ?? '';
      const [prefix, name] = target.split('.');
      if (!name || prefix !== settings.targetPrefix) {
        throw new ServiceError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`, { status: 400 });
      }
      return { name, op: service.operations.find((o) => o.name === name), params: {} };
    },
    parse: (req) => parseJsonBody(req.body, 'SerializationException'),
    serialize(output): EmulatorResponse {
      if (output === undefined) return { status: 200, headers: {}, body: '' };
      return { status: 200, headers: { 'content-type': CONTENT_TYPE }, body: stringifyAws(output) };
    },
    serializeError(err) {
      const type = settings.errorTypePrefix ? `${settings.errorTypePrefix}#${err.code}` : err.code;
      return {
        status: err.status,
        headers: { 'content-type': CONTENT_TYPE },
        body: JSON.stringify({ __type: type, message: err.message, ...err.extra }),
      };
    },
  };
}
