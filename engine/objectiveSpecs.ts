import { EVIDENCE_ROOTS, type Expr } from './expression/ast.ts';
import { ExpressionError } from './expression/expressionError.ts';
import { parseExpression } from './expression/parser.ts';
import { TemplateError } from './errors.ts';
import { toPointer } from './locate.ts';
import { isObject } from './isObject.ts';

/**
 * The `objectives:` block of a workflow, compiled into expressions over `measures` (see
 * docs/objectives.md for the vocabulary). Pure: the loader calls it after the envelope schema
 * has checked the shapes, and reports each problem at its pointer.
 */

/** One objective: a named expression, or a per-client family expanded when the measures are known. */
export interface ObjectiveSpec {
  /** What the verdict line calls it: `failover RTO`, `error window (ttl)`, or the user's name. */
  name: string;
  /** The expression, e.g. `measures.failover.rto <= 60s`; `{client}` is the client probe for `eachClient`. */
  source: string;
  /** JSON pointer of the YAML value it came from. */
  pointer: string;
  /** Expanded once per client probe in `measures.<eachClient>` (`errorWindow` given as one duration). */
  eachClient?: 'errorWindow';
}

/** A problem in the block, at a JSON pointer (and a character offset of a string there). */
export interface ObjectiveProblem {
  pointer: string;
  message: string;
  offset?: number;
}

const DURATION_LIMITS: Array<[key: string, name: string, measure: string]> = [
  ['rto', 'failover RTO', 'measures.failover.rto'],
  ['failbackRto', 'failback RTO', 'measures.failback.rto'],
  ['rpoSpan', 'failover RPO span', 'measures.failover.rpo.spanMs'],
];
const COUNT_LIMITS: Array<[key: string, name: string, measure: string]> = [
  ['rpo', 'failover RPO (lost writes)', 'measures.failover.rpo.lostWrites'],
  ['failbackRpo', 'failback RPO (lost writes)', 'measures.failback.rpo.lostWrites'],
];

/** Compiles the block (already schema-valid). Unknown shapes are skipped: the schema reported them. */
export function compileObjectives(
  block: Record<string, unknown>,
  at = '/objectives',
): { specs: ObjectiveSpec[]; problems: ObjectiveProblem[] } {
  const specs: ObjectiveSpec[] = [];
  const problems: ObjectiveProblem[] = [];
  for (const [key, name, measure] of DURATION_LIMITS) {
    const limit = durationLiteral(block[key]);
    if (limit) specs.push({ name, source: `${measure} <= ${limit}`, pointer: `${at}/${key}` });
  }
  for (const [key, name, measure] of COUNT_LIMITS) {
    if (typeof block[key] === 'number') specs.push({ name, source: `${measure} <= ${block[key]}`, pointer: `${at}/${key}` });
  }
  const window = block.errorWindow;
  const single = durationLiteral(window);
  if (single)
    specs.push({
      name: 'error window ({client})',
      source: `measures.errorWindow['{client}'] <= ${single}`,
      pointer: `${at}/errorWindow`,
      eachClient: 'errorWindow',
    });
  else if (isObject(window)) {
    for (const [client, value] of Object.entries(window)) {
      const limit = durationLiteral(value);
      if (limit)
        specs.push({
          name: `error window (${client})`,
          source: `measures.errorWindow${key(client)} <= ${limit}`,
          pointer: `${at}/errorWindow${toPointer([client])}`,
        });
    }
  }
  const share = block.availability;
  for (const [pointer, value] of isObject(share)
    ? Object.entries(share).map(([k, v]) => [`${at}/availability${toPointer([k])}`, v] as const)
    : [[`${at}/availability`, share] as const]) {
    const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)%\s*$/.exec(value) : null;
    if (m && Number(m[1]) > 100) problems.push({ pointer, message: `availability '${value}' is over 100%` });
  }
  const overall = ratioLiteral(share);
  if (overall) specs.push({ name: 'availability', source: `measures.availability.all >= ${overall}`, pointer: `${at}/availability` });
  else if (isObject(share)) {
    for (const [client, value] of Object.entries(share)) {
      const limit = ratioLiteral(value);
      const name = client === 'all' ? 'availability' : `availability (${client})`;
      if (limit)
        specs.push({
          name,
          source: `measures.availability${key(client)} >= ${limit}`,
          pointer: `${at}/availability${toPointer([client])}`,
        });
    }
  }
  if (Array.isArray(block.expect)) {
    block.expect.forEach((item, i) => {
      if (!isObject(item) || typeof item.that !== 'string') return;
      const pointer = `${at}/expect/${i}/that`;
      const { source, offset } = unwrap(item.that);
      try {
        parseObjective(source);
      } catch (error) {
        const shift = error instanceof ExpressionError ? { offset: error.offset + offset } : {};
        problems.push({ pointer, message: error instanceof TemplateError ? error.message : String(error), ...shift });
        return;
      }
      specs.push({ name: typeof item.name === 'string' ? item.name : source, source, pointer });
    });
  }
  return { specs, problems };
}

/** Parses an objective's expression (the template roots plus `measures`). */
export function parseObjective(source: string): Expr {
  return parseExpression(source, { roots: EVIDENCE_ROOTS });
}

/** `${{ expr }}` → `expr` (with the offset of `expr` in the original), else the text as it is. */
export function unwrap(text: string): { source: string; offset: number } {
  const m = /^(\s*\$\{\{\s*)([\s\S]*?)\s*\}\}\s*$/.exec(text);
  if (m && !m[2]!.includes('${{')) return { source: m[2]!, offset: m[1]!.length };
  const lead = text.length - text.trimStart().length;
  return { source: text.trim(), offset: lead };
}

/** A YAML duration as an expression literal: numbers are milliseconds. */
function durationLiteral(value: unknown): string | undefined {
  if (typeof value === 'number') return `${value}ms`;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  return m ? `${m[1]}${m[2] ?? 'ms'}` : undefined;
}

/** A YAML share as an expression literal: `99%`, or a ratio 0..1 shown as a percentage. */
function ratioLiteral(value: unknown): string | undefined {
  if (typeof value === 'number') return `${Number((value * 100).toPrecision(12))}%`;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)%\s*$/.exec(value);
  return m ? `${m[1]}%` : undefined;
}

function key(name: string): string {
  return /^[A-Za-z_][\w-]*$/.test(name) ? `.${name}` : `['${name.replace(/'/g, '')}']`;
}
