import type { TimerHandle } from '../clock.ts';
import type { FaultRule } from '../faults.ts';

/**
 * FIS resources as the emulator keeps them. Field names are the wire names of the FIS API
 * (restJson1, camelCase); times are emulated epoch milliseconds and become epoch seconds on
 * the wire (docs/fidelity/fis.md, "Wire").
 */

export interface TemplateAction {
  actionId: string;
  description?: string;
  /** Always strings on the wire; LocalStack's actions read numbers out of them. */
  parameters?: Record<string, string>;
  /** Action target key (e.g. `Functions`) → template target name. */
  targets?: Record<string, string>;
  startAfter?: string[];
}

export interface TemplateTarget {
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: Record<string, string>;
  filters?: { path: string; values: string[] }[];
  selectionMode: string;
  parameters?: Record<string, string>;
}

export interface StopCondition {
  source: string;
  value?: string;
}

export interface ExperimentTemplate {
  id: string;
  arn: string;
  clientToken: string;
  description: string;
  targets: Record<string, TemplateTarget>;
  actions: Record<string, TemplateAction>;
  stopConditions: StopCondition[];
  roleArn: string;
  logConfiguration?: Record<string, unknown>;
  experimentOptions: Record<string, unknown>;
  creationTime: number;
  lastUpdateTime: number;
}

export const ExperimentStatus = {
  pending: 'pending',
  initiating: 'initiating',
  running: 'running',
  completed: 'completed',
  stopping: 'stopping',
  stopped: 'stopped',
  failed: 'failed',
} as const;
export type ExperimentStatus = (typeof ExperimentStatus)[keyof typeof ExperimentStatus];

export type ActionStatus = ExperimentStatus | 'cancelled' | 'skipped';

export interface ExperimentAction extends TemplateAction {
  state: { status: ActionStatus; reason: string };
  startTime?: number;
  endTime?: number;
  /** Runtime only, never rendered: the action's duration timer and installed fault rules. */
  timer?: TimerHandle;
  rules: FaultRule[];
}

export interface Experiment {
  id: string;
  arn: string;
  region: string;
  clientToken: string;
  experimentTemplateId: string;
  roleArn: string;
  state: { status: ExperimentStatus; reason: string };
  targets: Record<string, TemplateTarget>;
  actions: Record<string, ExperimentAction>;
  stopConditions: StopCondition[];
  logConfiguration?: Record<string, unknown>;
  experimentOptions: Record<string, unknown>;
  creationTime: number;
  startTime: number;
  endTime?: number;
}

/** moto's reasons (getmoto/moto `moto/fis/models.py` STATUS_REASONS). */
export const EXPERIMENT_REASONS: Record<ExperimentStatus, string> = {
  pending: 'Experiment is pending',
  initiating: 'Experiment is initiating',
  running: 'Experiment is running',
  completed: 'Experiment completed',
  stopping: 'Experiment is stopping',
  stopped: 'Experiment stopped',
  failed: 'Experiment failed',
};

export const ACTION_REASONS: Record<ActionStatus, string> = {
  pending: 'Action is pending',
  initiating: 'Action is initiating',
  running: 'Action is running',
  completed: 'Action completed',
  stopping: 'Action is stopping',
  stopped: 'Action stopped',
  failed: 'Action failed',
  cancelled: 'Action cancelled',
  skipped: 'Action skipped',
};

export const TERMINAL_STATUSES: readonly string[] = ['completed', 'stopped', 'failed', 'cancelled', 'skipped'];
