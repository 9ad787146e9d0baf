/**
 * The syntax tree of a `${{ }}` expression. Every node keeps its character range in the source
 * it was parsed from (`start` inclusive, `end` exclusive), so that type errors can be located at
 * `file:line:col` by the loader.
 */

/** The roots a template may read (`${{ inputs.x }}`, `${{ steps.a.outputs.b }}`, ...). */
export const TEMPLATE_ROOTS = ['inputs', 'steps', 'env', 'target', 'run', 'secrets'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

/**
 * Roots of an objective or `assert` expression: the template roots plus `measures`, the derived
 * measures of the run's evidence (see docs/objectives.md).
 */
export const EVIDENCE_ROOTS = [...TEMPLATE_ROOTS, 'measures'] as const;
export type ExpressionRoot = (typeof EVIDENCE_ROOTS)[number];

/** Units of a number literal: a duration (`60s` is 60 000 ms of AWS time) or a percentage (`99%` is 0.99). */
export type LiteralUnit = 'ms' | 's' | 'm' | 'h' | '%';

export type Segment = string | number;
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type LogicalOp = '&&' | '||';

interface Range {
  start: number;
  end: number;
}

export type PathExpr = Range & { kind: 'path'; root: ExpressionRoot; segments: Segment[]; text: string };
export type LiteralExpr = Range & { kind: 'literal'; value: string | number | boolean | null; unit?: LiteralUnit; text: string };
export type NotExpr = Range & { kind: 'not'; expr: Expr };
export type CompareExpr = Range & { kind: 'compare'; op: CompareOp; left: Expr; right: Expr; opStart: number };
export type LogicalExpr = Range & { kind: 'logical'; op: LogicalOp; left: Expr; right: Expr };

export type Expr = PathExpr | LiteralExpr | NotExpr | CompareExpr | LogicalExpr;

/** Every path inside an expression, in source order (for static checks). */
export function pathsOf(expr: Expr): PathExpr[] {
  switch (expr.kind) {
    case 'path':
      return [expr];
    case 'literal':
      return [];
    case 'not':
      return pathsOf(expr.expr);
    case 'compare':
    case 'logical':
      return [...pathsOf(expr.left), ...pathsOf(expr.right)];
  }
}
