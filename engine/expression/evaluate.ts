import type { CompareExpr, Expr, ExpressionRoot, PathExpr } from './ast.ts';
import { ExpressionError, MissingValueError } from './expressionError.ts';
import { describeValue } from './format.ts';

/** What an expression reads: one value per root (`inputs`, `steps`, ..., `measures`). */
export type ExpressionScope = Partial<Record<ExpressionRoot, unknown>>;

/** Truthiness of `if:` values, `!`, `&&` and `||`: also 'false', '0', 'no', 'off' and '' are false. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'false', '0', 'no', 'off'].includes(value.trim().toLowerCase());
  return Boolean(value);
}

/**
 * Evaluates a parsed expression. A missing path yields undefined; `&&` and `||` return one of
 * their operands as in JavaScript; `==`/`!=` are strict. `<`, `<=`, `>`, `>=` need two numbers
 * (durations and percentages are numbers) or two strings, and throw an {@link ExpressionError}
 * located at the operator otherwise ({@link MissingValueError} when an operand has no value).
 */
export function evaluate(expr: Expr, scope: ExpressionScope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return lookup(expr, scope);
    case 'not':
      return !truthy(evaluate(expr.expr, scope));
    case 'logical': {
      const left = evaluate(expr.left, scope);
      if (expr.op === '&&') return truthy(left) ? evaluate(expr.right, scope) : left;
      return truthy(left) ? left : evaluate(expr.right, scope);
    }
    case 'compare':
      return compare(expr, evaluate(expr.left, scope), evaluate(expr.right, scope));
  }
}

/** Applies a comparison to already evaluated operands (explain.ts reuses it). */
export function compare(expr: CompareExpr, left: unknown, right: unknown): boolean {
  switch (expr.op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    default: {
      checkOrdered(expr, left, right);
      const [a, b] = [left as number | string, right as number | string];
      if (expr.op === '<') return a < b;
      if (expr.op === '<=') return a <= b;
      if (expr.op === '>') return a > b;
      return a >= b;
    }
  }
}

function checkOrdered(expr: CompareExpr, left: unknown, right: unknown): void {
  for (const [side, value] of [
    [expr.left, left],
    [expr.right, right],
  ] as const) {
    if (value === undefined || value === null) throw new MissingValueError(side.kind === 'path' ? side.text : sourceOf(side), side.start);
  }
  const ok = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (ok && !(typeof left === 'number' && (Number.isNaN(left) || Number.isNaN(right as number)))) return;
  throw new ExpressionError(
    `cannot compare ${describeValue(expr.left, left)} with ${describeValue(expr.right, right)} using '${expr.op}': it needs two numbers (durations and percentages are numbers) or two strings`,
    expr.opStart,
  );
}

function sourceOf(expr: Expr): string {
  return expr.kind === 'literal' ? expr.text : `expression at column ${expr.start + 1}`;
}

/**
 * A path's value, own properties only: `__proto__`, `constructor`, `toString` and other
 * inherited members are undefined, so no path can reach a prototype or a function.
 */
function lookup(expr: PathExpr, scope: ExpressionScope): unknown {
  if (expr.root === 'secrets') return secret(expr, scope);
  let current: unknown = Object.hasOwn(scope, expr.root) ? scope[expr.root] : undefined;
  for (const seg of expr.segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, seg)) return undefined;
    current = (current as Record<string | number, unknown>)[seg];
  }
  return typeof current === 'function' ? undefined : current;
}

/**
 * `secrets.X`: the environment variable X, as GitHub Actions reads secrets (masked by value
 * wherever it appears); unset is an error naming it, never an empty string.
 */
function secret(expr: PathExpr, scope: ExpressionScope): string {
  const [name, extra] = expr.segments;
  if (typeof name !== 'string' || extra !== undefined) throw new ExpressionError('expected secrets.<NAME>', expr.start);
  const secrets = scope.secrets as Record<string, string | undefined> | undefined;
  const value = secrets && Object.hasOwn(secrets, name) ? secrets[name] : undefined;
  if (value === undefined)
    throw new ExpressionError(`secret '${name}' is not set: export ${name} in the environment that runs the engine`, expr.start);
  return value;
}
