import type { Protocol, ProtocolService } from './Protocol.ts';
import { bindOutput, boundInput } from './httpBindings.ts';
import { parseJsonBody, stringifyAws } from './json.ts';
import { restRouter } from './restRoutes.ts';

/**
 * restJson1 (Lambda, API Gateway, FIS): operations by method and path; input from the path,
 * the bound query parameters and headers, and a JSON body; errors carry `x-amzn-ErrorType`
 * and a JSON body, `{"message"}` or Lambda's `{"Type": "User"|"Service", "Message"}`.
 */
export interface RestJsonSettings {
  name: 'restJson';
  /** Error body style; Lambda uses `{Type, Message}`, others `{message}`. */
  errorStyle?: 'message' | 'lambda';
}

export function restJson(settings: RestJsonSettings, service: ProtocolService): Protocol {
  return {
    claims: () => false,
    route: restRouter(service),
    parse(req, { op, params }) {
      const type = req.headers['content-type'] ?? '';
      const wantsJson = !op?.http?.payload && req.body.length > 0 && (type === '' || type.includes('json'));
      const body = wantsJson ? parseJsonBody(req.body, 'SerializationException') : {};
      return { ...body, ...boundInput(req, op?.http), ...params };
    },
    serialize(output, { op }) {
      if (output === undefined) return { status: op?.http?.status ?? 200, headers: {}, body: '' };
      const { status, headers, payload, document } = bindOutput(output, op?.http);
      if (payload) return { status, headers, body: payload };
      return { status, headers: { 'content-type': 'application/json', ...headers }, body: stringifyAws(document) };
    },
    serializeError(err) {
      const body =
        settings.errorStyle === 'lambda'
          ? { Type: err.senderFault ? 'User' : 'Service', Message: err.message, ...err.extra }
          : { message: err.message, ...err.extra };
      return {
        status: err.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
        body: JSON.stringify(body),
      };
    },
  };
}
