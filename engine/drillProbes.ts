import { EngineError, errorMessage } from './errors.ts';
import type { EvidenceSample } from './evidence.ts';
import { deriveMeasures, type Measures } from './measures/deriveMeasures.ts';
import { ProbeMode, startProbe, type ProbeSpec, type StartedProbe } from './probes/startProbe.ts';
import type { DeclaredProbe } from './probeSpecs.ts';
import { resolveTemplates, type TemplateContext } from './template.ts';
import type { RunEventBody } from './events.ts';
import type { Clock, Target } from './types.ts';

/**
 * The probes of one live run, and the evidence they recorded. The runner tells it when the
 * steps begin, when each step succeeded (or was compensated) and when the steps ended; it
 * starts and stops the declared probes accordingly:
 *
 * - `continuous`: from `startAfter` (else before the first step) to `stopAfter` (else when the
 *   steps ended, before objectives and compensation);
 * - `onChaos`: from fault start to fault stop;
 * - `startOfTest` / `endOfTest`: one tick, before the first step (or after `startAfter`) / when
 *   the steps ended.
 *
 * Fault markers come from the FIS steps themselves: `startExperiment` succeeded → `fault-start`
 * at its `startedAt`; `stopExperiment` succeeded, or `startExperiment` compensated while the
 * fault was on → `fault-stop`. A writer's `readBack` runs after the step it names succeeded.
 * Every sample goes to the run's events as it is, and is kept here for the measures.
 */
export class DrillProbes {
  /** Every sample recorded so far, in arrival order. */
  readonly evidence: EvidenceSample[] = [];
  private readonly running = new Map<string, StartedProbe>();
  /** Probes that ran (kept for a readback after they stopped), or could not start (undefined). */
  private readonly done = new Map<string, StartedProbe | undefined>();
  private faultOn = false;

  constructor(
    private readonly declared: readonly DeclaredProbe[],
    private readonly host: {
      target: () => Target;
      clock: Clock;
      templates: () => TemplateContext;
      emit: (body: RunEventBody) => void;
    },
  ) {}

  /** Records one sample: kept for the measures and emitted on the run's bus. */
  readonly record = (sample: EvidenceSample): void => {
    this.evidence.push(sample);
    this.host.emit(sample);
  };

  /** The measures of the evidence so far. */
  measures(): Measures {
    return deriveMeasures(this.evidence, { clients: this.declared.filter((p) => p.type === 'client').map((p) => p.name) });
  }

  /** Before the first step: probes with no `startAfter`. */
  async beforeSteps(): Promise<void> {
    for (const p of this.declared) {
      if (p.startAfter === undefined && (p.mode === ProbeMode.CONTINUOUS || p.mode === ProbeMode.START_OF_TEST)) await this.start(p);
    }
  }

  /** A step succeeded: fault markers, probes to start or stop after it, writers' readbacks. */
  async afterStep(stepId: string, type: string, outputs: unknown): Promise<void> {
    const out = (outputs ?? {}) as Record<string, unknown>;
    if (type === 'startExperiment' && !this.faultOn) {
      this.faultOn = true;
      this.record({ kind: 'fault-start', aws: numberOr(out.startedAt, this.host.clock.now()), ...experiment(out) });
      for (const p of this.declared) if (p.mode === ProbeMode.ON_CHAOS) await this.start(p);
    } else if (type === 'stopExperiment' && this.faultOn) {
      await this.faultStopped(numberOr(out.stoppedAt, this.host.clock.now()), out);
    }
    for (const p of this.declared) {
      if (p.startAfter === stepId && p.mode !== ProbeMode.END_OF_TEST) await this.start(p);
      if (p.stopAfter === stepId) await this.stop(p.name);
    }
    for (const p of this.declared) {
      for (const r of p.readBack) if (r.after === stepId) await this.readBack(p.name, r.region);
    }
  }

  /** A step was compensated: undoing `startExperiment` ends a fault still on. */
  async afterCompensation(type: string): Promise<void> {
    if (type === 'startExperiment' && this.faultOn) await this.faultStopped(this.host.clock.now(), {});
  }

  /**
   * The steps ended: `endOfTest` probes tick once (unless the run already compensated, which
   * they would only see torn down), then every probe stops; returns the measures.
   */
  async endOfSteps(options: { endOfTest: boolean }): Promise<Measures> {
    if (options.endOfTest) for (const p of this.declared) if (p.mode === ProbeMode.END_OF_TEST) await this.start(p);
    await this.stopAll();
    return this.measures();
  }

  /** Stops every running probe (the run is compensating or ending). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
  }

  private async faultStopped(aws: number, out: Record<string, unknown>): Promise<void> {
    this.faultOn = false;
    this.record({ kind: 'fault-stop', aws, ...experiment(out) });
    for (const p of this.declared) if (p.mode === ProbeMode.ON_CHAOS) await this.stop(p.name);
  }

  /**
   * Starts a probe (once), its templates resolved now; a probe that cannot start is a notice, and
   * its measures stay unmeasured. A one-shot probe (`startOfTest`, `endOfTest`) is stopped after
   * its first sample, or after one interval without one.
   */
  private async start(p: DeclaredProbe): Promise<void> {
    if (this.running.has(p.name) || this.done.has(p.name)) return;
    let probe: StartedProbe;
    let sampled!: () => void;
    const first = new Promise<void>((resolve) => (sampled = resolve));
    try {
      const spec = { ...this.resolve(p), type: p.type, mode: p.mode } as ProbeSpec;
      const emit = (sample: EvidenceSample) => {
        this.record(sample);
        sampled();
      };
      probe = startProbe({ target: this.host.target(), clock: this.host.clock, emit }, spec);
    } catch (error) {
      this.done.set(p.name, undefined);
      this.host.emit({ kind: 'notice', message: `probe '${p.name}' could not start: ${errorMessage(error)}` });
      return;
    }
    this.running.set(p.name, probe);
    if (p.mode !== ProbeMode.START_OF_TEST && p.mode !== ProbeMode.END_OF_TEST) return;
    const bound = new AbortController();
    const interval = typeof p.config.intervalMs === 'number' ? p.config.intervalMs : 0;
    await Promise.race([first, this.host.clock.sleep(interval, bound.signal).catch(() => undefined)]);
    bound.abort();
    await this.stop(p.name);
  }

  /** The probe's config with its templates resolved; a template that resolves to nothing is an error. */
  private resolve(p: DeclaredProbe): Record<string, unknown> {
    const config = resolveTemplates(p.config, this.host.templates()) as Record<string, unknown>;
    for (const [key, raw] of Object.entries(p.config)) {
      const value = config[key];
      if (typeof raw === 'string' && raw.includes('${{') && (value === undefined || value === null || value === '')) {
        throw new EngineError(`${key}: '${raw}' resolved to nothing`);
      }
    }
    return config;
  }

  private async stop(name: string): Promise<void> {
    const probe = this.running.get(name);
    if (!probe) return;
    this.running.delete(name);
    this.done.set(name, probe);
    await probe.stop();
  }

  private async readBack(name: string, region: string): Promise<void> {
    const probe = this.running.get(name) ?? this.done.get(name);
    if (!probe?.readBack) return;
    try {
      await probe.readBack(region);
    } catch (error) {
      this.host.emit({ kind: 'notice', message: `probe '${name}' could not read back from ${region}: ${errorMessage(error)}` });
    }
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function experiment(out: Record<string, unknown>): { experimentId?: string } {
  return typeof out.experimentId === 'string' ? { experimentId: out.experimentId } : {};
}
