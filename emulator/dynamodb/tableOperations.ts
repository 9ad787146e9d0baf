import type { Operation, OperationInput, RawReply, RequestContext } from '../types.ts';
import { isOk, relay, replyJson, respond, tableLockKey, validationError, type DynamoDbBackend } from './backend.ts';
import type { KeySchemaElement } from './records.ts';
import { checkCreateStream, checkUpdateStream, parseStreamSpecification } from './streamSpecification.ts';
import { OWN_TABLE_MEMBERS, refuseUnsupportedUpdate, settingsFrom } from './tableSettingsInput.ts';
import { describeLikeAws } from './TableSettings.ts';
import { createTableTags, listTagsOfResource, storeCreateTags } from './tableTags.ts';

/**
 * The table operations the emulator intercepts to add what dynalite lacks: StreamSpecification on
 * CreateTable/UpdateTable, and `StreamSpecification`, `LatestStreamArn`, `LatestStreamLabel` in
 * table descriptions (docs/fidelity/dynamodb.md, "DynamoDB Streams"); deletion protection, SSE,
 * warm throughput and table class (TableSettings), and a UUID TableId. Everything else is
 * dynalite's, verbatim.
 */
export function tableOperations(b: DynamoDbBackend): Operation[] {
  return [
    { name: 'CreateTable', handler: (input, ctx) => createTable(b, input, ctx) },
    { name: 'UpdateTable', handler: (input, ctx) => updateTable(b, input, ctx) },
    { name: 'DescribeTable', handler: (_input, ctx) => describeTable(b, ctx) },
    { name: 'DeleteTable', handler: (input, ctx) => deleteTable(b, input, ctx) },
    { name: 'ListTagsOfResource', handler: (input, ctx) => listTagsOfResource(b, input, ctx) },
  ];
}

type TableDescription = Record<string, unknown> & { TableName?: string; KeySchema?: KeySchemaElement[] };

async function createTable(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  const spec = parseStreamSpecification(input.StreamSpecification);
  if (spec) checkCreateStream(spec);
  const tags = createTableTags(input);
  const setting = { deletionProtection: false, ...settingsFrom(input, ctx.region) };
  const forwarded = stripMembers(input, ['StreamSpecification', 'Tags', ...OWN_TABLE_MEMBERS]);
  const untouched = Object.keys(forwarded).length === Object.keys(input).length;
  const tableName = typeof input.TableName === 'string' ? input.TableName : '';
  // Under the table's lock: the table and its tags appear together (tableTags.ts).
  return b.locks.run([tableLockKey(ctx.region, tableName)], async () => {
    const reply = await b.dynalite.call(ctx.region, 'CreateTable', untouched ? ctx.rawBody : forwarded);
    if (!isOk(reply)) {
      const error = replyJson(reply);
      // dynalite leaves this message empty; AWS says which table.
      if (String(error.__type).endsWith('#ResourceInUseException') && !error.message) {
        return respond({ ...error, message: `Table already exists: ${String(input.TableName)}` }, reply.status);
      }
      return relay(reply);
    }
    const description = replyJson(reply).TableDescription as TableDescription;
    if (tags) await storeCreateTags(b, ctx.region, String(description.TableArn), tags);
    await settle(b, ctx.region, description.TableName!, 'ACTIVE');
    // A new table never inherits the streams (or settings) of an earlier one of the same name.
    b.streams.dropTable(ctx.region, description.TableName!);
    b.tables.set(ctx.region, description.TableName!, setting);
    if (spec?.enabled) b.streams.enable(ctx.region, description.TableName!, spec.viewType!, description.KeySchema ?? [], b.clock.now());
    return respond({ TableDescription: decorate(b, ctx.region, description) });
  });
}

async function updateTable(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  refuseUnsupportedUpdate(input);
  const spec = parseStreamSpecification(input.StreamSpecification);
  const own = settingsFrom(input, ctx.region);
  if (!spec && !own) {
    const reply = await b.dynalite.call(ctx.region, 'UpdateTable', ctx.rawBody);
    if (!isOk(reply)) return relay(reply);
    await settle(b, ctx.region, String(input.TableName), 'ACTIVE');
    return describeReply(b, ctx, reply.body, 'TableDescription');
  }
  const prefix = 'One or more parameter values were invalid: ';
  if (spec && input.ProvisionedThroughput != null)
    throw validationError(`${prefix}You cannot modify stream status while updating table IOPS`);
  if (spec && input.GlobalSecondaryIndexUpdates != null)
    throw validationError(`${prefix}You cannot create or delete index while changing stream status`);

  const tableName = typeof input.TableName === 'string' ? input.TableName : '';
  return b.locks.run([tableLockKey(ctx.region, tableName)], async () => {
    // Existence (and TableName's own validation) first, in dynalite's words.
    const described = await b.dynalite.call(ctx.region, 'DescribeTable', { TableName: input.TableName });
    if (!isOk(described)) return relay(described);
    let table = replyJson(described).Table as TableDescription;
    if (spec) checkUpdateStream(spec, tableName, b.streams.current(ctx.region, tableName) !== undefined);

    const rest = stripMembers(input, ['StreamSpecification', ...OWN_TABLE_MEMBERS]);
    // Only changes the emulator keeps itself: dynalite would reject the request as empty ("At least one of …").
    if (Object.keys(rest).some((k) => k !== 'TableName' && rest[k] != null)) {
      const reply = await b.dynalite.call(ctx.region, 'UpdateTable', rest);
      if (!isOk(reply)) return relay(reply);
      table = replyJson(reply).TableDescription as TableDescription;
      await settle(b, ctx.region, tableName, 'ACTIVE');
    }
    if (spec?.enabled) b.streams.enable(ctx.region, tableName, spec.viewType!, table.KeySchema ?? [], b.clock.now());
    else if (spec) b.streams.disable(ctx.region, tableName);
    if (own) b.tables.set(ctx.region, tableName, { ...b.tables.get(ctx.region, tableName), ...own });
    return respond({ TableDescription: decorate(b, ctx.region, table) });
  });
}

async function describeTable(b: DynamoDbBackend, ctx: RequestContext): Promise<RawReply> {
  const reply = await b.dynalite.call(ctx.region, 'DescribeTable', ctx.rawBody);
  return isOk(reply) ? describeReply(b, ctx, reply.body, 'Table') : relay(reply);
}

async function deleteTable(b: DynamoDbBackend, input: OperationInput, ctx: RequestContext): Promise<RawReply> {
  const tableName = typeof input.TableName === 'string' ? input.TableName : '';
  // Under the table's lock, so a write being captured finishes before its stream goes away.
  return b.locks.run([tableLockKey(ctx.region, tableName)], async () => {
    if (b.tables.get(ctx.region, tableName).deletionProtection) {
      throw validationError('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    }
    const reply = await b.dynalite.call(ctx.region, 'DeleteTable', ctx.rawBody);
    if (!isOk(reply)) return relay(reply);
    const description = replyJson(reply).TableDescription as TableDescription;
    const decorated = decorate(b, ctx.region, description);
    b.streams.dropTable(ctx.region, tableName);
    b.tables.drop(ctx.region, tableName);
    await settle(b, ctx.region, tableName, 'GONE');
    return respond({ TableDescription: decorated });
  });
}

/** A description reply with the fields dynalite lacks. */
function describeReply(b: DynamoDbBackend, ctx: RequestContext, body: Buffer, field: 'Table' | 'TableDescription'): RawReply {
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, TableDescription>;
  const table = parsed[field];
  return respond(table?.TableName ? { ...parsed, [field]: decorate(b, ctx.region, table) } : parsed);
}

/** A table description as DynamoDB gives it: stream fields, then the settings dynalite does not keep. */
function decorate(b: DynamoDbBackend, region: string, table: TableDescription): TableDescription {
  return describeLikeAws(withStreamFields(b, region, table), b.tables.get(region, table.TableName ?? ''));
}

/**
 * Adds the stream fields: `StreamSpecification` only while a stream is enabled, while
 * `LatestStreamArn`/`LatestStreamLabel` outlive a disable (AWS: after disabling,
 * DescribeTable omits StreamSpecification but still shows the latest stream).
 */
function withStreamFields(b: DynamoDbBackend, region: string, table: TableDescription): TableDescription {
  const latest = table.TableName ? b.streams.latest(region, table.TableName) : undefined;
  if (!latest) return table;
  const out: TableDescription = { ...table };
  if (latest.enabled) out.StreamSpecification = { StreamEnabled: true, StreamViewType: latest.viewType };
  out.LatestStreamLabel = latest.label;
  out.LatestStreamArn = latest.arn;
  return out;
}

/**
 * Waits (briefly) until dynalite has finished a table transition. The reply keeps AWS's
 * CREATING / UPDATING / DELETING status, but the next request already sees the table ACTIVE
 * or gone: dynalite runs its 0 ms transitions on a timer, and a client that does not wait
 * for ACTIVE (LocalStack never makes it) would otherwise race it.
 */
async function settle(b: DynamoDbBackend, region: string, tableName: string, want: 'ACTIVE' | 'GONE'): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const reply = await b.dynalite.call(region, 'DescribeTable', { TableName: tableName });
    if (want === 'GONE' ? !isOk(reply) : !isOk(reply) || (replyJson(reply).Table as TableDescription).TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  b.log(`dynamodb ${region} ${tableName}: still not ${want} after 1 s`);
}

function stripMembers(input: OperationInput, members: readonly string[]): OperationInput {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !members.includes(k)));
}
