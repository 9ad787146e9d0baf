/**
 * Step params that hold a bare expression (no `${{ }}`), evaluated by the step itself at run
 * time with its operands shown: the loader parses and type-checks them like templates.
 */
export const EXPRESSION_PARAMS: Readonly<Record<string, readonly string[]>> = {
  assert: ['that'],
};
