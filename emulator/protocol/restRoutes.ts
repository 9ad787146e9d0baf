import type { EmulatorRequest } from '../types.ts';
import type { Route, ProtocolService } from './Protocol.ts';
import { compileTemplate } from './pathTemplate.ts';
import { ServiceError, notImplemented } from './ServiceError.ts';

/**
 * Routing of the rest protocols: the operation whose method and path template match, the
 * most specific template first. A path that matches with another method answers 405; a path
 * that matches nothing answers the 501 naming `METHOD /path`.
 */
export function restRouter(service: ProtocolService): (req: EmulatorRequest) => Route {
  const routes = service.operations
    .filter((op) => op.http)
    .map((op) => ({ op, method: op.http!.method.toUpperCase(), template: compileTemplate(op.http!.path) }))
    .sort((a, b) => b.template.specificity - a.template.specificity);
  return (req) => {
    let pathMatched = false;
    for (const route of routes) {
      const params = route.template.match(req.path);
      if (!params) continue;
      pathMatched = true;
      if (route.method === req.method.toUpperCase()) return { name: route.op.name, op: route.op, params };
    }
    if (pathMatched) {
      throw new ServiceError('MethodNotAllowedException', `Method ${req.method} is not allowed on ${req.path}`, { status: 405 });
    }
    throw notImplemented(service.name, `${req.method.toUpperCase()} ${req.path}`);
  };
}
