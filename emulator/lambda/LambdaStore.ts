import type { TimerHandle } from '../clock.ts';
import type { FunctionPool } from './runtime/FunctionPool.ts';
import type { StreamPoller } from './StreamPoller.ts';

/** A function ($LATEST only: versions and aliases are not emulated). */
export interface FunctionRecord {
  name: string;
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

  region(region: string): RegionState {
    let state = this.regions.get(region);
    if (!state) {
      state = { functions: new Map(), mappings: new Map() };
      this.regions.set(region, state);
    }
    return state;
  }

  allFunctions(): FunctionRecord[] {
    return [...this.regions.values()].flatMap((r) => [...r.functions.values()]);
  }

  allMappings(): MappingRecord[] {
    return [...this.regions.values()].flatMap((r) => [...r.mappings.values()]);
  }

  clear(): void {
    this.regions.clear();
  }
}
