/** Keys whose values never reach the journal or reports. */
export const SECRET_KEY = /secret|password|passwd|token|credential|api[-_]?key|private[-_]?key/i;

/** The replacement for a masked value. */
export const MASK = '***';

/** Deep copy of `value` with the values of secret-looking keys replaced by {@link MASK}. */
export function maskSecrets<T>(value: T): T {
  return mask(value, 0) as T;
}

function mask(value: unknown, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => mask(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? MASK : mask(v, depth + 1);
  return out;
}
