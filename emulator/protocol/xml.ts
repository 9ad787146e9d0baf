import { XMLBuilder } from 'fast-xml-parser';
import type { EmulatorResponse } from '../types.ts';
import type { ServiceError } from './ServiceError.ts';

/** XML output shared by restXml and query. Values become text; arrays become repeated elements. */

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

/** Serialises `{ Root: {...} }`; arrays become repeated elements, so wrap list members yourself. */
export function renderXml(root: string, namespace: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': namespace, ...(clean(body) as Record<string, unknown>) } })}`;
}

/**
 * `<ErrorResponse>` with `<Error><Type/><Code/><Message/></Error><RequestId/>`, the error shape
 * of both restXml and query (Route 53's InvalidChangeBatch too: the SDK reads `Code`).
 */
export function renderXmlError(err: ServiceError, namespace: string, requestId: string): EmulatorResponse {
  const message = err.message.length > MAX_ERROR_MESSAGE ? `${err.message.slice(0, MAX_ERROR_MESSAGE)}...` : err.message;
  const body = renderXml('ErrorResponse', namespace, {
    Error: { Type: err.senderFault ? 'Sender' : 'Receiver', Code: err.code, Message: message },
    RequestId: requestId,
  });
  return { status: err.status, headers: { 'content-type': 'text/xml' }, body };
}

/**
 * Longest error message sent: messages quote the caller's input, which may be megabytes
 * (a 50 MB body), and an error answer should stay small.
 */
export const MAX_ERROR_MESSAGE = 2048;

/**
 * Characters XML 1.0 cannot carry even escaped (its `Char` production: C0 controls other
 * than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF). A document holding one is not
 * well-formed, and strict parsers (botocore's expat) reject the whole answer.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` with every character XML cannot carry replaced by U+FFFD. */
export function xmlSafeText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

/** Drops undefined fields, renders dates the way AWS's XML does, and keeps text XML-safe. */
function clean(value: unknown): unknown {
  if (typeof value === 'string') return xmlSafeText(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}
