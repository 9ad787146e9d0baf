import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileValidator } from './compileValidator.ts';
import type { AnyStepDefinition, JsonSchema } from './types.ts';
import { EngineError } from './errors.ts';

/** Step types that never touch AWS unless they say otherwise. */
const GENERIC_DEFAULT = false;

/**
 * The step types a workflow may use, with their params schemas compiled once. Built from
 * `steps/all.ts` (the list in `steps/index.ts`) by the CLI; tests and benchmarks build their own.
 */
export class StepRegistry {
  private readonly defs = new Map<string, AnyStepDefinition>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(definitions: readonly AnyStepDefinition[]) {
    for (const def of definitions) {
      if (this.defs.has(def.type)) throw new EngineError(`step type '${def.type}' is registered twice`);
      this.defs.set(def.type, def);
    }
  }

  /** The definition of a type, or undefined. */
  get(type: string): AnyStepDefinition | undefined {
    return this.defs.get(type);
  }

  /** All definitions, sorted by type. */
  list(): AnyStepDefinition[] {
    return [...this.defs.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** Whether a step of this type needs the target (the emulator, for the embedded target). */
  needsTarget(type: string): boolean {
    return this.defs.get(type)?.needsTarget ?? !GENERIC_DEFAULT;
  }

  /**
   * Validates params against the type's schema and applies its defaults to `params` in place
   * (pass a copy when that matters). The runner and `engine rollback` hand the same object to
   * `run`/`rollback`: this is what lets a step read a defaulted param without a fallback
   * (`StepDefinition`). Unknown types return no errors.
   */
  validate(type: string, params: unknown): ErrorObject[] {
    const validate = this.validator(type);
    if (!validate) return [];
    return validate(params) ? [] : [...(validate.errors ?? [])];
  }

  /** The closest known type to a misspelt one, if any is close enough. */
  suggest(type: string): string | undefined {
    return closest(type, [...this.defs.keys()]);
  }

  private validator(type: string): ValidateFunction | undefined {
    let validate = this.validators.get(type);
    if (!validate) {
      const def = this.defs.get(type);
      if (!def) return undefined;
      validate = compileValidator(def.params as JsonSchema);
      this.validators.set(type, validate);
    }
    return validate;
  }
}

/** Edit distance where swapping two adjacent letters counts as one edit (optimal string alignment). */
function typoDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[x.length]![y.length]!;
}

/** The candidate nearest to `word` when it is plausibly a typo of it. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = typoDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined || bestDistance >= Math.min(word.length, best.length)) return undefined;
  return bestDistance <= Math.max(2, Math.round(word.length * 0.4)) ? best : undefined;
}
