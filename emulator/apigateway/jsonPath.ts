/**
 * The JSONPath subset mapping templates use: `$` and members or indexes below it
 * (`$.a.b`, `$['a b']`, `$.items[0]`). Undefined when the path does not exist.
 */
export function jsonPath(root: unknown, expression: string): unknown {
  const trimmed = expression.trim();
  if (!trimmed.startsWith('$')) return undefined;
  let value = root;
  const step = /\.([A-Za-z_$][\w$-]*)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/y;
  let at = 1;
  while (at < trimmed.length) {
    step.lastIndex = at;
    const m = step.exec(trimmed);
    if (!m) return undefined;
    at = step.lastIndex;
    const key = m[1] ?? m[3] ?? m[4] ?? (m[2] === undefined ? undefined : Number(m[2]));
    if (value === null || typeof value !== 'object' || key === undefined) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
