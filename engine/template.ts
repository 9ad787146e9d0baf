import { TemplateError } from './errors.ts';

/**
 * `${{ }}` templates. An expression is a path over the template context
 * (`inputs.x`, `steps.<id>.outputs.<path>`, `env.X`, `target.<k>`, `run.id`), optionally
 * negated (`!path`) or compared with a literal (`path == 'x'`, `!=`). Nothing is evaluated as
 * code. A value that is exactly one expression keeps the type of what it resolves to; anything
 * else is string interpolation.
 */

/** What templates can read. */
export interface TemplateContext {
  inputs: Record<string, unknown>;
  steps: Record<string, { outputs?: unknown }>;
  env: Record<string, string | undefined>;
  target: Record<string, unknown>;
  run: Record<string, unknown>;
  /** `${{ secrets.X }}`: values from the environment that never belong in a file (masked by value). */
  secrets?: Record<string, string | undefined>;
}

/** The roots an expression may start with. */
export const TEMPLATE_ROOTS = ['inputs', 'steps', 'env', 'target', 'run', 'secrets'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

export type Segment = string | number;
export type Expr =
  | { kind: 'path'; root: TemplateRoot; segments: Segment[] }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: '==' | '!='; left: Expr; right: Expr };

/** One `${{ }}` occurrence in a string. */
export interface TemplatePart {
  source: string;
  expr: Expr;
  start: number;
  end: number;
}

const OPEN = '${{';
const CLOSE = '}}';

/** Whether a string contains a template. */
export function hasTemplate(value: string): boolean {
  return value.includes(OPEN);
}

/** Finds and parses every `${{ }}` in a string. Throws {@link TemplateError} on malformed ones. */
export function parseTemplateString(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf(OPEN, from);
    if (start < 0) return parts;
    const close = value.indexOf(CLOSE, start + OPEN.length);
    if (close < 0) throw new TemplateError(`unterminated expression: '${value.slice(start)}' has no closing '}}'`);
    const source = value.slice(start + OPEN.length, close).trim();
    parts.push({ source, expr: parseExpression(source), start, end: close + CLOSE.length });
    from = close + CLOSE.length;
  }
}

/** Parses the inside of one `${{ }}`. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const operand = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) throw new TemplateError(`expression '${source}' is incomplete`);
    if (t === '!') return { kind: 'not', expr: operand() };
    if (t.startsWith("'") || t.startsWith('"')) return { kind: 'literal', value: t.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'literal', value: Number(t) };
    if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
    if (t === 'null') return { kind: 'literal', value: null };
    return parsePath(t, source);
  };
  if (tokens.length === 0) throw new TemplateError('empty expression ${{ }}');
  let expr = operand();
  const op = peek();
  if (op === '==' || op === '!=') {
    i++;
    expr = { kind: 'compare', op, left: expr, right: operand() };
  }
  if (i < tokens.length) throw new TemplateError(`unexpected '${tokens[i]}' in expression '${source}'`);
  return expr;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(==|!=|!|'[^']*'|"[^"]*"|[^\s!=]+)/y;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(source))) {
    tokens.push(m[1]!);
    last = re.lastIndex;
  }
  if (source.slice(last).trim()) throw new TemplateError(`cannot parse expression '${source}'`);
  return tokens;
}

function parsePath(token: string, source: string): Expr {
  const re = /^([A-Za-z_][\w-]*)|^\.([A-Za-z_][\w-]*)|^\[(\d+)\]|^\['([^']*)'\]|^\["([^"]*)"\]/;
  const segments: Segment[] = [];
  let rest = token;
  while (rest) {
    const m = re.exec(rest);
    if (!m || (segments.length === 0 && m[1] === undefined) || (segments.length > 0 && m[1] !== undefined)) {
      throw new TemplateError(`invalid path '${token}' in expression '${source}'`);
    }
    segments.push(m[3] !== undefined ? Number(m[3]) : (m[1] ?? m[2] ?? m[4] ?? m[5])!);
    rest = rest.slice(m[0].length);
  }
  const root = segments.shift();
  if (!TEMPLATE_ROOTS.includes(root as TemplateRoot)) {
    throw new TemplateError(`unknown root '${String(root)}' in '${source}' (expected one of ${TEMPLATE_ROOTS.join(', ')})`);
  }
  return { kind: 'path', root: root as TemplateRoot, segments };
}

/** Truthiness of `if:` values and `!`: also 'false', '0', 'no', 'off' and '' are false. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'false', '0', 'no', 'off'].includes(value.trim().toLowerCase());
  return Boolean(value);
}

/** Evaluates a parsed expression. A missing path yields undefined. */
export function evaluate(expr: Expr, ctx: TemplateContext): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'not':
      return !truthy(evaluate(expr.expr, ctx));
    case 'compare': {
      const equal = evaluate(expr.left, ctx) === evaluate(expr.right, ctx);
      return expr.op === '==' ? equal : !equal;
    }
    case 'path': {
      if (expr.root === 'secrets') return secret(expr.segments, ctx);
      let current: unknown = ctx[expr.root];
      for (const seg of expr.segments) {
        if (current === null || typeof current !== 'object') return undefined;
        if (!Object.prototype.hasOwnProperty.call(current, seg)) return undefined;
        current = (current as Record<string | number, unknown>)[seg];
      }
      return current;
    }
  }
}

/** `secrets.X`: the environment variable X; unset is an error naming it (never an empty string). */
function secret(segments: Segment[], ctx: TemplateContext): string {
  const [name, extra] = segments;
  if (typeof name !== 'string' || extra !== undefined) throw new TemplateError('expected secrets.<NAME>');
  const value = ctx.secrets?.[name];
  if (value === undefined) throw new TemplateError(`secret '${name}' is not set: export ${name} in the environment that runs the engine`);
  return value;
}

/**
 * Resolves every template in a JSON-like value. Whole-value expressions keep their type (and
 * an undefined result drops an object key); interpolating undefined is an error.
 *
 * @example resolveTemplates({ n: '${{ steps.a.outputs.n }}', s: 'n=${{ steps.a.outputs.n }}' }, ctx)
 *   // → { n: 3, s: 'n=3' }
 */
export function resolveTemplates(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return resolveString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, ctx));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = resolveTemplates(v, ctx);
      if (resolved !== undefined) out[k] = resolved;
    }
    return out;
  }
  return value;
}

function resolveString(value: string, ctx: TemplateContext): unknown {
  if (!hasTemplate(value)) return value;
  const parts = parseTemplateString(value);
  const only = parts[0];
  if (parts.length === 1 && only && value.slice(0, only.start).trim() === '' && value.slice(only.end).trim() === '') {
    return evaluate(only.expr, ctx);
  }
  let out = '';
  let from = 0;
  for (const part of parts) {
    const resolved = evaluate(part.expr, ctx);
    if (resolved === undefined) throw new TemplateError(`'\${{ ${part.source} }}' resolved to undefined in '${value}'`);
    out += value.slice(from, part.start) + (typeof resolved === 'object' && resolved !== null ? JSON.stringify(resolved) : String(resolved));
    from = part.end;
  }
  return out + value.slice(from);
}

/** Every path expression inside an expression (for static checks). */
export function pathsOf(expr: Expr): Array<Extract<Expr, { kind: 'path' }>> {
  switch (expr.kind) {
    case 'path':
      return [expr];
    case 'not':
      return pathsOf(expr.expr);
    case 'compare':
      return [...pathsOf(expr.left), ...pathsOf(expr.right)];
    default:
      return [];
  }
}

/** Keys of `${{ target.<k> }}` (see engine/target.ts). */
export const TARGET_KEYS = ['kind', 'endpoint', 'host', 'port', 'dnsHost', 'dnsPort', 'timeScale'] as const;

/** Keys of `${{ run.<k> }}`. */
export const RUN_KEYS = ['id', 'dir', 'workflowDir', 'startedAt'] as const;
