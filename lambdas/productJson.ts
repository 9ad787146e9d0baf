/**
 * Renders a DynamoDB item the way the tutorial's Java `GetProduct` did:
 * Jackson `writeValueAsString` of a `HashMap<String, Object>`, compact, with
 * numbers as strings.
 *
 * Key order contract: `price, name, description, id` first (those present),
 * then every other attribute in the order the item lists them. For the four
 * tutorial attributes that *is* Java's HashMap order (String.hashCode buckets
 * 6, 8, 9, 11 of a 16-slot table), which the drill compares byte for byte:
 *
 * @example
 * productJson({ id: { S: 'prod-1088' }, price: { N: '29.99' }, name: { S: 'W' }, description: { S: 'd' } })
 * // → '{"price":"29.99","name":"W","description":"d","id":"prod-1088"}'
 *
 * Extra attributes are appended rather than hashed into place: a real HashMap
 * would interleave them, but no tutorial item has any and a stable, readable
 * order is worth more than mimicking bucket collisions.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoItem } from './types.ts';

const LEADING_KEYS = ['price', 'name', 'description', 'id'] as const;

export function productJson(item: DynamoItem): string {
  const out: Record<string, unknown> = {};
  for (const key of LEADING_KEYS) {
    const value = item[key];
    if (value !== undefined) out[key] = plain(value);
  }
  for (const [key, value] of Object.entries(item)) {
    if (!(key in out) && value !== undefined) out[key] = plain(value);
  }
  return JSON.stringify(out);
}

/**
 * S and N become strings (the Java used `value.s()` / `value.n()`, so 29.99
 * stays `"29.99"` with its original digits). Types the Java never handled are
 * rendered naturally: B as base64 (Jackson's byte[] form), BOOL, NULL, sets
 * as arrays, L and M recursively.
 */
function plain(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS;
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) {
    return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, plain(v)]));
  }
  return null;
}
