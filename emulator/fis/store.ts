import { ServiceError } from '../protocol/ServiceError.ts';
import type { Experiment, ExperimentTemplate } from './model.ts';

/**
 * FIS state of one region: templates and experiments are regional (a template created in
 * us-east-1 is invisible from eu-central-1), and so are the clientTokens that make
 * CreateExperimentTemplate and StartExperiment idempotent (moto `_client_token_to_template_id`).
 */
export class FisRegionStore {
  readonly templates = new Map<string, ExperimentTemplate>();
  readonly experiments = new Map<string, Experiment>();
  readonly templateTokens = new Map<string, string>();
  readonly experimentTokens = new Map<string, string>();
  /** Tags by resource ARN; any ARN may be tagged, as moto's TaggingService allows. */
  readonly tags = new Map<string, Record<string, string>>();

  template(id: string): ExperimentTemplate {
    const template = this.templates.get(id);
    if (!template) throw notFound(`Experiment template ${id} does not exist`);
    return template;
  }

  experiment(id: string): Experiment {
    const experiment = this.experiments.get(id);
    if (!experiment) throw notFound(`Experiment ${id} does not exist`);
    return experiment;
  }

  tagsOf(arn: string): Record<string, string> {
    return { ...(this.tags.get(arn) ?? {}) };
  }

  tag(arn: string, tags: Record<string, string>): void {
    this.tags.set(arn, { ...(this.tags.get(arn) ?? {}), ...tags });
  }
}

export class FisStore {
  private readonly regions = new Map<string, FisRegionStore>();

  region(region: string): FisRegionStore {
    let store = this.regions.get(region);
    if (!store) {
      store = new FisRegionStore();
      this.regions.set(region, store);
    }
    return store;
  }

  allExperiments(): Experiment[] {
    return [...this.regions.values()].flatMap((r) => [...r.experiments.values()]);
  }

  clear(): void {
    this.regions.clear();
  }
}

/** moto's messages (getmoto/moto `moto/fis/models.py`). */
export function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', message, { status: 404 });
}

/** AWS-style ids: `EXT` / `EXP` followed by 14 alphanumerics. */
export function newFisId(prefix: 'EXT' | 'EXP'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = prefix;
  for (let i = 0; i < 14; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}
