import { fileURLToPath } from 'node:url';
import type { Emulator } from '../../emulator/index.ts';
import { systemClock } from '../../engine/clock.ts';
import type { ClientConstructor, Clock, Logger, StepContext, Target } from '../../engine/types.ts';
import { testClient } from './clients.ts';

/**
 * A {@link Target} for a running emulator, as the engine's embedded target builds it (dummy
 * credentials, one client per constructor and region), plus step contexts to call a step's
 * `run` / `rollback` directly in tests.
 */
export function emulatorTarget(
  emu: Pick<Emulator, 'endpoint' | 'dns' | 'timeScale' | 'port' | 'host'>,
  kind: Target['kind'] = 'embedded',
): Target {
  const cache = new Map<unknown, Map<string, unknown>>();
  return {
    kind,
    endpoint: emu.endpoint,
    dns: emu.dns,
    timeScale: emu.timeScale,
    client<T>(ctor: ClientConstructor<T>, region: string): T {
      let byRegion = cache.get(ctor);
      if (!byRegion) cache.set(ctor, (byRegion = new Map()));
      let client = byRegion.get(region) as T | undefined;
      if (!client) {
        client = testClient(ctor, emu, region);
        byRegion.set(region, client);
      }
      return client;
    },
    values: {
      kind,
      endpoint: emu.endpoint,
      host: emu.host,
      port: emu.port,
      dnsHost: emu.dns.host,
      dnsPort: emu.dns.port,
      timeScale: emu.timeScale,
    },
  };
}

/** Log lines a test context collected. */
export interface CapturedLog {
  lines: string[];
  logger: Logger;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } };
}

/** Folder of the repository's workflows (`ctx.workflowDir` of the drill). */
export const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows', import.meta.url));

let runCounter = 0;

/** A step context on `target`; each call without `runId` gets a fresh run id. */
export function stepContext(target: Target, overrides: Partial<StepContext> & { clock?: Clock } = {}): StepContext {
  return {
    signal: overrides.signal ?? new AbortController().signal,
    log: overrides.log ?? captureLog().logger,
    target,
    clock: overrides.clock ?? systemClock,
    runId: overrides.runId ?? `test-run-${process.pid}-${++runCounter}`,
    stepId: overrides.stepId ?? 'step',
    workflowDir: overrides.workflowDir ?? WORKFLOWS_DIR,
    attempt: overrides.attempt ?? 1,
  };
}
