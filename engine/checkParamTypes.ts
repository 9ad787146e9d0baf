import type { Report } from './checkReferences.ts';
import type { PathExpr } from './expression/ast.ts';
import { inferType, type StaticType } from './expression/typeCheck.ts';
import { toPointer } from './locate.ts';
import { hasTemplate, parseTemplateString, wholeTemplate } from './template.ts';
import type { JsonSchema } from './types.ts';

/** What a JSON Schema accepts, as far as a template's static type can tell; undefined: anything. */
type Accepted = Set<StaticType> | undefined;

/**
 * Params filled by templates, against the types their step type's schema declares there: a
 * whole `${{ }}` of a known static type (a typed input, a declared step output, an environment
 * variable, a target value), or text around templates (always a string). Without this,
 * `port: ${{ steps.zone.outputs.name }}` passed `engine validate` and failed only at run time
 * ("/port must be integer"), after the steps before it had created resources. Values the
 * workflow does not type stay unchecked here: the schema checks them once resolved.
 */
export function checkParamTypes(
  params: Record<string, unknown>,
  schema: JsonSchema | undefined,
  context: { pointer: string; stepType: string; typeOfPath: (path: PathExpr) => StaticType; report: Report },
): void {
  if (!schema) return;
  walk(params, [], (text, segments) => {
    const { type, note } = templateType(text, context.typeOfPath);
    if (type === 'unknown') return;
    const accepted = acceptedAt(schema, segments);
    if (!accepted || accepted.has(type)) return;
    const where = segments.join('.');
    const wanted = [...accepted].map((t) => (t === 'number' ? 'a number' : t === 'unknown' ? 'an object or list' : `a ${t}`));
    context.report(
      `${context.pointer}/params${toPointer(segments)}`,
      `'${text}' is ${type === 'null' ? 'null' : `a ${type}`}${note ? ` (${note})` : ''}, but ${context.stepType}'s '${where}' takes ${wanted.join(' or ')}`,
    );
  });
}

/** The static type of a param string: a whole template's type, a string for text around templates. */
function templateType(text: string, typeOfPath: (path: PathExpr) => StaticType): { type: StaticType; note?: string } {
  if (!hasTemplate(text)) return { type: 'unknown' };
  let parts: ReturnType<typeof parseTemplateString>;
  try {
    parts = parseTemplateString(text);
  } catch {
    return { type: 'unknown' }; // a malformed template is reported by checkReferences
  }
  const only = wholeTemplate(text, parts);
  if (!only) return { type: 'string', note: 'text around a template is a string' };
  const type = inferType(only.expr, typeOfPath).type;
  const env = only.expr.kind === 'path' && (only.expr.root === 'env' || only.expr.root === 'secrets');
  return env ? { type, note: 'environment variables are strings' } : { type };
}

function walk(value: unknown, segments: string[], fn: (text: string, segments: string[]) => void): void {
  if (typeof value === 'string') fn(value, segments);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, [...segments, k], fn);
  }
}

/**
 * The types the schema accepts at `segments`: through its own properties, items and type first;
 * through the branches of an anyOf/oneOf where it says nothing itself (every branch must say,
 * or anything goes). Undefined when the schema does not say.
 */
function acceptedAt(schema: unknown, segments: string[]): Accepted {
  if (!schema || typeof schema !== 'object') return undefined;
  const s = schema as JsonSchema;
  const own = ownAcceptedAt(s, segments);
  if (own) return own;
  const union = (s['anyOf'] ?? s['oneOf']) as unknown[] | undefined;
  if (!Array.isArray(union)) return undefined;
  const all = new Set<StaticType>();
  for (const branch of union) {
    const accepted = acceptedAt(branch, segments);
    if (!accepted) return undefined;
    for (const t of accepted) all.add(t);
  }
  return all;
}

function ownAcceptedAt(s: JsonSchema, segments: string[]): Accepted {
  const [first, ...rest] = segments;
  if (first === undefined) return typesOf(s['type']);
  const properties = s['properties'] as Record<string, unknown> | undefined;
  const next = properties?.[first] ?? (/^\d+$/.test(first) ? s['items'] : undefined) ?? s['additionalProperties'];
  return typeof next === 'object' ? acceptedAt(next, rest) : undefined;
}

function typesOf(type: unknown): Accepted {
  const list = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if (list.length === 0) return undefined;
  const out = new Set<StaticType>();
  for (const t of list) {
    if (t === 'integer' || t === 'number') out.add('number');
    else if (t === 'string' || t === 'boolean' || t === 'null') out.add(t);
    else out.add('unknown'); // object or array: no template's static type is one
  }
  return out;
}
