import { TemplateError } from './errors.ts';
import { pathsOf, TEMPLATE_ROOTS, type Expr, type ExpressionRoot, type Segment, type TemplateRoot } from './expression/ast.ts';
import { evaluate, truthy } from './expression/evaluate.ts';
import { ExpressionError } from './expression/expressionError.ts';
import { parseExpression } from './expression/parser.ts';

/**
 * `${{ }}` templates. An expression is written in the grammar of `engine/expression/`: paths over
 * the template context (`inputs.x`, `steps.<id>.outputs.<path>`, `env.X`, `target.<k>`,
 * `run.id`), literals (strings, numbers, `true`, `false`, `null`, durations such as `60s`,
 * percentages such as `99%`), comparisons, `!`, `&&`, `||` and parentheses. Nothing is evaluated
 * as code. A value that is exactly one expression keeps the type of what it resolves to; anything
 * else is string interpolation.
 */

export { evaluate, parseExpression, pathsOf, TEMPLATE_ROOTS, truthy };
export type { Expr, Segment, TemplateRoot };

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

/** One `${{ }}` occurrence in a string. */
export interface TemplatePart {
  source: string;
  expr: Expr;
  /** Offset of `${{` in the string. */
  start: number;
  /** Offset just past `}}`. */
  end: number;
  /** Offset of `source` (the trimmed inside) in the string: add an expression offset to it. */
  sourceStart: number;
}

const OPEN = '${{';
const CLOSE = '}}';

/** Whether a string contains a template. */
export function hasTemplate(value: string): boolean {
  return value.includes(OPEN);
}

/**
 * Finds and parses every `${{ }}` in a string. Throws {@link TemplateError} on malformed ones;
 * an {@link ExpressionError}'s offset is then relative to `value`.
 */
export function parseTemplateString(value: string, roots?: readonly ExpressionRoot[]): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf(OPEN, from);
    if (start < 0) return parts;
    const close = value.indexOf(CLOSE, start + OPEN.length);
    if (close < 0) throw new TemplateError(`unterminated expression: '${value.slice(start)}' has no closing '}}'`);
    const inside = value.slice(start + OPEN.length, close);
    const source = inside.trim();
    const sourceStart = start + OPEN.length + (inside.length - inside.trimStart().length);
    let expr: Expr;
    try {
      expr = parseExpression(source, roots ? { roots } : {});
    } catch (error) {
      throw error instanceof ExpressionError ? error.shifted(sourceStart) : error;
    }
    parts.push({ source, expr, start, end: close + CLOSE.length, sourceStart });
    from = close + CLOSE.length;
  }
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

/** The one template a string consists of (blanks around it aside), or undefined when it has text too, or several. */
export function wholeTemplate(value: string, parts: TemplatePart[]): TemplatePart | undefined {
  const only = parts[0];
  return parts.length === 1 && only && value.slice(0, only.start).trim() === '' && value.slice(only.end).trim() === '' ? only : undefined;
}

function resolveString(value: string, ctx: TemplateContext): unknown {
  if (!hasTemplate(value)) return value;
  const parts = parseTemplateString(value);
  const only = wholeTemplate(value, parts);
  if (only) return evaluate(only.expr, ctx);
  let out = '';
  let from = 0;
  for (const part of parts) {
    const resolved = evaluate(part.expr, ctx);
    if (resolved === undefined) throw new TemplateError(`'\${{ ${part.source} }}' resolved to undefined in '${value}'`);
    out +=
      value.slice(from, part.start) + (typeof resolved === 'object' && resolved !== null ? JSON.stringify(resolved) : String(resolved));
    from = part.end;
  }
  return out + value.slice(from);
}

/** Keys of `${{ target.<k> }}` (see engine/target.ts). */
export const TARGET_KEYS = ['kind', 'endpoint', 'host', 'port', 'dnsHost', 'dnsPort', 'timeScale'] as const;

/** Keys of `${{ run.<k> }}`. */
export const RUN_KEYS = ['id', 'dir', 'workflowDir', 'startedAt'] as const;
