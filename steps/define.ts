import { Type, type Static, type TObject, type TOptional, type TSchema } from '@sinclair/typebox';
import type { Claim, StepContext, StepDefinition, StepEffect } from '../engine/types.ts';

/**
 * A property with a schema default: optional in a workflow, always present in `run` and
 * `rollback`, because the engine applies the schema's defaults before calling either (ajv
 * `useDefaults`, also for a rollback that runs from the journal).
 */
export type TDefaulted<T extends TSchema> = TOptional<T> & { default: Static<T> };

/**
 * Marks a property as optional with a default. The value is checked against the property's
 * type, and it is written once: the schema carries it, `run` reads it.
 *
 * @example
 * Type.Object({ ttl: Default(Type.Integer({ minimum: 0 }), 60) })   // run sees { ttl: number }
 */
export function Default<T extends TSchema>(schema: T, value: Static<T>): TDefaulted<T> {
  return Type.Optional({ ...schema, default: value }) as unknown as TDefaulted<T>;
}

type Props<T extends TObject> = T['properties'];

/** Keys that may be missing in `run`: optional and without a {@link Default}. */
type OptionalKeys<T extends TObject> = {
  [K in keyof Props<T>]: Props<T>[K] extends TOptional<TSchema> ? (Props<T>[K] extends { default: unknown } ? never : K) : never;
}[keyof Props<T>];

type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** A property's type as `run` sees it: nested objects get their defaults too (ajv fills them in). */
type Resolved<S> = S extends TObject ? StepParams<S> : S extends TSchema ? Static<S> : never;

/** What a workflow may write as a step's params: the schema's type, defaulted keys optional. */
export type StepInput<T extends TObject> = Static<T>;

/** What `run` and `rollback` receive: the schema's type with every defaulted key present, at every depth. */
export type StepParams<T extends TObject> = Flatten<
  { [K in Exclude<keyof Props<T>, OptionalKeys<T>>]: Resolved<Props<T>[K]> } & { [K in OptionalKeys<T>]?: Resolved<Props<T>[K]> }
>;

/** A step type as its file writes it: schemas for params and outputs, and the code typed by them. */
export interface StepSpec<P extends TObject, O extends TObject> {
  /** The file name in `steps/` and the `type:` workflows write. */
  type: string;
  /** One line for `engine steps` and the editor schema. */
  description: string;
  /** Params schema (TypeBox, hence plain JSON Schema the loader validates with ajv). */
  params: P;
  /** Outputs schema; `${{ steps.x.outputs.y }}` references are checked against its properties. */
  outputs: O;
  /** See {@link StepDefinition.needsTarget}. */
  needsTarget?: boolean;
  /** See {@link StepDefinition.outputsOnlyWith}: outputs set only when a param is given. */
  outputsOnlyWith?: Partial<Record<keyof Static<O> & string, keyof Static<P> & string>>;
  run(params: StepParams<P>, ctx: StepContext): Promise<Static<O>>;
  /** Idempotent; `outputs` is undefined when the step never finished (e.g. after a crash). */
  rollback?(params: StepParams<P>, ctx: StepContext, outputs: Static<O> | undefined): Promise<void>;
  /** See {@link StepDefinition.effects}: what `engine plan` shows, from the params alone. */
  effects?(params: StepParams<P>, where: { workflowDir: string }): StepEffect[];
  /** See {@link StepDefinition.claims}: the names the step takes on its target, locked before the run. */
  claims?(params: StepParams<P>): Claim[];
}

/** A defined step: the engine's {@link StepDefinition}, keeping the schemas' TypeBox types. */
export type DefinedStep<P extends TObject, O extends TObject> = StepDefinition<StepParams<P>, Static<O>> & { params: P; outputs: O };

/**
 * Defines a step type whose params schema *is* its params type: `run` receives
 * `Static<params>` with defaulted keys required, and returns `Static<outputs>`. A renamed
 * property no longer compiles where the old name is read.
 *
 * @example
 * export default defineStep({
 *   type: 'wait', description: 'Sleep on the engine clock.', needsTarget: false,
 *   params: Type.Object({ ms: Default(Type.Integer({ minimum: 0 }), 1000) }, { additionalProperties: false }),
 *   outputs: Type.Object({ waitedMs: Type.Integer() }),
 *   run: async (p, ctx) => { await ctx.clock.sleep(p.ms, ctx.signal); return { waitedMs: p.ms }; },
 * });
 */
export function defineStep<P extends TObject, O extends TObject>(spec: StepSpec<P, O>): DefinedStep<P, O> {
  return spec;
}
