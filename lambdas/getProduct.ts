/**
 * `get-product`: GET /productApi?id=… behind an API Gateway REST Lambda proxy
 * integration. Native rewrite of the tutorial's `lambda.GetProduct` (Java).
 *
 * Contract (what the drill asserts):
 * - item found → 200, body = {@link productJson} (`{"price":"29.99","name":…,"id":…}`);
 * - no such item → 404, plain body `Product not found`;
 * - any DynamoDB error → 500, plain body `Internal server error`;
 * - no `id` query parameter → 400 `Missing required query parameter: id`.
 *   Improvement: the Java dereferenced a null map and died with a
 *   NullPointerException, which API Gateway surfaced as a 502.
 * - every response carries `x-served-region: <AWS_REGION>` (addition: the Java set no
 *   headers). It is the drill's evidence of which region served a read after failover; the
 *   bodies stay byte for byte the tutorial's.
 *
 * Env: TABLE_NAME (default `Products`), AWS_REGION.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from './dynamoClient.ts';
import { tableName } from './env.ts';
import { describeError } from './errors.ts';
import { productJson } from './productJson.ts';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult } from './types.ts';

export async function handler(event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> {
  const result = await getProduct(event);
  return { ...result, headers: { 'x-served-region': process.env.AWS_REGION ?? '' } };
}

async function getProduct(event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> {
  const id = event.queryStringParameters?.id;
  if (!id) {
    // An empty id would reach DynamoDB as an invalid key (ValidationException); treat it as missing.
    return { statusCode: 400, body: 'Missing required query parameter: id' };
  }

  try {
    const { Item } = await dynamoClient(process.env.AWS_REGION).send(
      new GetItemCommand({ TableName: tableName(), Key: { id: { S: id } } }),
    );
    if (!Item) return { statusCode: 404, body: 'Product not found' };
    return { statusCode: 200, body: productJson(Item) };
  } catch (error) {
    console.error(`GetItem ${id} from ${tableName()} failed: ${describeError(error)}`);
    return { statusCode: 500, body: 'Internal server error' };
  }
}
