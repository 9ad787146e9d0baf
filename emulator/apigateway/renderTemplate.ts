import { lazyRequire } from '../lazyRequire.ts';
import type { EmulatorRequest } from '../types.ts';
import { jsonPath } from './jsonPath.ts';

/** What a mapping template can read. */
const velocity = lazyRequire<typeof import('velocityjs')>('velocityjs');

export interface TemplateScope {
  request: EmulatorRequest;
  /** `$context`, nested like the proxy event's requestContext. */
  context: Record<string, unknown>;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  /**
   * `$context.requestOverride` / `$context.responseOverride`: what templates set with
   * `#set($context.responseOverride.status = 444)`, shared by every template of one request.
   */
  overrides: TemplateOverrides;
  /** The body `$input` reads: the request's for a request template, the integration's for a response template. */
  body?: string;
}

export interface TemplateOverrides {
  request: { header: Record<string, string>; path: Record<string, string>; querystring: Record<string, string> };
  response: { status?: number | string | null; header: Record<string, string> };
}

export const newOverrides = (): TemplateOverrides => ({
  request: { header: {}, path: {}, querystring: {} },
  response: { status: null, header: {} },
});

/**
 * Renders an API Gateway mapping template with a real Velocity engine (velocityjs) and the
 * variables API Gateway documents: `$input` (`body`, `json(path)`, `path(path)`,
 * `params()`, `params(name)`), `$util` (`escapeJavaScript`, `parseJson`, `urlEncode`,
 * `urlDecode`, `base64Encode`, `base64Decode`), `$context` (with `requestOverride` and
 * `responseOverride`) and `$stageVariables`. Throws when the template does not parse, which
 * the caller answers as AWS does, with a 500.
 */
export function renderTemplate(template: string, scope: TemplateScope): string {
  const context = { ...scope.context, requestOverride: scope.overrides.request, responseOverride: scope.overrides.response };
  return velocity().render(template, {
    input: inputVariable(scope),
    util: UTIL,
    context,
    stageVariables: scope.stageVariables,
  });
}

function inputVariable(scope: TemplateScope) {
  const body = scope.body ?? scope.request.body.toString('utf8');
  const parsed = (): unknown => {
    if (body.trim() === '') return {};
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return body;
    }
  };
  const header = Object.fromEntries(Object.entries(scope.request.headers));
  const querystring = Object.fromEntries(scope.request.query);
  const path = { ...scope.pathParameters };
  return {
    body,
    /** A JSONPath expression's value as JSON text (`$input.json('$.name')`). */
    json: (expression: string) => JSON.stringify(jsonPath(parsed(), expression) ?? null),
    /** A JSONPath expression's value as an object templates can walk (`$input.path('$').name`). */
    path: (expression: string) => jsonPath(parsed(), expression),
    /** All parameters by kind, or one by name: path first, then query string, then header. */
    params: (name?: string) =>
      name === undefined ? { path, querystring, header } : (path[name] ?? querystring[name] ?? header[name.toLowerCase()] ?? ''),
  };
}

const UTIL = {
  escapeJavaScript: (s: unknown) =>
    JSON.stringify(String(s ?? ''))
      .slice(1, -1)
      .replace(/'/g, "\\'"),
  parseJson: (s: unknown) => JSON.parse(String(s)) as unknown,
  urlEncode: (s: unknown) => encodeURIComponent(String(s ?? '')),
  urlDecode: (s: unknown) => decodeURIComponent(String(s ?? '')),
  base64Encode: (s: unknown) => Buffer.from(String(s ?? ''), 'utf8').toString('base64'),
  base64Decode: (s: unknown) => Buffer.from(String(s ?? ''), 'base64').toString('utf8'),
};
