import { XMLParser } from 'fast-xml-parser';
import type { OperationInput } from '../operation.ts';
import type { Protocol, ProtocolService } from './Protocol.ts';
import { bindOutput, boundInput } from './httpBindings.ts';
import { restRouter } from './restRoutes.ts';
import { ServiceError } from './ServiceError.ts';
import { renderXml, renderXmlError } from './xml.ts';

/**
 * restXml (Route 53): operations by method and path; requests are an XML document whose root
 * element wraps the input; responses are `<OperationResponse xmlns=...>`; errors are
 * `<ErrorResponse>` (xml.ts). Values stay strings: operations convert numbers and booleans.
 */
export interface RestXmlSettings {
  name: 'restXml';
  /** The namespace of responses. */
  xmlNamespace: string;
}

export function restXml(settings: RestXmlSettings, service: ProtocolService): Protocol {
  return {
    claims: () => false,
    route: restRouter(service),
    parse: (req, { op, params }) => ({
      ...(op?.http?.payload ? {} : parseXmlInput(req.body, op?.http?.listTags ?? [])),
      ...boundInput(req, op?.http),
      ...params,
    }),
    serialize(output, { name, op }) {
      if (output === undefined) return { status: op?.http?.status ?? 200, headers: {}, body: '' };
      const { status, headers, payload, document } = bindOutput(output, op?.http);
      if (payload) return { status, headers, body: payload };
      return {
        status,
        headers: { 'content-type': 'text/xml', ...headers },
        body: renderXml(`${name}Response`, settings.xmlNamespace, document),
      };
    },
    serializeError: (err, requestId) => renderXmlError(err, settings.xmlNamespace, requestId),
  };
}

/**
 * No member of a restXml request can be anywhere near 1 MB (Route 53's longest, a traffic policy
 * document, is 100 KB), so a longer text node can only be refused. fast-xml-parser builds a text
 * node one character at a time: a 50 MB CallerReference kept the emulator's thread busy for 7 s,
 * mostly collecting garbage. So each text run over TEXT_CAP characters is cut to TEXT_CAP before
 * parsing: the member is refused by the same check, with the same (truncated) value in the message.
 */
const TEXT_CAP = 1024 * 1024;
/** Longest character reference (`&#x10FFFF;`) that a cut must not split. */
const ENTITY_MAX = 10;

function capTextRuns(text: string): string {
  if (text.length <= TEXT_CAP) return text;
  const parts: string[] = [];
  let copied = 0;
  for (let gt = text.indexOf('>'); gt >= 0; ) {
    const lt = text.indexOf('<', gt + 1);
    const end = lt < 0 ? text.length : lt;
    // A run holding the end of a CDATA section or a comment is not one text node: leave it be.
    if (end - gt - 1 > TEXT_CAP && !hasMarkupEnd(text, gt + 1, end)) {
      let cut = gt + 1 + TEXT_CAP;
      const amp = text.lastIndexOf('&', cut);
      if (amp > cut - ENTITY_MAX && amp > gt) cut = amp;
      parts.push(text.slice(copied, cut));
      copied = end;
    }
    if (lt < 0) break;
    gt = text.indexOf('>', lt);
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

function hasMarkupEnd(text: string, from: number, to: number): boolean {
  for (const end of [']]>', '-->']) {
    const at = text.indexOf(end, from);
    if (at >= 0 && at < to) return true;
  }
  return false;
}

/** The request element's children; `listTags` are arrays even with one element. */
function parseXmlInput(body: Buffer, listTags: readonly string[]): OperationInput {
  if (body.length === 0) return {};
  const text = capTextRuns(body.toString('utf8'));
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
