/**
 * DynamoDB wire values and the stream records built from them (docs/fidelity/dynamodb.md, "Record
 * shape").
 */

/** One attribute value in wire form: `{ S: 'x' }`, `{ N: '1' }`, `{ M: {...} }`, ... */
export type AttributeValue = Record<string, unknown>;
/** One item in wire form. */
export type Item = Record<string, AttributeValue>;

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export const STREAM_VIEW_TYPES = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] as const;
export type StreamViewType = (typeof STREAM_VIEW_TYPES)[number];

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** A record as GetRecords returns it (the `Record` shape of the DynamoDB Streams API). */
export interface StreamRecord {
  eventID: string;
  eventName: StreamEventName;
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    /** Epoch seconds, from the emulator clock. */
    ApproximateCreationDateTime: number;
    /** Always present, whatever the view type. */
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
}

/** A write as the capture layer saw it: the item before and after, either may be absent. */
export interface ItemChange {
  oldImage?: Item;
  newImage?: Item;
}

/**
 * The event a change makes, or undefined when it makes none: LocalStack (provider.py, v1)
 * emits nothing for a put that leaves the item as it was, nor for a delete of a missing item.
 */
export function eventNameOf(change: ItemChange): StreamEventName | undefined {
  if (!change.oldImage && !change.newImage) return undefined;
  if (!change.oldImage) return 'INSERT';
  if (!change.newImage) return 'REMOVE';
  return sameItem(change.oldImage, change.newImage) ? undefined : 'MODIFY';
}

/** The key attributes of an item under a key schema. */
export function keysOf(item: Item, keySchema: readonly KeySchemaElement[]): Item {
  const keys: Item = {};
  for (const { AttributeName } of keySchema) {
    const value = item[AttributeName];
    if (value !== undefined) keys[AttributeName] = value;
  }
  return keys;
}

/**
 * The `dynamodb` part of a record: Keys always, images as the view type asks (the table in
 * docs/fidelity/dynamodb.md, "Record shape").
 */
export function recordBody(
  change: ItemChange,
  keySchema: readonly KeySchemaElement[],
  viewType: StreamViewType,
): { Keys: Item; NewImage?: Item; OldImage?: Item; SizeBytes: number } {
  const source = change.newImage ?? change.oldImage ?? {};
  const body: { Keys: Item; NewImage?: Item; OldImage?: Item; SizeBytes: number } = { Keys: keysOf(source, keySchema), SizeBytes: 0 };
  if (change.newImage && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) body.NewImage = change.newImage;
  if (change.oldImage && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) body.OldImage = change.oldImage;
  // AWS counts the record's Keys and images by DynamoDB's item-size rules: an AWS-validated
  // snapshot shows Keys {id:"test"} + NewImage {id:"test"} as SizeBytes 12.
  body.SizeBytes = itemSize(body.Keys) + (body.NewImage ? itemSize(body.NewImage) : 0) + (body.OldImage ? itemSize(body.OldImage) : 0);
  return body;
}

/**
 * Approximate DynamoDB item size ("Item sizes and formats" in the developer guide): names and
 * strings in UTF-8 bytes, numbers ~1 byte per two significant digits + 1, binaries in bytes,
 * booleans and nulls 1 byte, lists and maps 3 bytes plus 1 per element.
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v));
    case 'N':
      return numberSize(String(v));
    case 'B':
      return Buffer.from(String(v), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    case 'NS':
      return (v as string[]).reduce((n, s) => n + numberSize(s), 0);
    case 'BS':
      return (v as string[]).reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
    case 'L':
      return 3 + (v as AttributeValue[]).reduce((n, e) => n + 1 + valueSize(e), 0);
    case 'M':
      return 3 + Object.entries(v as Item).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueSize(e), 0);
    default:
      return 0;
  }
}

function numberSize(n: string): number {
  const digits = n.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** Item equality as DynamoDB sees it: map keys and set members in any order. */
export function sameItem(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && sameValue(a[k]!, b[k]!));
}

function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  const [ta, va] = Object.entries(a)[0] ?? [];
  const [tb, vb] = Object.entries(b)[0] ?? [];
  if (ta !== tb) return false;
  switch (ta) {
    case 'SS':
    case 'NS':
    case 'BS': {
      const sa = new Set(va as string[]);
      const sb = vb as string[];
      return sa.size === new Set(sb).size && sb.every((x) => sa.has(x));
    }
    case 'L': {
      const la = va as AttributeValue[];
      const lb = vb as AttributeValue[];
      return la.length === lb.length && la.every((x, i) => sameValue(x, lb[i]!));
    }
    case 'M':
      return sameItem(va as Item, vb as Item);
    default:
      return va === vb;
  }
}
