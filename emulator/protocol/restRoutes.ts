import type { EmulatorRequest } from '../types.ts';
import type { Route, ProtocolService } from './Protocol.ts';
import { compileTemplate } from './pathTemplate.ts';
import { ServiceError, notImplemented } from './ServiceError.ts';

/**
 * Routing of the rest protocols: the operation whose method and path template match, the
 * most specific template first. A template may end in literal query parameters, as Smithy's
 * `@http` uri does (`/restapis?mode=import` is ImportRestApi, `/restapis` CreateRestApi): the
 * request must carry them, and such a template is tried before the same path without them.
 * A path that matches with another method answers 405; a path that matches nothing answers
 * the 501 naming `METHOD /path`.
 */
export function restRouter(service: ProtocolService): (req: EmulatorRequest) => Route {
  const routes = service.operations
    .filter((op) => op.http)
    .map((op) => {
      const [path, query] = op.http!.path.split('?', 2) as [string, string | undefined];
      const literals = [...new URLSearchParams(query ?? '')];
      const template = compileTemplate(path);
      return { op, method: op.http!.method.toUpperCase(), template, literals, specificity: template.specificity + (query?.length ?? 0) };
    })
    .sort((a, b) => b.specificity - a.specificity);
  return (req) => {
    let pathMatched = false;
    for (const route of routes) {
      const params = route.template.match(req.path);
      if (!params) continue;
      if (route.literals.some(([k, v]) => req.query.get(k) !== v)) continue;
      pathMatched = true;
      if (route.method === req.method.toUpperCase()) return { name: route.op.name, op: route.op, params };
    }
    if (pathMatched) {
      throw new ServiceError('MethodNotAllowedException', `Method ${req.method} is not allowed on ${req.path}`, { status: 405 });
    }
    throw notImplemented(service.name, `${req.method.toUpperCase()} ${req.path}`);
  };
}
