import type { ValidateFunction } from 'ajv';
import { lazyRequire } from '../lazyRequire.ts';
import type { EmulatorResponse } from '../types.ts';
import { badRequestBody, badRequestParameters } from './gatewayResponses.ts';
import type { MethodRecord, ModelRecord, RequestValidatorRecord } from './model.ts';
import type { ProxyEvent } from './proxyEvent.ts';

const ajvPackage = lazyRequire<typeof import('ajv')>('ajv');
let ajv: import('ajv').Ajv | undefined;
const compiled = new Map<string, ValidateFunction | undefined>();

/**
 * A method's request validator, applied before the integration runs:
 * - `validateRequestParameters`: every request parameter marked required
 *   (`method.request.querystring.q: true`, headers likewise) must be present, else 400
 *   BAD_REQUEST_PARAMETERS "Missing required request parameters: [q]";
 * - `validateRequestBody`: the body must satisfy the JSON schema of the method's request model
 *   for its content type, else 400 BAD_REQUEST_BODY "Invalid request body". The `Empty` model
 *   accepts anything.
 * Undefined when the request passes.
 */
export function validateRequest(
  validator: RequestValidatorRecord | undefined,
  method: MethodRecord,
  event: ProxyEvent,
  models: ReadonlyMap<string, ModelRecord>,
): EmulatorResponse | undefined {
  if (!validator) return undefined;
  if (validator.validateRequestParameters) {
    const missing: string[] = [];
    for (const [key, required] of Object.entries(method.requestParameters ?? {})) {
      const [, where, name] = /^method\.request\.(querystring|header|path)\.(.+)$/.exec(key) ?? [];
      if (!required || !name) continue;
      const present =
        where === 'querystring'
          ? event.queryStringParameters?.[name] !== undefined
          : where === 'header'
            ? Object.keys(event.headers).some((h) => h.toLowerCase() === name.toLowerCase())
            : event.pathParameters?.[name] !== undefined;
      if (!present) missing.push(name);
    }
    if (missing.length > 0) return badRequestParameters(missing);
  }
  if (validator.validateRequestBody) {
    const contentType = (Object.entries(event.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json')
      .split(';')[0]!
      .trim();
    const modelName = method.requestModels?.[contentType] ?? method.requestModels?.['application/json'];
    const model = modelName && modelName !== 'Empty' ? models.get(modelName) : undefined;
    const validate = model?.schema ? compile(model.schema) : undefined;
    if (validate) {
      let body: unknown;
      try {
        body = JSON.parse(event.body ?? '');
      } catch {
        return badRequestBody();
      }
      if (!validate(body)) return badRequestBody();
    }
  }
  return undefined;
}

/** Compiles a model's schema once; draft-04's `$schema` is dropped so the current JSON Schema engine accepts it. */
function compile(schema: string): ValidateFunction | undefined {
  if (!compiled.has(schema)) {
    try {
      const { $schema: _draft, ...rest }: { $schema?: unknown } = JSON.parse(schema);
      ajv ??= new (ajvPackage().Ajv)({ strict: false, allErrors: false });
      compiled.set(schema, ajv.compile(rest));
    } catch {
      compiled.set(schema, undefined);
    }
  }
  return compiled.get(schema);
}
