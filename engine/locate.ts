import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';

/** 1-based position in a source file. */
export interface Position {
  line: number;
  col: number;
}

/** Splits a JSON pointer (`/steps/0/params`) into segments, unescaping `~1` and `~0`. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Builds a JSON pointer from segments. */
export function toPointer(segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Finds where a JSON pointer points in a YAML document. With `key`, points at that key of
 * the map (for "unknown property" errors). Falls back to the deepest existing ancestor.
 * `offsetInString` shifts the column inside a single-line scalar (to point at a `${{`).
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  pointer: string,
  options: { key?: string; offsetInString?: number } = {},
): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  const segments = pointerSegments(pointer);
  if (options.key !== undefined) segments.push(options.key);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const isLast = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String((p.key as Scalar).value) === seg);
      if (!pair) break;
      if (isLast && options.key !== undefined) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  if (options.offsetInString !== undefined && isScalar(node)) {
    const t = (node as Scalar).type;
    if (t === 'PLAIN') offset += options.offsetInString;
    else if (t === 'QUOTE_DOUBLE' || t === 'QUOTE_SINGLE') offset += options.offsetInString + 1;
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
