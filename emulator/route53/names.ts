/**
 * Route 53 naming rules shared by the API and the DNS resolver: names are stored lower-case with a
 * trailing dot (`www.example.com` ≡ `WWW.example.com.`), a `*` label is returned escaped as `\052`,
 * and ids arrive bare (SDK v3 and botocore strip the prefix) or prefixed (`/hostedzone/Z…`, as the
 * tutorial passes them; docs/fidelity/route53.md, "Signing region and ids").
 */

/** Lower-case, trailing dot, `\052` (and any `\ddd` escape) decoded. `''` and `.` become `.`. */
export function normalizeName(name: string): string {
  let n = name
    .trim()
    .replace(/\\(\d{3})/g, (_, d: string) => String.fromCharCode(Number(d)))
    .toLowerCase();
  if (!n.endsWith('.')) n += '.';
  return n === '..' ? '.' : n;
}

/** A stored name as Route 53 returns it: `*` escaped as `\052`. */
export function displayName(name: string): string {
  return name.replace(/\*/g, '\\052');
}

/** Strips `/hostedzone/`, `/change/`, `/delegationset/` or `/healthcheck/` from an id. */
export function bareId(id: string): string {
  return id.trim().replace(/^\/?(hostedzone|change|delegationset|healthcheck)\//, '');
}

/** True when `name` is `zone` or below it (both normalised). */
export function isInZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** `www.example.com.` → `com.example.www`: AWS's sort key for names (moto `reverse_domain_name`). */
export function reversedName(name: string): string {
  return name.replace(/\.$/, '').split('.').reverse().join('.');
}

/** The parent of a name (`a.b.` → `b.`); the root has none. */
export function parentName(name: string): string | undefined {
  if (name === '.') return undefined;
  const i = name.indexOf('.');
  const rest = name.slice(i + 1);
  return rest === '' ? '.' : rest;
}

/**
 * Whether a string is a usable DNS name for a hosted zone or record: labels of 1–63
 * characters, 255 in all; letters, digits, `-`, `_`, and a leading `*` label in records.
 */
export function isValidDnsName(name: string, allowWildcard: boolean): boolean {
  const n = normalizeName(name);
  if (n === '.' || n.length > 255) return false;
  const labels = n.slice(0, -1).split('.');
  return labels.every(
    (label, i) => label.length > 0 && label.length <= 63 && (label === '*' ? allowWildcard && i === 0 : /^[a-z0-9_-]+$/.test(label)),
  );
}

/** Random upper-case alphanumerics, the shape of Route 53 zone and change ids. */
export function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
