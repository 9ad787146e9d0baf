import { ServiceError } from '../protocol/ServiceError.ts';
import type { OperationInput, RequestContext } from '../types.ts';
import { isOk, replyJson, serializationError, validationError, type DynamoDbBackend } from './backend.ts';
import { keysOf, sameItem, type Item, type KeySchemaElement } from './records.ts';
import { ConstraintErrors, wireString } from './wireTypes.ts';

/**
 * The input of TransactWriteItems and TransactGetItems, checked as DynamoDB checks it before
 * touching any item (docs/fidelity/dynamodb.md): 1 to 100 actions, exactly one action per
 * entry, every table present, and no two actions on the same item.
 */

export const MAX_TRANSACTION_ITEMS = 100;
export const WRITE_KINDS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;
export type ActionKind = (typeof WRITE_KINDS)[number] | 'Get';

/** One entry of `TransactItems`. */
export interface TransactAction {
  kind: ActionKind;
  tableName: string;
  /** The entry's inner object (`Put`, `Update`, ...), as the caller sent it. */
  request: Record<string, unknown>;
  /** The item's primary key, known once the table's key schema is. */
  key: Item;
  keySchema: readonly KeySchemaElement[];
}

/** Required members of each action's inner object, by kind (the model's `@required`). */
const REQUIRED: Record<ActionKind, readonly string[]> = {
  ConditionCheck: ['Key', 'TableName', 'ConditionExpression'],
  Put: ['Item', 'TableName'],
  Delete: ['Key', 'TableName'],
  Update: ['Key', 'UpdateExpression', 'TableName'],
  Get: ['Key', 'TableName'],
};

/** The actions of a request, in order; throws AWS's ValidationException for a malformed list. */
export function parseActions(input: OperationInput, kinds: readonly ActionKind[]): TransactAction[] {
  const items = input.TransactItems;
  const errors = new ConstraintErrors().required(items, 'transactItems');
  if (items !== undefined && items !== null && !Array.isArray(items)) {
    // dynalite's (and DynamoDB's) type errors for a list member.
    throw serializationError(typeof items === 'object' ? 'Start of structure or map found where not expected' : 'Unexpected field type');
  }
  const list = (items ?? []) as unknown[];
  const lengthErrors = new ConstraintErrors();
  if (Array.isArray(items) && (list.length < 1 || list.length > MAX_TRANSACTION_ITEMS)) {
    const bound = list.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_TRANSACTION_ITEMS}`;
    lengthErrors.custom(
      `Value '[${list.map((v) => JSON.stringify(v)).join(', ')}]' at 'transactItems' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const message = errors.message() ?? lengthErrors.message();
  if (message) throw validationError(message);
  return list.map((entry, i) => parseAction(entry, i, kinds));
}

function parseAction(entry: unknown, i: number, kinds: readonly ActionKind[]): TransactAction {
  const members = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
  const present = kinds.filter((k) => members[k] !== undefined && members[k] !== null);
  if (kinds.length === 1 && present.length === 0) {
    throw validationError(new ConstraintErrors().required(undefined, `transactItems.${i + 1}.member.${lowerFirst(kinds[0]!)}`).message()!);
  }
  if (present.length !== 1) throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
  const kind = present[0]!;
  const request = members[kind] as Record<string, unknown>;
  const errors = new ConstraintErrors();
  for (const member of REQUIRED[kind])
    errors.required(request[member], `transactItems.${i + 1}.member.${lowerFirst(kind)}.${lowerFirst(member)}`);
  const message = errors.message();
  if (message) throw validationError(message);
  const tableName = wireString(request.TableName)!;
  return { kind, tableName, request, key: {}, keySchema: [] };
}

function lowerFirst(s: string): string {
  return s[0]!.toLowerCase() + s.slice(1);
}

/**
 * Fills each action's key from its table's key schema, then refuses two actions on one item.
 * A table that does not exist is ResourceNotFoundException, as for any item operation.
 */
export async function resolveKeys(b: DynamoDbBackend, ctx: RequestContext, actions: TransactAction[]): Promise<void> {
  const schemas = new Map<string, KeySchemaElement[]>();
  for (const tableName of new Set(actions.map((a) => a.tableName))) {
    const reply = await b.dynalite.call(ctx.region, 'DescribeTable', { TableName: tableName });
    if (!isOk(reply)) {
      const error = replyJson(reply);
      if (String(error.__type).endsWith('#ResourceNotFoundException')) {
        throw new ServiceError('ResourceNotFoundException', 'Requested resource not found', { status: 400 });
      }
      throw validationError(String(error.message ?? 'Invalid table name'));
    }
    schemas.set(tableName, (replyJson(reply).Table as { KeySchema?: KeySchemaElement[] }).KeySchema ?? []);
  }
  for (const action of actions) {
    action.keySchema = schemas.get(action.tableName)!;
    action.key = action.kind === 'Put' ? putKey(action) : (action.request.Key as Item);
  }
  actions.forEach((action, i) => {
    if (actions.slice(0, i).some((other) => other.tableName === action.tableName && sameItem(other.key, action.key))) {
      throw validationError('Transaction request cannot include multiple operations on one item');
    }
  });
}

function putKey(action: TransactAction): Item {
  const item = action.request.Item as Item;
  for (const { AttributeName } of action.keySchema) {
    if (!item || typeof item !== 'object' || item[AttributeName] === undefined) {
      throw validationError(`One or more parameter values were invalid: Missing the key ${AttributeName} in the item`);
    }
  }
  return keysOf(item, action.keySchema);
}
