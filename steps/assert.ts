import { Type } from '@sinclair/typebox';
import { defineStep } from './define.ts';
import { NonRetryableError, ObjectiveBreachedError } from '../engine/errors.ts';
import type { StepContext } from '../engine/types.ts';
import { EVIDENCE_ROOTS } from '../engine/expression/ast.ts';
import type { ExpressionScope } from '../engine/expression/evaluate.ts';
import { truthy } from '../engine/expression/evaluate.ts';
import { explain } from '../engine/expression/explain.ts';
import { MissingValueError } from '../engine/expression/expressionError.ts';
import { parseExpression } from '../engine/expression/parser.ts';

/**
 * The context `assert` runs in: the step context plus the run's expression scope (`inputs`,
 * `steps`, `env`, `target`, `run`, and `measures` derived from the evidence so far), which the
 * runner passes as `scope`.
 */
export interface AssertContext extends StepContext {
  scope?: ExpressionScope;
}

/**
 * Checks an expression at run time and fails the step with an {@link ObjectiveBreachedError}
 * carrying the evaluated operands (`replication 2.4 s ≤ 2 s: FAIL`) when it does not hold. `that`
 * is written without `${{ }}` (the runner would otherwise resolve it to a bare true/false before
 * the step sees it): `that: steps.lag.outputs.ms <= 2s`.
 */
export default defineStep({
  type: 'assert',
  effects: () => [],
  description:
    'Check an expression (comparisons, &&, ||, durations such as 2s, percentages such as 99%); fail with the evaluated operands when it does not hold.',
  needsTarget: false,
  params: Type.Object(
    {
      that: Type.String({
        minLength: 1,
        description: 'Expression over inputs, steps, env, target, run and measures, without ${{ }}: e.g. `steps.lag.outputs.ms <= 2s`.',
      }),
      message: Type.Optional(
        Type.String({ minLength: 1, description: 'What is asserted, printed before the operands: `replication 2.4 s ≤ 2 s: FAIL`.' }),
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    explained: Type.String({ description: 'The expression with its operands, e.g. `1.2 s ≤ 2 s`.' }),
    actual: Type.Optional(Type.Unknown({ description: 'Left operand of the comparison.' })),
    limit: Type.Optional(Type.Unknown({ description: 'Right operand of the comparison.' })),
  }),
  async run(params, ctx) {
    const scope = (ctx as AssertContext).scope;
    if (!scope)
      throw new NonRetryableError('assert: the runner passed no expression scope (ctx.scope); this engine cannot evaluate assertions');
    const expr = parseExpression(params.that, { roots: EVIDENCE_ROOTS });
    const label = params.message ?? params.that;
    let explained;
    try {
      explained = explain(expr, scope);
    } catch (error) {
      if (!(error instanceof MissingValueError)) throw error;
      const line = `${label}: ${error.path} not measured: FAIL`;
      throw new ObjectiveBreachedError([{ name: label, line, actual: null, limit: null }], { cause: error });
    }
    const operands = {
      ...('left' in explained ? { actual: explained.left } : {}),
      ...('right' in explained ? { limit: explained.right } : {}),
    };
    if (!truthy(explained.value)) {
      const line = `${label} ${explained.text}: FAIL`;
      throw new ObjectiveBreachedError([{ name: label, line, actual: explained.left ?? explained.value, limit: explained.right ?? null }]);
    }
    return { explained: explained.text, ...operands };
  },
});
