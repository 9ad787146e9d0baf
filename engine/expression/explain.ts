import type { Expr } from './ast.ts';
import { compare, evaluate, truthy, type ExpressionScope } from './evaluate.ts';
import { formatValue, operatorSymbol, unitOf } from './format.ts';

/**
 * An expression evaluated with its operands shown: `measures.failover.rto <= 60s` explains as
 * `31.2 s ≤ 60 s`. The top comparison's operands are also returned as numbers/strings, for
 * verdict records.
 */
export interface Explained {
  value: unknown;
  /** The expression with every comparison's operands replaced by their values. */
  text: string;
  /** Operands of the outermost comparison, when the expression is one. */
  left?: unknown;
  right?: unknown;
}

/** Like {@link evaluate}, and throws the same errors. */
export function explain(expr: Expr, scope: ExpressionScope): Explained {
  switch (expr.kind) {
    case 'literal':
    case 'path': {
      const value = evaluate(expr, scope);
      return { value, text: formatValue(value, expr.kind === 'literal' ? expr.unit : undefined) };
    }
    case 'not': {
      const inner = explain(expr.expr, scope);
      return { value: !truthy(inner.value), text: `!${wrap(expr.expr, inner.text)}` };
    }
    case 'logical': {
      const left = explain(expr.left, scope);
      const short = expr.op === '&&' ? !truthy(left.value) : truthy(left.value);
      if (short) return { value: left.value, text: wrap(expr.left, left.text) };
      const right = explain(expr.right, scope);
      return { value: right.value, text: `${wrap(expr.left, left.text)} ${expr.op} ${wrap(expr.right, right.text)}` };
    }
    case 'compare': {
      const left = evaluate(expr.left, scope);
      const right = evaluate(expr.right, scope);
      const unit = unitOf(expr.left, expr.right);
      const text = `${formatValue(left, unit)} ${operatorSymbol(expr.op)} ${formatValue(right, unit)}`;
      return { value: compare(expr, left, right), text, left, right };
    }
  }
}

function wrap(expr: Expr, text: string): string {
  return expr.kind === 'logical' ? `(${text})` : text;
}
