import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { EmulatorResponse, OperationInput } from '../types.ts';
import { ServiceError } from './ServiceError.ts';

/**
 * restXml (Route 53): requests are an XML document whose root element wraps the input;
 * responses are `<OperationResponse xmlns=...>`; errors are `<ErrorResponse>` with
 * `<Error><Type/><Code/><Message/></Error>` (InvalidChangeBatch too: the SDK reads `Code`).
 * Values stay strings: operations convert numbers and booleans themselves.
 */
export function parseXmlInput(body: Buffer, listTags: readonly string[]): OperationInput {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  const lists = new Set(listTags);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => lists.has(name),
  });
  let doc: Record<string, unknown>;
  try {
    // `true` validates first, so malformed XML throws instead of parsing to something odd.
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new ServiceError('InvalidInput', `Invalid XML: ${(err as Error).message}`, { status: 400, cause: err });
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?'));
  if (roots.length !== 1) throw new ServiceError('InvalidInput', 'Invalid XML: expected one root element', { status: 400 });
  const root = doc[roots[0]!];
  if (root === '' || root === undefined) return {};
  if (typeof root !== 'object' || root === null) {
    throw new ServiceError('InvalidInput', 'Invalid XML: the root element has no children', { status: 400 });
  }
  return root as OperationInput;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

/** Serialises `{ Root: {...} }`; arrays become repeated elements, so wrap list members yourself. */
export function renderXml(root: string, namespace: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': namespace, ...(clean(body) as Record<string, unknown>) } })}`;
}

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
