/** Whether a parsed JSON or YAML value is an object (not null, not a list): an import document, a Lambda's answer. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
