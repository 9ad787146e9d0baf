import { parseDuration } from './duration.ts';
import { ProbeMode } from './probes/startProbe.ts';
import { toPointer } from './locate.ts';
import { isObject } from './isObject.ts';

/**
 * The workflow-level `probes:` block (docs/probes.md): a map of probe name → `{ type, mode,
 * startAfter?, stopAfter?, readBack?, interval, ...config }`. Pure: the loader calls it after the
 * envelope schema checked the shapes and reports each problem at its pointer; the runner
 * resolves a probe's templates when it starts it.
 */

/** The probe types a workflow may declare (engine/probes/startProbe.ts). */
export type ProbeType = 'client' | 'writer' | 'healthCheck' | 'dnsAnswer';

/** A writer's readback: after step `after` succeeded, read every acknowledged record from `region`. */
export interface ReadBackSpec {
  region: string;
  after: string;
}

/** One declared probe. */
export interface DeclaredProbe {
  name: string;
  type: ProbeType;
  mode: ProbeMode;
  /** Started after this step succeeded (default: before the first step; `onChaos`: at fault start). */
  startAfter?: string;
  /** Stopped after this step succeeded (default: when the steps ended; `onChaos`: at fault stop). */
  stopAfter?: string;
  readBack: ReadBackSpec[];
  /** The probe's own config (templates unresolved), `interval` as `intervalMs`, plus `name`. */
  config: Record<string, unknown>;
  /** JSON pointer of the probe in the workflow file. */
  pointer: string;
}

export interface ProbeProblem {
  pointer: string;
  message: string;
}

const LIFECYCLE = new Set(['type', 'mode', 'startAfter', 'stopAfter', 'readBack', 'interval']);

/** Compiles the block; `stepIds` are the workflow's step ids (lifecycle keys must name one). */
export function compileProbes(
  block: Record<string, unknown>,
  stepIds: ReadonlySet<string>,
  at = '/probes',
): { probes: DeclaredProbe[]; problems: ProbeProblem[] } {
  const probes: DeclaredProbe[] = [];
  const problems: ProbeProblem[] = [];
  for (const [name, raw] of Object.entries(block)) {
    if (!isObject(raw) || typeof raw.type !== 'string') continue;
    const pointer = `${at}${toPointer([name])}`;
    const mode = (typeof raw.mode === 'string' ? raw.mode : ProbeMode.CONTINUOUS) as ProbeMode;
    const step = (key: string, value: unknown, where: string) => {
      if (typeof value === 'string' && !stepIds.has(value))
        problems.push({ pointer: where, message: `${key}: no step '${value}' in this workflow` });
    };
    step('startAfter', raw.startAfter, `${pointer}/startAfter`);
    step('stopAfter', raw.stopAfter, `${pointer}/stopAfter`);
    if (mode === ProbeMode.ON_CHAOS && (raw.startAfter !== undefined || raw.stopAfter !== undefined)) {
      problems.push({
        pointer: `${pointer}/mode`,
        message: 'an onChaos probe runs from fault start to fault stop: drop startAfter/stopAfter, or use mode continuous',
      });
    }
    const readBack = Array.isArray(raw.readBack) ? raw.readBack.filter(isObject) : isObject(raw.readBack) ? [raw.readBack] : [];
    if (readBack.length && raw.type !== 'writer')
      problems.push({ pointer: `${pointer}/readBack`, message: 'only a writer probe reads back' });
    readBack.forEach((r, i) => {
      step('readBack.after', r.after, `${pointer}/readBack${Array.isArray(raw.readBack) ? `/${i}` : ''}/after`);
    });
    const intervalMs = parseDuration(raw.interval);
    const config: Record<string, unknown> = { name };
    for (const [key, value] of Object.entries(raw)) if (!LIFECYCLE.has(key)) config[key] = value;
    if (intervalMs !== undefined) config.intervalMs = intervalMs;
    probes.push({
      name,
      type: raw.type as ProbeType,
      mode,
      ...(typeof raw.startAfter === 'string' ? { startAfter: raw.startAfter } : {}),
      ...(typeof raw.stopAfter === 'string' ? { stopAfter: raw.stopAfter } : {}),
      readBack: readBack.map((r) => ({ region: String(r.region), after: String(r.after) })),
      config,
      pointer,
    });
  }
  return { probes, problems };
}
