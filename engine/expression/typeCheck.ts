import type { Expr, PathExpr } from './ast.ts';
import { describeValue } from './format.ts';

/**
 * Static types of an expression, for `engine validate`: what a literal is, and what a path
 * reads when the workflow says so (a typed input, a step output the step type declares, a
 * measure). Everything else is `unknown` and checked only at run time.
 */
export type StaticType = 'number' | 'string' | 'boolean' | 'null' | 'unknown';

/** One static type error, at a character offset of the expression's source. */
export interface TypeProblem {
  offset: number;
  message: string;
}

/** Finds comparisons that can never work: ordering a string against a duration, `'60' == 60s`, ... */
export function typeCheck(expr: Expr, typeOfPath: (path: PathExpr) => StaticType): TypeProblem[] {
  return inferType(expr, typeOfPath).problems;
}

/** The static type of an expression's value, with the problems {@link typeCheck} reports. */
export function inferType(expr: Expr, typeOfPath: (path: PathExpr) => StaticType): { type: StaticType; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];
  const infer = (e: Expr): StaticType => {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? 'null' : (typeof e.value as StaticType);
      case 'path':
        return typeOfPath(e);
      case 'not':
        infer(e.expr);
        return 'boolean';
      case 'logical': {
        const [l, r] = [infer(e.left), infer(e.right)];
        return l === r ? l : 'unknown';
      }
      case 'compare': {
        const [l, r] = [infer(e.left), infer(e.right)];
        const known = l !== 'unknown' && r !== 'unknown';
        const ordering = e.op !== '==' && e.op !== '!=';
        const bad = ordering
          ? (known && !(l === r && (l === 'number' || l === 'string'))) || [l, r].some((t) => t === 'boolean' || t === 'null')
          : known && l !== r && l !== 'null' && r !== 'null';
        if (bad) {
          const why = ordering ? 'it needs two numbers (durations and percentages are numbers) or two strings' : 'they can never be equal';
          problems.push({
            offset: e.opStart,
            message: `cannot compare ${describeStatic(e.left, l)} with ${describeStatic(e.right, r)} using '${e.op}': ${why}`,
          });
        }
        return 'boolean';
      }
    }
  };
  const type = infer(expr);
  return { type, problems };
}

function describeStatic(expr: Expr, type: StaticType): string {
  if (expr.kind === 'literal') return describeValue(expr, expr.value);
  if (expr.kind === 'path') return `${expr.text} (${type})`;
  return `an expression (${type})`;
}
