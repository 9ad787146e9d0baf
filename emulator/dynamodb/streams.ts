/**
 * DynamoDB Streams (awsJson 1.0, `X-Amz-Target: DynamoDBStreams_20120810.<Op>`). It signs
 * with the same name as DynamoDB, `dynamodb`; the gateway tells them apart by the target
 * prefix (docs/fidelity/dynamodb.md, "DynamoDB Streams").
 *
 * Operations: ListStreams, DescribeStream, GetShardIterator (TRIM_HORIZON, LATEST,
 * AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER), GetRecords. The records are those the DynamoDB
 * service captures (`itemOperations.ts`), read through its internal API.
 */
import type { ServiceFactory } from '../types.ts';
import { streamsOperations } from './streamsOperations.ts';

export const createDynamoDbStreams: ServiceFactory = (runtime) => ({
  descriptor: {
    name: 'dynamodbstreams',
    signingNames: ['dynamodb'],
    protocol: {
      name: 'awsJson',
      targetPrefix: 'DynamoDBStreams_20120810',
      errorTypePrefix: 'com.amazonaws.dynamodb.v20120810',
      contentTypes: ['application/x-amz-json-1.0', 'application/json'],
    },
    // The store belongs to the DynamoDB service, registered before any request arrives.
    operations: streamsOperations(() => runtime.api('dynamodb').streams, runtime.clock),
  },
});
