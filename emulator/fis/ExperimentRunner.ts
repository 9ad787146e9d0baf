import type { EmulatorRuntime } from '../types.ts';
import { ACTIONS } from './actionCatalog.ts';
import { parseIsoDuration } from './isoDuration.ts';
import {
  ACTION_REASONS,
  EXPERIMENT_REASONS,
  TERMINAL_STATUSES,
  type ActionStatus,
  type Experiment,
  type ExperimentStatus,
  type TemplateTarget,
} from './model.ts';

/**
 * Runs experiments on the emulator clock. An experiment is `running` as soon as it starts
 * (the tutorial's `start-experiment` prints `running`); each action starts when every action
 * in its `startAfter` has completed, installs its fault rules (owner = experiment id), and,
 * given a `duration` parameter, completes when it elapses. The experiment completes when all
 * actions have; StopExperiment stops running actions and cancels pending ones. Rules leave the
 * registry whenever their action ends, so faults heal on stop, completion, failure and reset.
 */
export class ExperimentRunner {
  constructor(private readonly runtime: EmulatorRuntime) {}

  start(experiment: Experiment): void {
    const now = this.runtime.clock.now();
    experiment.startTime = now;
    const unresolved = this.unresolvedTarget(experiment);
    if (unresolved) {
      for (const action of Object.values(experiment.actions)) this.setAction(action, 'cancelled', now);
      this.finish(experiment, 'failed', unresolved);
      return;
    }
    this.setState(experiment, 'running');
    this.runtime.log(`fis experiment ${experiment.id} running (${experiment.region})`);
    this.startReady(experiment);
  }

  /** Stops a running experiment; an experiment that already ended is left as it is (moto). */
  stop(experiment: Experiment, reason?: string): void {
    if (TERMINAL_STATUSES.includes(experiment.state.status)) return;
    const now = this.runtime.clock.now();
    for (const action of Object.values(experiment.actions)) {
      if (action.state.status === 'running') this.endAction(action, 'stopped', now);
      else if (action.state.status === 'pending') this.setAction(action, 'cancelled', now);
    }
    this.finish(experiment, 'stopped', reason);
  }

  /** Forgets the timers and rules of experiments (reset, stop of the emulator). */
  dispose(experiments: Iterable<Experiment>): void {
    for (const experiment of experiments) {
      for (const action of Object.values(experiment.actions)) {
        if (action.timer) this.runtime.clock.clear(action.timer);
        action.timer = undefined;
      }
      this.runtime.faults.removeOwner(experiment.id);
    }
  }

  private startReady(experiment: Experiment): void {
    if (experiment.state.status !== 'running') return;
    for (const [name, action] of Object.entries(experiment.actions)) {
      if (action.state.status !== 'pending') continue;
      const ready = (action.startAfter ?? []).every((dep) => experiment.actions[dep]?.state.status === 'completed');
      if (ready) this.startAction(experiment, name);
    }
    if (Object.values(experiment.actions).every((a) => TERMINAL_STATUSES.includes(a.state.status))) {
      this.finish(experiment, 'completed');
    }
  }

  private startAction(experiment: Experiment, name: string): void {
    const action = experiment.actions[name]!;
    const definition = ACTIONS.get(action.actionId)!;
    const now = this.runtime.clock.now();
    action.startTime = now;
    action.state = { status: 'running', reason: ACTION_REASONS.running };
    const resources = Object.values(action.targets ?? {}).flatMap((t) => selectResources(experiment.targets[t]));
    action.rules = definition.rules({ params: action.parameters ?? {}, region: experiment.region, resources, owner: experiment.id });
    for (const rule of action.rules) this.runtime.faults.add(rule);
    this.runtime.log(`fis experiment ${experiment.id} action "${name}" (${action.actionId}) running`);
    const duration = action.parameters?.duration ? parseIsoDuration(action.parameters.duration) : undefined;
    if (duration !== undefined) {
      action.timer = this.runtime.clock.setTimeout(() => {
        action.timer = undefined;
        if (action.state.status !== 'running') return;
        this.endAction(action, 'completed', this.runtime.clock.now());
        this.runtime.log(`fis experiment ${experiment.id} action "${name}" completed`);
        this.startReady(experiment);
      }, duration);
    }
  }

  private endAction(action: Experiment['actions'][string], status: ActionStatus, now: number): void {
    if (action.timer) this.runtime.clock.clear(action.timer);
    action.timer = undefined;
    for (const rule of action.rules) this.runtime.faults.remove(rule);
    action.rules = [];
    this.setAction(action, status, now);
  }

  private setAction(action: Experiment['actions'][string], status: ActionStatus, now: number): void {
    action.state = { status, reason: ACTION_REASONS[status] };
    action.endTime = now;
  }

  private finish(experiment: Experiment, status: ExperimentStatus, reason?: string): void {
    experiment.endTime = this.runtime.clock.now();
    this.setState(experiment, status, reason);
    this.runtime.faults.removeOwner(experiment.id);
    this.runtime.log(`fis experiment ${experiment.id} ${status}${reason ? `: ${reason}` : ''}`);
  }

  private setState(experiment: Experiment, status: ExperimentStatus, reason?: string): void {
    experiment.state = { status, reason: reason ?? EXPERIMENT_REASONS[status] };
  }

  /**
   * AWS resolves targets when the experiment starts and fails it when one resolves to nothing
   * (emptyTargetResolutionMode `fail`). The emulator resolves targets from `resourceArns` only.
   */
  private unresolvedTarget(experiment: Experiment): string | undefined {
    const used = new Set(Object.values(experiment.actions).flatMap((a) => Object.values(a.targets ?? {})));
    for (const name of used) {
      const target = experiment.targets[name];
      if (target && selectResources(target).length === 0) {
        return target.resourceArns === undefined
          ? `Target ${name} could not be resolved: this emulator resolves ${target.resourceType} targets from resourceArns only`
          : `Target ${name} resolved to no resources`;
      }
    }
    return undefined;
  }
}

/** `ALL`, `COUNT(n)` (the first n) or `PERCENT(p)` (rounded up) of the target's ARNs. */
function selectResources(target: TemplateTarget | undefined): string[] {
  const arns = target?.resourceArns ?? [];
  const mode = target?.selectionMode ?? 'ALL';
  const count = /^COUNT\((\d+)\)$/.exec(mode);
  if (count) return arns.slice(0, Number(count[1]));
  const percent = /^PERCENT\((\d+)\)$/.exec(mode);
  if (percent) return arns.slice(0, Math.ceil((arns.length * Number(percent[1])) / 100));
  return arns;
}
