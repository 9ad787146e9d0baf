/**
 * `add-product`: POST /productApi with a JSON body, behind an API Gateway REST
 * Lambda proxy integration. Native rewrite of the tutorial's `lambda.AddProduct` (Java).
 *
 * Contract:
 * - PutItem(TABLE_NAME) with `id` S, `name` S, `price` N, `description` S and
 *   the tutorial's condition `attribute_not_exists(id) OR id = :id`, which is
 *   always true for the item's own key, so this is an upsert;
 * - success → 200 `Product added/updated successfully.`;
 * - malformed body → 400 with the reason (see {@link parseProductInput});
 * - ConditionalCheckFailedException → 409 `Product with the given ID already exists.`
 *   (kept from the Java; unreachable with this condition);
 * - any other DynamoDB error → 500 `Internal server error`. The Java instead
 *   published the product to an SNS topic and answered 200; that belongs to
 *   the DynamoDB-outage sample, and in the route53 sample the topic does not
 *   exist, so the Java failed there anyway.
 * Every response carries `Content-Type: application/json` as the Java's did,
 * even though the bodies are plain sentences.
 *
 * Env: TABLE_NAME (default `Products`), AWS_REGION.
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from './dynamoClient.ts';
import { tableName } from './env.ts';
import { describeError } from './errors.ts';
import { parseProductInput, ProductInputError, type ProductInput } from './productInput.ts';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult } from './types.ts';

export async function handler(event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> {
  let product: ProductInput;
  try {
    product = parseProductInput(event.body, event.isBase64Encoded);
  } catch (error) {
    if (error instanceof ProductInputError) return respond(400, error.message);
    throw error;
  }

  try {
    await dynamoClient(process.env.AWS_REGION).send(
      new PutItemCommand({
        TableName: tableName(),
        Item: {
          id: { S: product.id },
          name: { S: product.name },
          price: { N: product.price },
          description: { S: product.description },
        },
        ConditionExpression: 'attribute_not_exists(id) OR id = :id',
        ExpressionAttributeValues: { ':id': { S: product.id } },
      }),
    );
    return respond(200, 'Product added/updated successfully.');
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return respond(409, 'Product with the given ID already exists.');
    }
    console.error(`PutItem ${product.id} into ${tableName()} failed: ${describeError(error)}`);
    return respond(500, 'Internal server error');
  }
}

function respond(statusCode: number, body: string): ApiGatewayProxyResult {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body, isBase64Encoded: false };
}
