/**
 * Secret masking. Names mark secrets (an input, param, output, header or environment variable
 * whose name matches {@link SECRET_KEY}); once a value is known to be secret it is masked by
 * value wherever it appears: interpolated into another string, in a log line, an error message,
 * an output. The run's event bus passes every event through its {@link SecretMasker}, so the
 * journal, the progress lines and every report see masked events only; the CLI masks what it
 * writes to stdout and stderr with the same masker.
 */

/** Keys whose values never reach the journal or reports (`Authorization`, `Cookie`, `X-Api-Key` headers included). */
export const SECRET_KEY = /secret|password|passwd|token|credential|api[-_]?key|private[-_]?key|authorization|cookie/i;

/** The replacement for a masked value. */
export const MASK = '***';

/**
 * Values shorter than this are masked by name only: replacing every `ab` in every string would
 * make output unreadable and tell as much as it hides.
 */
export const MIN_SECRET_LENGTH = 4;

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

/**
 * The secret values of one run, and masking by value. Add values as they become known (inputs
 * and `secrets.X` at start, a step's params once resolved, its outputs once returned); masking
 * replaces each of them, longest first, in every string of a value.
 *
 * @example
 * const masker = new SecretMasker();
 * masker.collect({ apiToken: 's3cr3t-value' });
 * masker.maskText('used s3cr3t-value') === 'used ***'
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  /** Whether any value is known. */
  get size(): number {
    return this.values.size;
  }

  /** Adds a secret value (and the forms it takes in URLs and after an `Authorization` scheme). */
  add(value: unknown): void {
    if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    if (typeof value !== 'string') {
      // A secret-named object or list: every string inside it is secret.
      if (value !== null && typeof value === 'object') for (const v of Object.values(value)) this.add(v);
      return;
    }
    const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
    // `Bearer <token>`, `Basic <credentials>`: the credential alone also appears on its own.
    for (const word of value.split(/\s+/)) if (word.length >= 8) forms.push(word);
    let added = false;
    for (const form of forms) {
      if (form.length < MIN_SECRET_LENGTH || this.values.has(form)) continue;
      this.values.add(form);
      added = true;
    }
    if (added) this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** Adds the value of every secret-named key found at any depth of `value`. */
  collect(value: unknown, depth = 0): void {
    if (depth > 32 || value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k)) this.add(v);
      else this.collect(v, depth + 1);
    }
  }

  /** `text` with every known secret value replaced by {@link MASK}. */
  maskText(text: string): string {
    let out = text;
    for (const secret of this.sorted) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** Deep copy of `value` masked by name and by value. */
  maskValue<T>(value: T): T {
    return this.deep(maskSecrets(value), 0) as T;
  }

  private deep(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.maskText(value);
    if (depth > 32 || value === null || typeof value !== 'object' || this.sorted.length === 0) return value;
    if (Array.isArray(value)) return value.map((v) => this.deep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.deep(v, depth + 1);
    return out;
  }
}
