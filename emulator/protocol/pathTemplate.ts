/**
 * Path templates of rest protocols: `/2013-04-01/hostedzone/{Id}/rrset` with `{Name}` for one
 * segment and `{Name+}` for the rest of the path. A trailing slash on the request is tolerated,
 * because botocore sends `/rrset/` where the SDK v3 sends `/rrset`.
 */
export interface CompiledTemplate {
  match(path: string): Record<string, string> | undefined;
  /** Literal characters, so more specific templates can be tried first. */
  readonly specificity: number;
}

export function compileTemplate(template: string): CompiledTemplate {
  const names: string[] = [];
  let specificity = 0;
  const source = template
    .split(/(\{[A-Za-z0-9_]+\+?\})/)
    .map((part) => {
      const m = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
      if (!m) {
        specificity += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('');
  const re = new RegExp(`^${source}/?$`);
  return {
    specificity,
    match(path) {
      const m = re.exec(path);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]!);
      });
      return params;
    },
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
