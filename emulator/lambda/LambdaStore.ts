import type { TimerHandle } from '../clock.ts';
import { RoutingDraw } from './RoutingDraw.ts';
import type { FunctionPool } from './runtime/FunctionPool.ts';
import type { StreamPoller } from './StreamPoller.ts';

/** An alias: a name for one version, optionally sharing traffic with a second one. */
export interface AliasRecord {
  name: string;
  arn: string;
  functionVersion: string;
  description: string;
  /** `RoutingConfig.AdditionalVersionWeights`: version → share of invocations in [0, 1]. */
  additionalVersionWeights?: Record<string, number>;
  revisionId: string;
  /** The alias's own resource policy (AddPermission with the alias as Qualifier). */
  statements: Record<string, unknown>[];
}

/** A function URL (CreateFunctionUrlConfig) of the function or of one of its aliases. */
export interface UrlConfigRecord {
  /** The alias (or `$LATEST`) it invokes; undefined for the unqualified function. */
  qualifier?: string;
  /** The host label of `FunctionUrl`: `<urlId>.lambda-url.<region>.…`. */
  urlId: string;
  authType: 'NONE' | 'AWS_IAM';
  cors?: Record<string, unknown>;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  creationTime: string;
  lastModifiedTime: string;
}

/** PutFunctionEventInvokeConfig's settings for one qualifier. */
export interface EventInvokeConfigRecord {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  destinationConfig?: Record<string, unknown>;
  lastModified: number;
}

/**
 * A function's `$LATEST` (in the region's map) or one of its published versions (in the
 * `$LATEST` record's `versions`). A version is a frozen copy with its own code folder and
 * sandboxes; its own `versions`, `aliases`, … maps stay empty.
 */
export interface FunctionRecord {
  name: string;
  /** `$LATEST`, or the version number of a published version. */
  version: string;
  region: string;
  arn: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  /** `Environment.Variables`; undefined when the function has no Environment. */
  variables?: Record<string, string>;
  architectures: string[];
  tags: Record<string, string>;
  code: { zip: Buffer; sha256: string; size: number; taskRoot: string };
  state: 'Pending' | 'Active';
  /** Absent until the first create finished, as in CreateFunction's own answer. */
  lastUpdateStatus?: 'InProgress' | 'Successful';
  /** `2026-01-01T00:00:00.000+0000`, as Lambda formats it. */
  lastModified: string;
  revisionId: string;
  /** The resource policy's statements, in AddPermission order. */
  statements: Record<string, unknown>[];
  pool: FunctionPool;
  /** `ReservedConcurrentExecutions` (PutFunctionConcurrency); undefined when none is set. */
  reservedConcurrency?: number;
  /** Pending state transitions on the emulator clock. */
  timers: TimerHandle[];
  /** Published versions by number (on `$LATEST` only). */
  versions: Map<string, FunctionRecord>;
  /** The last version number handed out; numbers are never reused, even after a delete. */
  lastVersion: number;
  aliases: Map<string, AliasRecord>;
  /** Function URLs by qualifier (`''` for the unqualified function). */
  urlConfigs: Map<string, UrlConfigRecord>;
  /** Event invoke configs by qualifier (`$LATEST`, a version or an alias). */
  eventInvokeConfigs: Map<string, EventInvokeConfigRecord>;
}

/** The per-function collections a new `$LATEST` record starts with. */
export function emptyFunctionCollections(): Pick<
  FunctionRecord,
  'versions' | 'lastVersion' | 'aliases' | 'urlConfigs' | 'eventInvokeConfigs'
> {
  return { versions: new Map(), lastVersion: 0, aliases: new Map(), urlConfigs: new Map(), eventInvokeConfigs: new Map() };
}

/** A DynamoDB stream → Lambda event source mapping. */
export interface MappingRecord {
  uuid: string;
  region: string;
  functionArn: string;
  eventSourceArn: string;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  state: 'Creating' | 'Enabled' | 'Disabled' | 'Enabling' | 'Disabling' | 'Deleting';
  stateTransitionReason: string;
  lastModified: Date;
  lastProcessingResult: string;
  poller?: StreamPoller;
  timers: TimerHandle[];
}

interface RegionState {
  functions: Map<string, FunctionRecord>;
  mappings: Map<string, MappingRecord>;
}

/** Lambda's state, keyed by region (the account is always 000000000000). */
export class LambdaStore {
  private readonly regions = new Map<string, RegionState>();
  /** Alias routing's draws; kept across `clear` (a seed is a setting, not state). */
  readonly routing = new RoutingDraw();

  region(region: string): RegionState {
    let state = this.regions.get(region);
    if (!state) {
      state = { functions: new Map(), mappings: new Map() };
      this.regions.set(region, state);
    }
    return state;
  }

  /** Every function record, published versions included (each has sandboxes and a code folder). */
  allFunctions(): FunctionRecord[] {
    return [...this.regions.values()].flatMap((r) => [...r.functions.values()].flatMap((fn) => [fn, ...fn.versions.values()]));
  }

  allMappings(): MappingRecord[] {
    return [...this.regions.values()].flatMap((r) => [...r.mappings.values()]);
  }

  clear(): void {
    this.regions.clear();
  }
}
