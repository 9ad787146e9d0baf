/**
 * Realistic events for calling the drill handlers directly: the API Gateway
 * REST proxy shape (docs/fidelity/apigateway.md, "Wire details the older parts of the
 * emulation rely on") and the DynamoDB stream record shape (docs/fidelity/dynamodb.md,
 * "Record shape").
 */
import type { ApiGatewayProxyEvent, DynamoDBStreamRecord, DynamoItem, StreamEventName } from '../../lambdas/types.ts';

export function proxyEvent(options: {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  apiId?: string;
}): ApiGatewayProxyEvent {
  const apiId = options.apiId ?? '12345';
  const host = `${apiId}.execute-api.localhost.localstack.cloud:4566`;
  const headers: Record<string, string> = { Host: host, 'User-Agent': 'python-requests/2.31.0', Accept: '*/*' };
  if (options.body) headers['Content-Type'] = 'application/json';
  const query = options.query ?? null;
  return {
    resource: options.path,
    path: options.path,
    httpMethod: options.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId,
      deploymentId: 'dep1',
      domainName: host.replace(/:\d+$/, ''),
      domainPrefix: apiId,
      extendedRequestId: 'ext-1',
      httpMethod: options.method,
      identity: { sourceIp: '127.0.0.1', userAgent: 'python-requests/2.31.0' },
      path: `/dev${options.path}`,
      protocol: 'HTTP/1.1',
      requestId: 'req-1',
      requestTime: '07/Nov/2023:11:59:28 +0000',
      requestTimeEpoch: 1699358368000,
      resourceId: 'res1',
      resourcePath: options.path,
      stage: 'dev',
    },
    body: options.body ?? null,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

let sequence = 1100000000000136137170n;

export function streamRecord(
  eventName: StreamEventName,
  images: { keys: DynamoItem; newImage?: DynamoItem; oldImage?: DynamoItem },
): DynamoDBStreamRecord {
  sequence += 1n;
  return {
    eventID: `evt-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1699357415,
      Keys: images.keys,
      ...(images.newImage && { NewImage: images.newImage }),
      ...(images.oldImage && { OldImage: images.oldImage }),
      SequenceNumber: String(sequence),
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/Products/stream/2023-11-07T11:00:00.000',
  };
}

/** The canonical tutorial product (the seed item of LocalStack's failover sample). */
export const SUPER_WIDGET = {
  id: 'prod-1088',
  name: 'Super Widget',
  price: '29.99',
  description: 'A versatile widget that can be used for a variety of purposes. Durable, reliable, and affordable.',
} as const;

/** What get-product must answer for it, byte for byte (as the tutorial shows it). */
export const SUPER_WIDGET_JSON =
  '{"price":"29.99","name":"Super Widget","description":"A versatile widget that can be used for a variety of purposes. Durable, reliable, and affordable.","id":"prod-1088"}';
