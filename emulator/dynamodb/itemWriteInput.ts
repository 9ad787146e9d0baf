import type { OperationInput } from '../types.ts';
import type { Item } from './records.ts';

/**
 * The members of PutItem, DeleteItem and UpdateItem the emulator reads itself; the request goes
 * to dynalite as sent, which validates it. `TableName` is checked before use; `Item` and `Key`
 * are used only for a table with an enabled stream, and a key dynalite cannot read sends the
 * request straight through.
 */
export interface ItemWriteInput extends OperationInput {
  TableName?: unknown;
  Item?: Item;
  Key?: Item;
  ReturnValues?: unknown;
  ReturnValuesOnConditionCheckFailure?: unknown;
}
