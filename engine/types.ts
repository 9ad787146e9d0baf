import type { Agent as HttpAgent } from 'node:http';
/**
 * Public types of the engine: the contract between the engine, the step types in `steps/`
 * and the targets a workflow runs against. Steps import only this file, `engine/errors.ts`
 * and AWS SDK clients.
 */

/** A JSON Schema object as ajv accepts it (draft 2020-12 / draft-07 subset). */
export type JsonSchema = { [key: string]: unknown };

/** Levelled logger handed to every step; never a global. */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/**
 * The engine's notion of time: AWS time, the one clock of engine and emulator (see
 * docs/clock.md). Tests inject a ManualClock so that retries, backoff and polling never sleep.
 */
export type { Clock } from '../emulator/clock.ts';
/** The request header that names the caller's activity on the target's clock (docs/clock.md). */
export { ACTIVITY_HEADER } from '../emulator/clock.ts';
import type { Clock } from '../emulator/clock.ts';

/** Static AWS credentials; the embedded and endpoint targets use dummy ones. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Anything constructible like an AWS SDK v3 client (`new Route53Client(config)`). */
export type ClientConstructor<T> = new (config: ClientConfig) => T;

/** The subset of SDK client configuration a target supplies. */
export interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: Credentials;
  maxAttempts?: number;
  /** The SDK's HTTP handler options: here, the keep-alive agent for a plain-HTTP endpoint. */
  requestHandler?: { httpAgent?: HttpAgent };
}

/**
 * Where a workflow's AWS calls go. One workflow runs unchanged against the embedded emulator,
 * an endpoint (LocalStack or `engine serve`) or real AWS.
 */
export interface Target {
  kind: 'embedded' | 'endpoint' | 'aws';
  /** Base URL of the AWS endpoint, e.g. `http://127.0.0.1:4566`; undefined for real AWS. */
  endpoint?: string;
  /** The DNS server that answers for the target's Route 53 zones (the emulator's, LocalStack's). */
  dns?: { host: string; port: number };
  /**
   * How many emulated seconds pass per wall second (1 for real AWS and `engine serve`).
   * Reports give both wall time and AWS-equivalent time.
   */
  timeScale: number;
  /** The target's clock (AWS time), which the run's steps sleep and read on. */
  clock?: Clock;
  /** A client for the region, cached per (constructor, region). */
  client<T>(ctor: ClientConstructor<T>, region: string): T;
  /** Values workflows may reference as `${{ target.<key> }}` (endpoint, port, host, dnsPort, ...). */
  values: Record<string, string | number | boolean | undefined>;
}

/** What the engine hands a step while it runs or compensates. */
export interface StepContext {
  /** Aborted on timeout or interrupt; pass it to SDK calls as `{ abortSignal }`. */
  signal: AbortSignal;
  log: Logger;
  target: Target;
  clock: Clock;
  runId: string;
  stepId: string;
  /** Folder of the workflow file, for params that name files relative to it. */
  workflowDir: string;
  /** Attempt number, 1-based. */
  attempt: number;
  /**
   * What expressions evaluated at run time see (`assert`): the template roots plus `measures`
   * derived from the drill's evidence so far. The runner always passes it.
   */
  scope?: Readonly<Record<string, unknown>>;
}

/**
 * A step type. `type` equals the file name in `steps/`; `params` is the JSON Schema the
 * loader validates each use against (steps write it with TypeBox through `steps/define.ts`,
 * so the schema is also `TParams`). Before `run` and before `rollback` (live, or from the
 * journal) the engine validates the params with ajv `useDefaults`, so `run` and `rollback`
 * receive them with every schema default applied and never repeat a default.
 * `rollback` compensates what `run` did and must be idempotent (it may run after a crash,
 * from the journal alone, with `outputs` undefined when the step never finished).
 */
export interface StepDefinition<TParams = Record<string, unknown>, TOutputs = Record<string, unknown>> {
  type: string;
  description: string;
  params: JsonSchema;
  /** JSON Schema of the outputs, used to check `${{ steps.x.outputs.y }}` references statically. */
  outputs?: JsonSchema;
  /**
   * Outputs the step sets only when a param is given (output name → param name, e.g. `sinceMs`
   * only with `since`): a workflow that reads such an output of a step without that param is
   * refused when it is loaded, instead of reading nothing at run time.
   */
  outputsOnlyWith?: Readonly<Record<string, string | undefined>>;
  run(params: TParams, ctx: StepContext): Promise<TOutputs>;
  rollback?(params: TParams, ctx: StepContext, outputs: TOutputs | undefined): Promise<void>;
  /**
   * Whether the step calls AWS through `ctx.target` (default true). Generic steps (`wait`,
   * `fail`, `writeFile`) set it to false so that a workflow made only of them never starts the
   * embedded emulator.
   */
  needsTarget?: boolean;
  /**
   * What a run would do to the target, from the params alone (no request): what `engine plan`
   * prints. Values that come from earlier steps are still `${{ ... }}` text here. A step type
   * without it is listed as "effects unknown".
   */
  effects?(params: TParams, where: { workflowDir: string }): StepEffect[];
  /**
   * The names this step will take on the target (a zone name, a custom API id, a table), from
   * its params as the workflow gives them (templates that read other steps' outputs stay
   * unresolved: leave those out). Two runs claiming the same name on one target cannot run at
   * once: the second is refused, or waits, before anything is created.
   */
  claims?(params: TParams): Claim[];
}

/** One thing a step would create, change, break or delete, for `engine plan`. */
export interface StepEffect {
  action: 'create' | 'change' | 'break' | 'delete';
  /** What, e.g. `Route 53 health check on api.example.com:443/health`. */
  resource: string;
  region?: string;
  /** One line: how, and what the rollback does about it. */
  detail: string;
}

/** A name a step takes on a target (see {@link StepDefinition.claims}); `region` where the name is regional. */
export type Claim =
  | { kind: 'zone'; name: string }
  | { kind: 'restApiId'; id: string; region?: string }
  | { kind: 'table'; name: string; region: string }
  | { kind: 'function'; name: string; region: string };

/**
 * A step definition with its generics erased, as registries hold them. Methods are
 * bivariant in their parameters, so every `StepDefinition<P, O>` is assignable to it.
 */
export type AnyStepDefinition = StepDefinition<unknown, unknown>;
