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
  const body = renderXml('ErrorResponse', namespace, {
    Error: { Type: err.senderFault ? 'Sender' : 'Receiver', Code: err.code, Message: err.message },
    RequestId: requestId,
  });
  return { status: err.status, headers: { 'content-type': 'text/xml' }, body };
}

/** Drops undefined fields and renders booleans/dates the way AWS's XML does. */
function clean(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}
