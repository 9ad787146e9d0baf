import { isAlias, visit, type Document, type LineCounter } from 'yaml';
import { WorkflowLoadError } from './errors.ts';

/**
 * The two ways a workflow's YAML source can fail before the loader sees any value, each turned
 * into a located load error (exit 2) instead of an internal error or a silent guess:
 * bytes that are not UTF-8, and aliases that name no anchor or expand without bound
 * (an "alias bomb": the yaml library refuses after `maxAliasCount` expansions).
 */

/** `bytes` as UTF-8 text; the first byte that is not UTF-8 is a load error at its line and column. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad === undefined) return bytes.toString('utf8');
  const before = bytes.subarray(0, bad);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
  const col = [...before.subarray(lineStart).toString('utf8')].length + 1;
  const hex = bytes[bad]!.toString(16).padStart(2, '0');
  throw new WorkflowLoadError([
    { file, line, col, path: '', message: `the file is not UTF-8 text (byte 0x${hex} at offset ${bad}): save it as UTF-8` },
  ]);
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const shape = sequenceShape(bytes[i]!);
    if (!shape) return i;
    const [length, min, max] = shape;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? min : 0x80) || c > (k === 1 ? max : 0xbf)) return i;
    }
    i += length;
  }
  return undefined;
}

/**
 * For a lead byte: the sequence's length and the range of its second byte, which is narrower
 * after some leads (no overlong forms, no surrogates, nothing past U+10FFFF); undefined for a
 * byte that cannot start a sequence.
 */
function sequenceShape(lead: number): [length: number, min: number, max: number] | undefined {
  if (lead < 0x80) return [1, 0, 0];
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return undefined;
}

/** Most alias expansions a workflow may use (yaml's own default bound). */
export const MAX_ALIAS_COUNT = 100;

/**
 * `doc.toJS()`, with the yaml library's alias failures located at the alias that caused them:
 * an alias to no anchor, or aliases expanding past {@link MAX_ALIAS_COUNT} nodes.
 */
export function documentToJs(doc: Document, lineCounter: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const unresolved = /Unresolved alias[^:]*: (.*)$/.exec(error.message)?.[1];
    const offset = firstAlias(doc, unresolved);
    const pos = lineCounter.linePos(offset ?? 0);
    const message =
      unresolved !== undefined
        ? `alias *${unresolved} refers to no anchor: define &${unresolved} before it, or write the value out`
        : `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?): write the values out, or use fewer aliases`;
    throw new WorkflowLoadError([{ file, line: pos.line, col: pos.col, path: '', message }], { cause: error });
  }
}

/** Source offset of the first alias (named `name`, when given). */
function firstAlias(doc: Document, name: string | undefined): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (!isAlias(node) || (name !== undefined && node.source !== name)) return undefined;
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
