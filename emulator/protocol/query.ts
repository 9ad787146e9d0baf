import type { OperationInput } from '../operation.ts';
import type { EmulatorRequest } from '../types.ts';
import type { Protocol, ProtocolService } from './Protocol.ts';
import { ServiceError } from './ServiceError.ts';
import { renderXml, renderXmlError } from './xml.ts';

/**
 * The query protocol (awsQuery: STS, SNS, SQS's older wire, CloudWatch, IAM):
 * form-encoded `Action=<Operation>&Version=<date>&…` in a POST body (or the query string of a
 * GET); responses `<XResponse xmlns><XResult>…</XResult><ResponseMetadata><RequestId/>…`;
 * errors `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/>`.
 *
 * Input keys are dotted paths: `Tags.member.1.Key=k` becomes `{ Tags: [{ Key: 'k' }] }`
 * (numbered segments make a list, in number order, and a list's `member` wrapper is dropped).
 * Maps (`Attributes.entry.1.key`) arrive as lists of `{ key, value }`. Values stay strings.
 * To render a list in the output, wrap it yourself: `{ Things: { member: [...] } }`.
 */
export interface QuerySettings {
  name: 'query';
  /** The namespace of responses (`https://sts.amazonaws.com/doc/2011-06-15/`). */
  xmlNamespace: string;
}

export function query(settings: QuerySettings, service: ProtocolService): Protocol {
  return {
    claims: () => false,
    route(req) {
      const name = formOf(req).get('Action');
      if (!name) {
        throw new ServiceError('MissingAction', 'The request is missing an action or a required parameter.', { status: 400 });
      }
      return { name, op: service.operations.find((o) => o.name === name), params: {} };
    },
    parse: (req) => decodeForm(formOf(req)),
    serialize(output, { name }, ctx) {
      const body = renderXml(`${name}Response`, settings.xmlNamespace, {
        ...(output === undefined ? {} : { [`${name}Result`]: output }),
        ResponseMetadata: { RequestId: ctx.requestId },
      });
      return { status: 200, headers: { 'content-type': 'text/xml' }, body };
    },
    serializeError: (err, requestId) => renderXmlError(err, settings.xmlNamespace, requestId),
  };
}

/** The form fields: the query string's, then the body's (a POST's body wins). */
function formOf(req: EmulatorRequest): URLSearchParams {
  const form = new URLSearchParams(req.query);
  for (const [key, value] of new URLSearchParams(req.body.toString('utf8'))) form.set(key, value);
  return form;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function decodeForm(form: URLSearchParams): OperationInput {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    if (parts.some((p) => p === '' || UNSAFE_KEYS.has(p))) continue;
    place(root, parts, value);
  }
  return listify(root) as OperationInput;
}

/** Sets `a.b.c` in a tree; a key that is already a value (`A=1&A.B=2`) keeps its first meaning. */
function place(root: Record<string, unknown>, parts: string[], value: string): void {
  let node = root;
  for (const part of parts.slice(0, -1)) {
    const next = node[part] ?? (node[part] = {});
    if (typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  node[last] ??= value;
}

/** Objects keyed 1..n become lists; a `{ member: [...] }` wrapper becomes its list. */
function listify(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, listify(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^[1-9]\d*$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  if (entries.length === 1 && (entries[0]![0] === 'member' || entries[0]![0] === 'entry') && Array.isArray(entries[0]![1])) {
    return entries[0]![1];
  }
  return Object.fromEntries(entries);
}
