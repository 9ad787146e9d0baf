import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isDeepStrictEqual } from 'node:util';

/**
 * DynamoDB JSON (`{id: {S: 'prod-1088'}, price: {N: '29.99'}}`) as plain values
 * (`{id: 'prod-1088', price: 29.99}`), the way a workflow writes and compares them. Numbers
 * that a double cannot hold exactly stay strings; binary values become base64.
 */
export function plainItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plainValue(value)]));
}

function plainValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return plainNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return plainItem(value.M);
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(plainNumber);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  return undefined;
}

function plainNumber(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text.replace(/^(-?)0+(?=\d)/, '$1') ? n : text;
}

/** Whether every attribute of `match` has exactly that plain value in `item`. */
export function matches(item: Record<string, unknown>, match: Record<string, unknown>): boolean {
  return Object.entries(match).every(([name, value]) => isDeepStrictEqual(item[name], value));
}
