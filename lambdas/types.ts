/**
 * The minimal AWS event and result shapes the drill's handlers use.
 *
 * `@types/aws-lambda` is not a dependency, so these mirror only the fields we
 * read or return. They follow the AWS-validated snapshots LocalStack records
 * (`test_apigateway_lambda.snapshot.json`,
 * `test_lambda_integration_dynamodbstreams.snapshot.json`); fields a real event
 * carries but we ignore are left out on purpose.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** One DynamoDB item in wire form: attribute name → typed value. */
export type DynamoItem = Record<string, AttributeValue>;

/** API Gateway REST (v1) Lambda proxy request event. */
export interface ApiGatewayProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  /** `null` (not `{}`) when the request has no query string. */
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: {
    accountId: string;
    apiId: string;
    httpMethod: string;
    path: string;
    requestId: string;
    resourcePath: string;
    stage: string;
    [key: string]: unknown;
  };
  body: string | null;
  isBase64Encoded: boolean;
}

/**
 * Lambda proxy response. API Gateway rejects (502) any key not listed here, so
 * handlers must never add extra fields.
 */
export interface ApiGatewayProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export const StreamEventName = { INSERT: 'INSERT', MODIFY: 'MODIFY', REMOVE: 'REMOVE' } as const;
export type StreamEventName = (typeof StreamEventName)[keyof typeof StreamEventName];

/** One record of a DynamoDB stream event delivered by an event source mapping. */
export interface DynamoDBStreamRecord {
  eventID: string;
  eventName: StreamEventName;
  eventVersion: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime?: number;
    /** Always present, whatever the StreamViewType. */
    Keys: DynamoItem;
    /** Present for INSERT/MODIFY with NEW_IMAGE or NEW_AND_OLD_IMAGES. */
    NewImage?: DynamoItem;
    /** Present for MODIFY/REMOVE with OLD_IMAGE or NEW_AND_OLD_IMAGES. */
    OldImage?: DynamoItem;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  };
  eventSourceARN: string;
}

export interface DynamoDBStreamEvent {
  Records: DynamoDBStreamRecord[];
}
