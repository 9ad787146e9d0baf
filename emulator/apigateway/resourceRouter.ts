import type { MethodRecord, ResourceRecord } from './model.ts';

export interface RouteMatch {
  resource: ResourceRecord;
  method: MethodRecord;
  /** Raw (not percent-decoded) values, as AWS hands them to a proxy integration. */
  pathParameters: Record<string, string>;
}

/**
 * Finds the resource and method a request targets in a deployment snapshot. Like localstack's
 * `RestAPIResourceRouter` (werkzeug rules per resource *and* method): only resources offering
 * the request's method, or ANY, compete; among those the most specific path wins, segment by
 * segment: a literal beats `{param}`, which beats `{proxy+}`. Trailing slashes are ignored.
 * No match is the caller's 403 Missing Authentication Token.
 */
export function matchResource(resources: readonly ResourceRecord[], httpMethod: string, rawPath: string): RouteMatch | undefined {
  const segments = rawPath.split('/').filter((s) => s !== '');
  let best: { match: RouteMatch; rank: number[] } | undefined;
  for (const resource of resources) {
    const method = resource.methods[httpMethod.toUpperCase()] ?? resource.methods['ANY'];
    if (!method) continue;
    const matched = matchPath(resource.path, segments);
    if (!matched) continue;
    if (!best || compareRank(matched.rank, best.rank) < 0) {
      best = { match: { resource, method, pathParameters: matched.params }, rank: matched.rank };
    }
  }
  return best?.match;
}

function matchPath(resourcePath: string, segments: string[]): { params: Record<string, string>; rank: number[] } | undefined {
  const parts = resourcePath.split('/').filter((s) => s !== '');
  const params: Record<string, string> = {};
  const rank: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      // `{proxy+}` takes the rest of the path, at least one segment.
      if (i >= segments.length) return undefined;
      params[greedy[1]!] = segments.slice(i).join('/');
      rank.push(2);
      return { params, rank };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const variable = /^\{(.+)\}$/.exec(part);
    if (variable) {
      params[variable[1]!] = segment;
      rank.push(1);
    } else if (part === segment || part === safeDecode(segment)) {
      rank.push(0);
    } else {
      return undefined;
    }
  }
  return parts.length === segments.length ? { params, rank } : undefined;
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return b.length - a.length;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
