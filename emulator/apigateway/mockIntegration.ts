import type { EmulatorResponse } from '../types.ts';
import { internalServerError } from './gatewayResponses.ts';
import type { IntegrationRecord, IntegrationResponseRecord } from './model.ts';
import { renderTemplate, type TemplateScope } from './renderTemplate.ts';

/**
 * A MOCK integration answers from its own configuration: the request template (e.g.
 * `{"statusCode": 200}`) names a status code, which selects the integration response whose
 * `selectionPattern` matches it (a regular expression over the whole code), else the default
 * response (no or empty pattern); that response's status, `responseParameters` with literal
 * values (`'text'`) and `responseTemplates` make the answer. No template means status 200.
 * No matching integration response is AWS's 500 "Internal server error" (no output mapping).
 */
export function runMockIntegration(integration: IntegrationRecord, scope: TemplateScope): EmulatorResponse {
  const template = pickTemplate(integration.requestTemplates, scope.request.headers['content-type']);
  let statusCode = '200';
  if (template !== undefined && template.trim() !== '') {
    try {
      const parsed = JSON.parse(renderTemplate(template, scope)) as { statusCode?: unknown };
      if (parsed?.statusCode !== undefined) statusCode = String(parsed.statusCode);
    } catch {
      return internalServerError(500);
    }
  }
  const response = selectIntegrationResponse(Object.values(integration.integrationResponses), statusCode);
  if (!response) return internalServerError(500);

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [target, source] of Object.entries(response.responseParameters ?? {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const literal = /^'(.*)'$/.exec(source)?.[1];
    if (header && literal !== undefined) headers[header.toLowerCase()] = literal;
  }
  const responseTemplate = pickTemplate(response.responseTemplates, 'application/json');
  const body = responseTemplate === undefined ? '' : renderTemplate(responseTemplate, scope);
  return { status: Number(response.statusCode), headers, body };
}

function pickTemplate(templates: Record<string, string> | undefined, contentType: string | undefined): string | undefined {
  if (!templates) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase() || 'application/json';
  return templates[type] ?? templates['application/json'] ?? Object.values(templates)[0];
}

function selectIntegrationResponse(
  responses: IntegrationResponseRecord[],
  statusCode: string,
): IntegrationResponseRecord | undefined {
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
