/**
 * What AWS would take, modelled explicitly. On the idle-skipping clock real compute costs no
 * AWS time, so these delays are the only time a request, an invocation or a replication takes
 * there; on a scaled clock they come on top of the real compute. Defaults and their sources:
 * docs/clock.md. Set per run with `--emulate key=value` (`engine run`, `engine serve`).
 */
export interface EmulationModel {
  /** Added to every Lambda invocation (a warm invoke's service overhead), ms. */
  invokeOverhead: number;
  /** How often an event source mapping polls a DynamoDB stream shard (AWS: four times a second), ms. */
  streamPollInterval: number;
  /**
   * A write from a Lambda function into another region's endpoint is delayed this long: the
   * cross-region leg of a stream-based replication (as DynamoDB global tables' ReplicationLatency), ms.
   */
  replicationLag: number;
}

export const DEFAULT_MODEL: EmulationModel = {
  invokeOverhead: 20,
  streamPollInterval: 250,
  replicationLag: 1000,
};

/** Thrown for a bad `--emulate` setting; `code` is stable. */
export class ModelSettingError extends Error {
  readonly code = 'E_EMULATE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelSettingError';
  }
}

export function resolveModel(overrides: Partial<EmulationModel> = {}): EmulationModel {
  return { ...DEFAULT_MODEL, ...overrides };
}

/**
 * Parses `key=duration` settings (`replicationLag=2s`, `invokeOverhead=50ms`, `streamPollInterval=1000`).
 */
export function parseModelSettings(settings: readonly string[]): Partial<EmulationModel> {
  const out: Partial<EmulationModel> = {};
  for (const setting of settings) {
    const m = /^\s*(\w+)\s*=\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(setting);
    if (!m) throw new ModelSettingError(`--emulate expects key=duration (e.g. replicationLag=2s), got '${setting}'`);
    const key = m[1]!;
    if (!(key in DEFAULT_MODEL)) {
      throw new ModelSettingError(`--emulate: unknown key '${key}'; known: ${Object.keys(DEFAULT_MODEL).join(', ')}`);
    }
    const unit = m[3] === 's' ? 1000 : m[3] === 'm' ? 60_000 : 1;
    out[key as keyof EmulationModel] = Math.round(Number(m[2]) * unit);
  }
  return out;
}
