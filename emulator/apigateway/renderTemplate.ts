import type { EmulatorRequest } from '../types.ts';

/** What a mapping template can read. */
export interface TemplateScope {
  request: EmulatorRequest;
  /** `$context`, nested like the proxy event's requestContext. */
  context: Record<string, unknown>;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
}

/**
 * A deliberately small subset of API Gateway's Velocity mapping templates, enough for MOCK
 * integrations: `$context.x.y`, `$stageVariables.x` (both also as `${...}`),
 * `$input.params('x')` (path, then query string, then header, the order AWS looks in),
 * `$input.body` and `$input.json('$')` (the raw body). Anything else, `#set`/`#if`
 * directives and `$util` included, is left as written: this is not VTL.
 */
export function renderTemplate(template: string, scope: TemplateScope): string {
  return template
    .replace(/\$input\.params\(\s*'([^']*)'\s*\)/g, (_m, name: string) => inputParam(scope, name))
    .replace(/\$input\.json\(\s*'\$'\s*\)/g, () => bodyText(scope) || '{}')
    .replace(/\$input\.body\b/g, () => bodyText(scope))
    .replace(/\$\{?(context|stageVariables)((?:\.[A-Za-z0-9_]+)+)\}?/g, (match, root: string, dotted: string) => {
      const value = lookup(root === 'context' ? scope.context : scope.stageVariables, dotted.slice(1).split('.'));
      return value === undefined ? match : value === null ? '' : String(value);
    });
}

function inputParam(scope: TemplateScope, name: string): string {
  return scope.pathParameters[name] ?? scope.request.query.get(name) ?? scope.request.headers[name.toLowerCase()] ?? '';
}

function bodyText(scope: TemplateScope): string {
  return scope.request.body.toString('utf8');
}

function lookup(root: Record<string, unknown>, keys: string[]): unknown {
  let value: unknown = root;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
