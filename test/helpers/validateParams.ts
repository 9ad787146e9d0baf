import type { ErrorObject } from 'ajv';
import { compileValidator } from '../../engine/compileValidator.ts';
import type { AnyStepDefinition } from '../../engine/types.ts';

/**
 * Validates params against a step's schema with the engine's ajv settings (defaults applied to
 * a copy); returns `instancePath: message` lines, empty when valid.
 */
export function paramErrors(step: { params: AnyStepDefinition['params'] }, params: unknown): string[] {
  const validate = compileValidator(step.params);
  if (validate(structuredClone(params))) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message}`);
}
