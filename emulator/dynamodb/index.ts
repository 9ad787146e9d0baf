/**
 * DynamoDB (awsJson 1.0, `X-Amz-Target: DynamoDB_20120810.<Op>`, signing name `dynamodb`).
 *
 * Data plane: dynalite 4.0.0, one in-memory instance per region, each in a worker thread
 * (DynaliteHost). Requests are forwarded whole with their X-Amz-Target and dynalite's status,
 * body and x-amz-crc32 are relayed, so every dynalite operation keeps its own validation:
 * BatchGetItem, BatchWriteItem, CreateTable, DeleteItem, DeleteTable, DescribeTable,
 * DescribeTimeToLive, GetItem, ListTables, PutItem, Query, Scan, TagResource, UntagResource,
 * ListTagsOfResource, UpdateItem, UpdateTable.
 *
 * Added by the emulator (docs/fidelity/dynamodb.md): StreamSpecification
 * on CreateTable and UpdateTable, the stream fields of table descriptions, and stream records
 * captured around PutItem, UpdateItem, DeleteItem, BatchWriteItem and transactions (the
 * Streams API is `streams.ts`); TransactWriteItems and TransactGetItems; the table description
 * fields dynalite lacks (TableSettings); ReturnValuesOnConditionCheckFailure; DescribeLimits;
 * CreateTable's `Tags`, stored with the table under its lock (tableTags.ts: dynalite ignores them).
 *
 * Other DynamoDB operations (PartiQL, backups, TTL updates, global tables, ...) answer the
 * gateway's 501 naming them; names DynamoDB does not have get dynalite's
 * UnknownOperationException, as from AWS.
 */
import { notImplemented } from '../protocol/ServiceError.ts';
import type { EmulatedService, ServiceFactory } from '../types.ts';
import type { DynamoDbApi } from './api.ts';
import { relay, respond, type DynamoDbBackend } from './backend.ts';
import { ClientTokens } from './ClientTokens.ts';
import { describeLimits } from './describeLimits.ts';
import { DynaliteHost } from './DynaliteHost.ts';
import { itemOperations } from './itemOperations.ts';
import { KeyedMutex } from './KeyedMutex.ts';
import { StreamStore } from './StreamStore.ts';
import { TableSettings } from './TableSettings.ts';
import { tableOperations } from './tableOperations.ts';
import { transactGetItems } from './transactGetItems.ts';
import { transactWriteItems } from './transactWriteItems.ts';

/** DynamoDB operations dynalite does not implement (from the SDK's command list). */
const UNSUPPORTED_OPERATIONS = new Set([
  'BatchExecuteStatement',
  'CancelBulkOperation',
  'CreateBackup',
  'CreateGlobalTable',
  'DeleteBackup',
  'DeleteResourcePolicy',
  'DescribeBackup',
  'DescribeBulkOperation',
  'DescribeContinuousBackups',
  'DescribeContributorInsights',
  'DescribeEndpoints',
  'DescribeExport',
  'DescribeGlobalTable',
  'DescribeGlobalTableSettings',
  'DescribeImport',
  'DescribeKinesisStreamingDestination',
  'DescribeTableReplicaAutoScaling',
  'DisableKinesisStreamingDestination',
  'EnableKinesisStreamingDestination',
  'ExecuteStatement',
  'ExecuteTransaction',
  'ExportTableToPointInTime',
  'GetResourcePolicy',
  'ImportTable',
  'ListBackups',
  'ListBulkOperations',
  'ListContributorInsights',
  'ListExports',
  'ListGlobalTables',
  'ListImports',
  'PutResourcePolicy',
  'RestoreTableFromBackup',
  'RestoreTableToPointInTime',
  'SearchVectors',
  'StartBulkPutItems',
  'UpdateContinuousBackups',
  'UpdateContributorInsights',
  'UpdateGlobalTable',
  'UpdateGlobalTableSettings',
  'UpdateKinesisStreamingDestination',
  'UpdateTableReplicaAutoScaling',
  'UpdateTimeToLive',
]);

export const createDynamoDb: ServiceFactory<DynamoDbApi> = (runtime) => {
  const streams = new StreamStore();
  const tables = new TableSettings();
  const dynalite = new DynaliteHost({
    log: (line) => runtime.log(line),
    // A region whose worker died has lost its tables; its streams and settings go with them.
    onRegionLost: (region) => {
      streams.dropRegion(region);
      tables.dropRegion(region);
    },
  });
  const backend: DynamoDbBackend = {
    dynalite,
    streams,
    tables,
    locks: new KeyedMutex(),
    clientTokens: new ClientTokens(runtime.clock),
    clock: runtime.clock,
    log: (line) => runtime.log(line),
  };

  const api: DynamoDbApi = {
    streams,
    onRecords: (listener) => streams.onRecords(listener),
    records: (region, arn) => [...(streams.find(region, arn)?.records ?? [])],
    dynaliteEndpoint: async (region) => `http://127.0.0.1:${await dynalite.port(region)}`,
    startedRegions: () => dynalite.regions(),
  };

  const service: EmulatedService<DynamoDbApi> = {
    descriptor: {
      name: 'dynamodb',
      signingNames: ['dynamodb'],
      protocol: {
        name: 'awsJson',
        targetPrefix: 'DynamoDB_20120810',
        errorTypePrefix: 'com.amazonaws.dynamodb.v20120810',
        contentTypes: ['application/x-amz-json-1.0', 'application/json'],
      },
      operations: [
        ...tableOperations(backend),
        ...itemOperations(backend),
        { name: 'TransactWriteItems', handler: (input, ctx) => transactWriteItems(backend, input, ctx) },
        { name: 'TransactGetItems', handler: (input, ctx) => transactGetItems(backend, input, ctx) },
        describeLimits,
      ],
      async fallback(operation, input, ctx) {
        if (UNSUPPORTED_OPERATIONS.has(operation)) throw notImplemented('dynamodb', operation);
        // A region that never had a table lists none: answered without starting its dynalite
        // (a run's leftover sweep lists every region it names; a thread costs ~0.1 s to start).
        // With parameters, dynalite answers, so that its validation of them stays the one.
        if (operation === 'ListTables' && dynalite.unstarted(ctx.region) && Object.keys(input).length === 0) {
          return respond({ TableNames: [] });
        }
        return relay(await dynalite.call(ctx.region, operation, ctx.rawBody));
      },
    },
    api,
    reset: async () => {
      streams.reset();
      backend.clientTokens.reset();
      tables.reset();
      await dynalite.reset();
    },
    stop: () => dynalite.stop(),
  };
  return service;
};
