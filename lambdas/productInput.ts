/**
 * Validation of the add-product request body `{id, name, price, description}`.
 *
 * The Java parsed the body as `Map<String,String>` and let bad input blow up
 * (null body → unhandled exception, JSON number → ClassCastException → 500).
 * Here every malformed body is a {@link ProductInputError} that the handler
 * maps to 400. One deliberate leniency: `price` may be a JSON number as well
 * as a numeric string, since it is stored as DynamoDB N either way.
 */
export interface ProductInput {
  id: string;
  name: string;
  /** Canonical DynamoDB number text, e.g. `"29.99"`. */
  price: string;
  description: string;
}

export class ProductInputError extends Error {
  readonly code = 'InvalidProductInput';

  constructor(message: string) {
    super(message);
    this.name = 'ProductInputError';
  }
}

/** What DynamoDB accepts as N text (it rejects anything else with a ValidationException). */
const DYNAMO_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseProductInput(body: string | null, isBase64Encoded: boolean): ProductInput {
  if (body === null || body === '') throw new ProductInputError('Request body is required');
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProductInputError('Request body must be valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProductInputError('Request body must be a JSON object');
  }
  const fields = parsed as Record<string, unknown>;

  const id = stringField(fields, 'id');
  if (id === '') throw new ProductInputError('Field "id" must not be empty');
  return {
    id,
    name: stringField(fields, 'name'),
    price: priceField(fields.price),
    description: stringField(fields, 'description'),
  };
}

function stringField(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string') throw new ProductInputError(`Field "${name}" is required and must be a string`);
  return value;
}

function priceField(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && DYNAMO_NUMBER.test(value.trim())) return value.trim();
  throw new ProductInputError('Field "price" is required and must be a number or a numeric string');
}
