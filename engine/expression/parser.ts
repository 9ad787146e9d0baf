import { TemplateError } from '../errors.ts';
import { TEMPLATE_ROOTS, type CompareOp, type Expr, type ExpressionRoot, type LiteralExpr, type PathExpr, type Segment } from './ast.ts';
import { ExpressionError } from './expressionError.ts';
import { tokenize, type Token } from './lexer.ts';

/**
 * Parser of the expression grammar, by precedence as in JavaScript (loosest first):
 *
 *     or         := and ( '||' and )*
 *     and        := equality ( '&&' equality )*
 *     equality   := relational ( ( '==' | '!=' ) relational )?
 *     relational := unary ( ( '<' | '<=' | '>' | '>=' ) unary )?
 *     unary      := '!' unary | primary
 *     primary    := '(' or ')' | string | number | duration | percent | true | false | null | path
 *
 * Unlike JavaScript, comparisons do not chain (`a < b < c` is an error: write `a < b && b < c`).
 * Nothing here can call a function or reach a prototype: a path is data lookup only (see
 * evaluate.ts), and any other character is a parse error.
 */
export interface ParseOptions {
  /** Roots a path may start with (default: the template roots). */
  roots?: readonly ExpressionRoot[];
}

export function parseExpression(source: string, options: ParseOptions = {}): Expr {
  const tokens = tokenize(source);
  if (tokens.length === 0) throw new TemplateError('empty expression ${{ }}');
  const parser = new Parser(source, tokens, options.roots ?? TEMPLATE_ROOTS);
  const expr = parser.or();
  const extra = parser.peek();
  if (extra) throw new ExpressionError(`unexpected '${extra.text}' in expression '${source}'`, extra.start);
  return expr;
}

const RELATIONAL: readonly string[] = ['<', '<=', '>', '>='];
const EQUALITY: readonly string[] = ['==', '!='];

class Parser {
  private i = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly roots: readonly ExpressionRoot[],
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isOp(...ops: readonly string[]): boolean {
    const t = this.peek();
    return t?.type === 'op' && ops.includes(t.text);
  }

  or(): Expr {
    let left = this.and();
    while (this.isOp('||')) {
      this.i++;
      const right = this.and();
      left = { kind: 'logical', op: '||', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison(EQUALITY, RELATIONAL);
    while (this.isOp('&&')) {
      this.i++;
      const right = this.comparison(EQUALITY, RELATIONAL);
      left = { kind: 'logical', op: '&&', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** `ops` at this level, with `tighter` the next level down (empty: unary). */
  private comparison(ops: readonly string[], tighter: readonly string[]): Expr {
    const operand = () => (tighter.length > 0 ? this.comparison(tighter, []) : this.unary());
    const left = operand();
    if (!this.isOp(...ops)) return left;
    const opToken = this.tokens[this.i++]!;
    const right = operand();
    if (this.isOp(...ops)) {
      const again = this.peek()!;
      throw new ExpressionError(
        `comparisons do not chain in expression '${this.source}': write '${this.text(left.start, right.end)} && ...' instead of another '${again.text}'`,
        again.start,
      );
    }
    return { kind: 'compare', op: opToken.text as CompareOp, left, right, start: left.start, end: right.end, opStart: opToken.start };
  }

  private unary(): Expr {
    const t = this.peek();
    if (t?.type === 'op' && t.text === '!') {
      this.i++;
      const expr = this.unary();
      return { kind: 'not', expr, start: t.start, end: expr.end };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new TemplateError(`expression '${this.source}' is incomplete`);
    switch (t.type) {
      case 'string':
        return literal(t, t.value);
      case 'number':
        return { ...literal(t, t.value), ...(t.unit ? { unit: t.unit } : {}) };
      case 'word':
        if (t.text === 'true' || t.text === 'false') return literal(t, t.text === 'true');
        if (t.text === 'null') return literal(t, null);
        return parsePath(t, this.source, this.roots);
      case 'op': {
        if (t.text !== '(') throw new ExpressionError(`unexpected '${t.text}' in expression '${this.source}'`, t.start);
        const inner = this.or();
        const close = this.tokens[this.i++];
        if (close === undefined) throw new TemplateError(`expression '${this.source}' is incomplete: missing ')'`);
        if (close.type !== 'op' || close.text !== ')') {
          throw new ExpressionError(`expected ')' but found '${close.text}' in expression '${this.source}'`, close.start);
        }
        return { ...inner, start: t.start, end: close.end };
      }
    }
  }

  private text(start: number, end: number): string {
    return this.source.slice(start, end);
  }
}

function literal(t: Token, value: LiteralExpr['value']): LiteralExpr {
  return { kind: 'literal', value, text: t.text, start: t.start, end: t.end };
}

/** A path token: `root`, then `.name`, `[0]`, `['key']` or `["key"]` segments. */
function parsePath(token: Token, source: string, roots: readonly ExpressionRoot[]): PathExpr {
  const re = /^([A-Za-z_][\w-]*)|^\.([A-Za-z_][\w-]*)|^\[(\d+)\]|^\['([^']*)'\]|^\["([^"]*)"\]/;
  const segments: Segment[] = [];
  let rest = token.text;
  while (rest) {
    const m = re.exec(rest);
    if (!m || (segments.length === 0 && m[1] === undefined) || (segments.length > 0 && m[1] !== undefined)) {
      throw new TemplateError(`invalid path '${token.text}' in expression '${source}'`);
    }
    segments.push(m[3] !== undefined ? Number(m[3]) : (m[1] ?? m[2] ?? m[4] ?? m[5])!);
    rest = rest.slice(m[0].length);
  }
  const root = segments.shift();
  if (!roots.includes(root as ExpressionRoot)) {
    throw new TemplateError(`unknown root '${String(root)}' in '${source}' (expected one of ${roots.join(', ')})`);
  }
  return { kind: 'path', root: root as ExpressionRoot, segments, text: token.text, start: token.start, end: token.end };
}
