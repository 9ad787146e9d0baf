import { ExpressionError } from './expressionError.ts';
import type { LiteralUnit } from './ast.ts';

/**
 * Tokens of the expression grammar. Operators are JavaScript's comparison and boolean ones;
 * there is no arithmetic, no call, no member access beyond a path's own `.x` / `[0]` / `['k']`.
 */
export type Token =
  | { type: 'op'; text: string; start: number; end: number }
  | { type: 'string'; text: string; value: string; start: number; end: number }
  | { type: 'number'; text: string; value: number; unit?: LiteralUnit; start: number; end: number }
  | { type: 'word'; text: string; start: number; end: number };

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')'] as const;

/** Milliseconds per duration unit; `%` divides by 100. */
export const UNIT_FACTOR: Record<LiteralUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, '%': 0.01 };

const NUMBER = /-?\d+(?:\.\d+)?(ms|s|m|h|%)?/y;
const WORD_CHAR = /[\w\-.]/;

/** Splits an expression into tokens; offsets are relative to `source`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
    } else if (ch === "'" || ch === '"') {
      const close = source.indexOf(ch, i + 1);
      if (close < 0) throw new ExpressionError(`cannot parse expression '${source}': unterminated string starting at column ${i + 1}`, i);
      tokens.push({ type: 'string', text: source.slice(i, close + 1), value: source.slice(i + 1, close), start: i, end: close + 1 });
      i = close + 1;
    } else if (/\d/.test(ch) || (ch === '-' && /\d/.test(source[i + 1] ?? ''))) {
      i = readNumber(source, i, tokens);
    } else if (/[A-Za-z_]/.test(ch)) {
      i = readWord(source, i, tokens);
    } else {
      throw new ExpressionError(`cannot parse expression '${source}': unexpected '${ch}' at column ${i + 1}`, i);
    }
  }
  return tokens;
}

function readNumber(source: string, start: number, tokens: Token[]): number {
  NUMBER.lastIndex = start;
  const m = NUMBER.exec(source)!;
  const end = start + m[0].length;
  if (WORD_CHAR.test(source[end] ?? ' ')) {
    let stop = end;
    while (WORD_CHAR.test(source[stop] ?? ' ')) stop++;
    const text = source.slice(start, stop);
    throw new ExpressionError(
      `invalid number '${text}' in expression '${source}': a number may end with a duration unit (ms, s, m, h) or %`,
      start,
    );
  }
  const unit = m[1] as LiteralUnit | undefined;
  const digits = unit ? m[0].slice(0, -unit.length) : m[0];
  const value = unit ? Number(digits) * UNIT_FACTOR[unit] : Number(digits);
  // 1.5m is 90000 ms exactly; 0.1% must not print as 0.0010000000000000002.
  const rounded = unit === '%' ? Number(value.toPrecision(12)) : value;
  tokens.push({ type: 'number', text: m[0], value: rounded, ...(unit ? { unit } : {}), start, end });
  return end;
}

/** A path or keyword: identifiers joined by `.`, `[0]`, `['key']` (quoted keys may hold anything but their quote). */
function readWord(source: string, start: number, tokens: Token[]): number {
  let i = start;
  while (i < source.length) {
    const ch = source[i]!;
    if (WORD_CHAR.test(ch)) i++;
    else if (ch === '[') {
      const quote = source[i + 1];
      const close = quote === "'" || quote === '"' ? source.indexOf(`${quote}]`, i + 2) : source.indexOf(']', i);
      if (close < 0) break;
      i = close + (quote === "'" || quote === '"' ? 2 : 1);
    } else break;
  }
  tokens.push({ type: 'word', text: source.slice(start, i), start, end: i });
  return i;
}
