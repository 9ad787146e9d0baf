import type { Expr, LiteralUnit } from './ast.ts';
import { UNIT_FACTOR } from './lexer.ts';

/**
 * How operands print in verdicts and assert failures: a number compared with a duration
 * literal prints in that literal's unit (`31.2 s ≤ 60 s`), one compared with a percentage as a
 * percentage (`99.4% ≥ 99%`).
 */

const UNIT_LABEL: Record<LiteralUnit, string> = { ms: ' ms', s: ' s', m: ' min', h: ' h', '%': '%' };
const SYMBOL: Record<string, string> = { '==': '=', '!=': '≠', '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/** The printed form of an operator (`<=` → `≤`). */
export function operatorSymbol(op: string): string {
  return SYMBOL[op] ?? op;
}

/** Up to three decimals, trailing zeros dropped: 31.2, 2.45, 60. */
export function trimNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** A value in a unit: 31200 in 's' → `31.2 s`; 0.994 in '%' → `99.4%`. */
export function formatInUnit(value: number, unit: LiteralUnit): string {
  return `${trimNumber(value / UNIT_FACTOR[unit])}${UNIT_LABEL[unit]}`;
}

/** A value for a verdict line, in `unit` when it is a number. */
export function formatValue(value: unknown, unit: LiteralUnit | undefined): string {
  if (value === undefined || value === null) return 'not measured';
  if (typeof value === 'number') return unit ? formatInUnit(value, unit) : trimNumber(value);
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

/** The unit a comparison's operands print in: that of a unit literal on either side. */
export function unitOf(...exprs: Expr[]): LiteralUnit | undefined {
  for (const e of exprs) if (e.kind === 'literal' && e.unit) return e.unit;
  return undefined;
}

/** An operand for an error message: `string 'abc'`, `duration 60s`, `steps.a.outputs.x (undefined)`. */
export function describeValue(expr: Expr, value: unknown): string {
  if (expr.kind === 'literal') {
    if (expr.unit === '%') return `percentage ${expr.text}`;
    if (expr.unit) return `duration ${expr.text}`;
    return `${value === null ? 'null' : typeof value} ${expr.text}`;
  }
  const shown = typeof value === 'string' ? `'${value}'` : value === undefined ? 'undefined' : JSON.stringify(value);
  const label = expr.kind === 'path' ? expr.text : 'expression';
  return `${label} (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value} ${shown})`;
}
