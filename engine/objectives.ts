import type { CompareExpr, Expr } from './expression/ast.ts';
import { evaluate, truthy, type ExpressionScope } from './expression/evaluate.ts';
import { explain } from './expression/explain.ts';
import { MissingValueError } from './expression/expressionError.ts';
import { formatValue, operatorSymbol, unitOf } from './expression/format.ts';
import { errorMessage } from './errors.ts';
import { parseObjective, type ObjectiveSpec } from './objectiveSpecs.ts';

/**
 * Checks objectives against a run's measures. Each objective gives one verdict record with a
 * printed line, e.g. `failover RTO 31.2 s ≤ 60 s  PASS`. A measure that was never reached
 * (no failover happened, nothing was read back) fails its objective as `not measured`: a
 * drill that proves nothing must not pass.
 */
export interface Verdict {
  name: string;
  /** The expression checked, e.g. `measures.failover.rto <= 60s`. */
  expression: string;
  /** Left operand of the comparison (the measure), null when not measured. */
  actual: unknown;
  /** Right operand (the limit). */
  limit: unknown;
  pass: boolean;
  /** `failover RTO 31.2 s ≤ 60 s  PASS`. */
  line: string;
  /** JSON pointer of the objective in the workflow file. */
  pointer: string;
  /** Why it could not be evaluated (a missing measure, a type error at run time). */
  error?: string;
}

/**
 * Evaluates every objective. `scope.measures` is the record of engine/measures/deriveMeasures.ts
 * (or any plain record of numbers); the other roots are the run's template context.
 */
export function checkObjectives(specs: readonly ObjectiveSpec[], scope: ExpressionScope): Verdict[] {
  return specs.flatMap((spec) => expand(spec, scope).map((one) => verdict(one, scope)));
}

/** Whether every verdict passed (vacuously true for none). */
export function allPassed(verdicts: readonly Verdict[]): boolean {
  return verdicts.every((v) => v.pass);
}

function expand(spec: ObjectiveSpec, scope: ExpressionScope): ObjectiveSpec[] {
  if (!spec.eachClient) return [spec];
  const measures = scope.measures as Record<string, unknown> | undefined;
  const family = measures?.[spec.eachClient];
  const clients = family !== null && typeof family === 'object' ? Object.keys(family) : [];
  // No client probe at all: one verdict that fails as not measured.
  const names = clients.length > 0 ? clients : ['no client probe'];
  return names.map((client) => ({ ...spec, name: spec.name.replace('{client}', client), source: spec.source.replace('{client}', client) }));
}

function verdict(spec: ObjectiveSpec, scope: ExpressionScope): Verdict {
  const expr = parseObjective(spec.source);
  const base = { name: spec.name, expression: spec.source, pointer: spec.pointer };
  try {
    const ex = explain(expr, scope);
    const pass = truthy(ex.value);
    const shown = expr.kind === 'compare' ? ex.text : `${ex.text} (${spec.source})`;
    return { ...base, actual: ex.left ?? ex.value, limit: ex.right ?? null, pass, line: line(spec.name, shown, pass) };
  } catch (error) {
    const missing = error instanceof MissingValueError;
    const operands = expr.kind === 'compare' ? safeOperands(expr, scope) : undefined;
    const shown = operands ? operands.text : missing ? `not measured (${(error as MissingValueError).path})` : spec.source;
    const why = missing ? `not measured: ${(error as MissingValueError).path} has no value` : errorMessage(error);
    return {
      ...base,
      actual: operands?.left ?? null,
      limit: operands?.right ?? null,
      pass: false,
      line: line(spec.name, shown, false),
      error: why,
    };
  }
}

/** Operands of a comparison that could not be applied, each printed on its own (`not measured ≤ 60 s`). */
function safeOperands(expr: CompareExpr, scope: ExpressionScope): { left: unknown; right: unknown; text: string } {
  const side = (e: Expr) => {
    try {
      return evaluate(e, scope);
    } catch {
      return undefined;
    }
  };
  const [left, right] = [side(expr.left), side(expr.right)];
  const unit = unitOf(expr.left, expr.right);
  return {
    left: left ?? null,
    right: right ?? null,
    text: `${formatValue(left, unit)} ${operatorSymbol(expr.op)} ${formatValue(right, unit)}`,
  };
}

function line(name: string, shown: string, pass: boolean): string {
  return `${name} ${shown}  ${pass ? 'PASS' : 'FAIL'}`;
}
