import type { AnyStepDefinition, JsonSchema } from './types.ts';

/**
 * `engine steps` as text: every step type with its description, then one line per param
 * (type, required/default, description) and its outputs. An enum lists its values, an object
 * its fields (indented below it), an array its item type, so a workflow can be written from
 * this output alone.
 *
 * @example
 * describeSteps([wait]) // 'wait  (no rollback)\n  Wait for a duration…\n    ms: integer  Milliseconds to wait.\n…'
 */
export function describeSteps(defs: readonly AnyStepDefinition[]): string {
  const lines: string[] = [];
  for (const def of defs) {
    lines.push(`${def.type}${def.rollback ? '' : '  (no rollback)'}`, `  ${def.description}`);
    describeFields(def.params, '    ', lines);
    const outs = Object.keys(properties(def.outputs ?? {}));
    if (outs.length) lines.push(`  outputs: ${outs.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

function describeFields(schema: JsonSchema, indent: string, lines: string[]): void {
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const [name, value] of Object.entries(properties(schema))) {
    const s = value as JsonSchema;
    const extra = [required.has(name) ? 'required' : '', s.default !== undefined ? `default ${JSON.stringify(s.default)}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(
      `${indent}${name}: ${typeName(s)}${extra ? ` (${extra})` : ''}${typeof s.description === 'string' ? `  ${s.description}` : ''}`,
    );
    if (Object.keys(properties(s)).length) describeFields(s, `${indent}  `, lines);
  }
}

/** A schema's type in a few characters: `string`, `integer|string`, `one of CNAME, A`, `string[]`, `map of string`. */
function typeName(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
  const alternatives = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined) as JsonSchema[] | undefined;
  if (s.type === undefined && alternatives) return alternatives.map(typeName).join(' or ');
  if (s.type === 'array' && isObject(s.items)) return `${typeName(s.items)}[]`;
  if (s.type === 'object' && isObject(s.additionalProperties)) return `map of ${typeName(s.additionalProperties)}`;
  if (Array.isArray(s.type)) return s.type.join('|');
  return String(s.type ?? 'any');
}

function properties(schema: JsonSchema): Record<string, unknown> {
  return isObject(schema.properties) ? schema.properties : {};
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
