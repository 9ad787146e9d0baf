/**
 * What the journal and the report record about a run's target: enough to reach it again
 * (`engine rollback` without target flags) and to describe it. `engine/target.ts` produces it;
 * readers of old or damaged journals go through {@link parseTargetDescription}.
 */

/** A DNS server address. */
export interface HostPort {
  host: string;
  port: number;
}

/** A target as recorded: embedded (endpoint and DNS known once started), an endpoint, or AWS. */
export type TargetDescription = (
  | { kind: 'embedded'; timeScale: number; endpoint?: string; dns?: HostPort; seed?: number; model?: Record<string, number> }
  | { kind: 'endpoint'; timeScale: number; endpoint: string; dns?: HostPort }
  | { kind: 'aws'; timeScale: number }
) & {
  /** Which clock ran: `idle-skipping (seed 1234)`, `20× wall`, ... */
  clock?: string;
};

/** Reads a recorded description; undefined when it is not one this engine understands. */
export function parseTargetDescription(value: unknown): TargetDescription | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as {
    kind?: unknown;
    timeScale?: unknown;
    endpoint?: unknown;
    dns?: unknown;
    clock?: unknown;
    seed?: unknown;
    model?: unknown;
  };
  const clock = typeof v.clock === 'string' ? { clock: v.clock } : {};
  const timeScale = typeof v.timeScale === 'number' && v.timeScale > 0 ? v.timeScale : 1;
  const endpoint = typeof v.endpoint === 'string' ? v.endpoint : undefined;
  const d = v.dns as { host?: unknown; port?: unknown } | undefined;
  const dns = d && typeof d.host === 'string' && typeof d.port === 'number' ? { host: d.host, port: d.port } : undefined;
  switch (v.kind) {
    case 'aws':
      return { kind: 'aws', timeScale, ...clock };
    case 'endpoint':
      return endpoint === undefined ? undefined : { kind: 'endpoint', timeScale, endpoint, ...(dns ? { dns } : {}), ...clock };
    case 'embedded':
      return {
        kind: 'embedded',
        timeScale,
        ...(endpoint ? { endpoint } : {}),
        ...(dns ? { dns } : {}),
        ...clock,
        ...(typeof v.seed === 'number' ? { seed: v.seed } : {}),
        ...(v.model && typeof v.model === 'object' ? { model: v.model as Record<string, number> } : {}),
      };
    default:
      return undefined;
  }
}

/** `embedded http://127.0.0.1:41234, DNS 127.0.0.1:35353, clock: idle-skipping (seed 1234)`. */
export function formatTarget(target: TargetDescription | undefined): string {
  if (!target) return '?';
  const parts: string[] = [target.kind];
  if (target.kind !== 'aws') {
    if (target.endpoint) parts.push(target.endpoint);
    if (target.dns) parts.push(`DNS ${target.dns.host}:${target.dns.port}`);
  }
  if (target.clock) parts.push(`clock: ${target.clock}`);
  else if (target.timeScale !== 1) parts.push(`clock: ${target.timeScale}× wall`);
  return parts.join(', ');
}
