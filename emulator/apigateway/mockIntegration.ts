import type { EmulatorResponse } from '../types.ts';
import { internalServerError } from './gatewayResponses.ts';
import type { IntegrationRecord, IntegrationResponseRecord } from './model.ts';
import { renderTemplate, type TemplateScope } from './renderTemplate.ts';

/**
 * A MOCK integration answers from its own configuration (docs/fidelity/apigateway.md):
 * - the request template, rendered as VTL, names the status code: `{"statusCode": 200}`, or
 *   the lenient form CDK generates for CORS, `{statusCode: 200}`, which AWS accepts too. The
 *   code must be an integer; none is AWS's 500 ("Unable to parse statusCode");
 * - the code selects the integration response whose `selectionPattern` matches it (a regular
 *   expression over the whole code), else the default one (no or empty pattern); none is 500;
 * - that response's status, `responseParameters` with literal values (`'text'`) and its
 *   rendered `responseTemplates` make the answer, and `$context.responseOverride` (status,
 *   headers) set by any template wins over them.
 * No request template at all is taken as status 200.
 */
export function runMockIntegration(integration: IntegrationRecord, scope: TemplateScope, log: (line: string) => void): EmulatorResponse {
  let statusCode = 200;
  const template = pickTemplate(integration.requestTemplates, scope.request.headers['content-type']);
  if (template !== undefined && template.trim() !== '') {
    let rendered: string;
    try {
      rendered = renderTemplate(template, scope);
    } catch (err) {
      log(`apigateway: MOCK request template failed to render: ${(err as Error).message}`);
      return internalServerError(500);
    }
    const parsed = parseStatusCode(rendered);
    if (parsed === undefined) {
      log(
        'apigateway: Execution failed due to configuration error: Unable to parse statusCode. It should be an integer that is defined in the request template.',
      );
      return internalServerError(500);
    }
    statusCode = parsed;
  }
  const response = selectIntegrationResponse(Object.values(integration.integrationResponses), String(statusCode));
  if (!response) {
    log(
      `apigateway: Execution failed due to configuration error: No match for output mapping and no default output mapping configured (status ${statusCode})`,
    );
    return internalServerError(500);
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [target, source] of Object.entries(response.responseParameters ?? {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const literal = /^'(.*)'$/.exec(source)?.[1];
    if (header && literal !== undefined) headers[header.toLowerCase()] = literal;
  }
  const responseTemplate = pickTemplate(response.responseTemplates, 'application/json');
  let body = '';
  try {
    if (responseTemplate !== undefined) body = renderTemplate(responseTemplate, { ...scope, body: '' });
  } catch (err) {
    log(`apigateway: MOCK response template failed to render: ${(err as Error).message}`);
    return internalServerError(500);
  }
  const override = scope.overrides.response;
  for (const [name, value] of Object.entries(override.header)) headers[name.toLowerCase()] = String(value);
  const status = Number(override.status ?? response.statusCode);
  return { status: Number.isInteger(status) && status >= 100 && status <= 599 ? status : Number(response.statusCode), headers, body };
}

/**
 * `statusCode` of a rendered request template: strict JSON first, then the lenient object
 * form with unquoted or single-quoted keys. Only an integer counts.
 */
export function parseStatusCode(rendered: string): number | undefined {
  try {
    const parsed = JSON.parse(rendered) as { statusCode?: unknown } | null;
    const code = parsed?.statusCode;
    return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
  } catch {
    const body = /^\s*\{([\s\S]*)\}\s*$/.exec(rendered)?.[1];
    if (body === undefined) return undefined;
    const match = /(?:^|,)\s*(?:statusCode|'statusCode'|"statusCode")\s*:\s*(-?\d+)\s*(?:,|$)/.exec(body);
    return match ? Number(match[1]) : undefined;
  }
}

function pickTemplate(templates: Record<string, string> | undefined, contentType: string | undefined): string | undefined {
  if (!templates) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase() || 'application/json';
  return templates[type] ?? templates['application/json'] ?? Object.values(templates)[0];
}

function selectIntegrationResponse(responses: IntegrationResponseRecord[], statusCode: string): IntegrationResponseRecord | undefined {
  const byPattern = responses.find((r) => {
    if (!r.selectionPattern) return false;
    try {
      return new RegExp(`^(?:${r.selectionPattern})$`).test(statusCode);
    } catch {
      return false;
    }
  });
  return byPattern ?? responses.find((r) => !r.selectionPattern);
}
