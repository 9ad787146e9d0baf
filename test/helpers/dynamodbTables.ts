import type { CreateTableCommandInput, StreamViewType } from '@aws-sdk/client-dynamodb';

/**
 * CreateTable input for a table shaped like the drill's Products table (hash key `id`, a
 * string): provisioned 5/5 unless `onDemand`, with a stream of `stream`'s view type if given.
 */
export function productsTable(name = 'Products', options: { stream?: StreamViewType; onDemand?: boolean } = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    ...(options.onDemand ? { BillingMode: 'PAY_PER_REQUEST' } : { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
    ...(options.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: options.stream } } : {}),
  };
}
