import type { EmulatorResponse } from '../types.ts';
import { gatewayErrorOf } from './gatewayResponses.ts';
import { DEFAULT_GATEWAY_TEMPLATE } from './gatewayResponseTypes.ts';
import type { GatewayResponseRecord } from './model.ts';
import { newOverrides, renderTemplate, type TemplateScope } from './renderTemplate.ts';

/**
 * Applies the deployment's gateway response customisations to one of the data plane's own
 * answers: the customisation of its type, else DEFAULT_4XX or DEFAULT_5XX by its status class.
 * Its `statusCode` replaces the status, `gatewayresponse.header.X` parameters with literal
 * values (`'v'`) add headers, and its `application/json` template (VTL, with
 * `$context.error.message`, `.messageString`, `.responseType`) makes the body.
 */
export function applyGatewayResponses(
  response: EmulatorResponse,
  customs: readonly GatewayResponseRecord[],
  scope: Omit<TemplateScope, 'overrides'>,
): EmulatorResponse {
  const error = gatewayErrorOf(response);
  if (!error || customs.length === 0) return response;
  const fallback = response.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const custom = customs.find((c) => c.responseType === error.responseType) ?? customs.find((c) => c.responseType === fallback);
  if (!custom) return response;
  const headers = { ...response.headers };
  for (const [target, source] of Object.entries(custom.responseParameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
    const literal = /^'(.*)'$/.exec(source)?.[1];
    if (header && literal !== undefined) headers[header.toLowerCase()] = literal;
  }
  const template = custom.responseTemplates?.['application/json'] ?? DEFAULT_GATEWAY_TEMPLATE;
  const context = {
    ...scope.context,
    error: { message: error.message, messageString: JSON.stringify(error.message), responseType: error.responseType },
  };
  let body: string;
  try {
    body = renderTemplate(template, { ...scope, context, overrides: newOverrides(), body: '' });
  } catch {
    body = response.body.toString();
  }
  return { status: custom.statusCode ? Number(custom.statusCode) : response.status, headers, body };
}
