import { createHash } from 'node:crypto';
import { ACCOUNT_ID } from '../types.ts';

/**
 * What DynamoDB keeps about a table that dynalite does not: deletion protection and the
 * server-side encryption the table was created with. Keyed by region and table name; a table
 * deleted (or lost with its region's worker) loses its settings.
 */
export interface TableSetting {
  deletionProtection: boolean;
  /** KMS encryption requested with `SSESpecification.Enabled: true`; absent for AWS-owned keys. */
  kmsKeyArn?: string;
  /** Warm throughput the caller asked for (CreateTable/UpdateTable `WarmThroughput`). */
  warm?: { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number };
  /** `TableClass`, when given: described back as `TableClassSummary`. */
  tableClass?: string;
}

export class TableSettings {
  private readonly settings = new Map<string, TableSetting>();

  get(region: string, tableName: string): TableSetting {
    return this.settings.get(key(region, tableName)) ?? { deletionProtection: false };
  }

  set(region: string, tableName: string, setting: TableSetting): void {
    this.settings.set(key(region, tableName), setting);
  }

  drop(region: string, tableName: string): void {
    this.settings.delete(key(region, tableName));
  }

  dropRegion(region: string): void {
    for (const k of this.settings.keys()) if (k.startsWith(`${region}\u0000`)) this.settings.delete(k);
  }

  reset(): void {
    this.settings.clear();
  }
}

function key(region: string, tableName: string): string {
  return `${region}\u0000${tableName}`;
}

/** Warm throughput of a new on-demand table (DynamoDB developer guide, warm throughput). */
export const ON_DEMAND_WARM_THROUGHPUT = { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 } as const;

type Description = Record<string, unknown>;

/**
 * A table description as DynamoDB gives it: dynalite's, with a `TableId` that is a UUID
 * (dynalite's drops the last four hex digits; the same table always gets the same UUID),
 * `DeletionProtectionEnabled`, `WarmThroughput` (the table's and each global index's), and
 * `SSEDescription` for KMS encryption.
 */
export function describeLikeAws(table: Description, setting: TableSetting): Description {
  const out: Description = { ...table };
  if (typeof table.TableId === 'string') out.TableId = asUuid(table.TableId);
  out.DeletionProtectionEnabled = setting.deletionProtection;
  out.WarmThroughput = { ...warmThroughput(table), ...setting.warm, Status: table.TableStatus };
  if (Array.isArray(table.GlobalSecondaryIndexes)) {
    // Each index has its own, in the index's status; an index of an on-demand table is on demand too.
    out.GlobalSecondaryIndexes = (table.GlobalSecondaryIndexes as Description[]).map((index) => ({
      ...index,
      WarmThroughput: { ...warmThroughput({ ...index, BillingModeSummary: table.BillingModeSummary }), Status: index.IndexStatus },
    }));
  }
  if (setting.tableClass) out.TableClassSummary = { TableClass: setting.tableClass };
  if (setting.kmsKeyArn) out.SSEDescription = { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: setting.kmsKeyArn };
  return out;
}

function warmThroughput(table: Description): { ReadUnitsPerSecond: number; WriteUnitsPerSecond: number } {
  const billing = (table.BillingModeSummary as { BillingMode?: string } | undefined)?.BillingMode;
  const provisioned = table.ProvisionedThroughput as { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined;
  if (billing === 'PAY_PER_REQUEST' || !provisioned?.ReadCapacityUnits) return { ...ON_DEMAND_WARM_THROUGHPUT };
  return { ReadUnitsPerSecond: provisioned.ReadCapacityUnits, WriteUnitsPerSecond: provisioned.WriteCapacityUnits ?? 1 };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `id` if it is a UUID, else a version-4-shaped UUID derived from it (stable, so DescribeTable repeats it). */
export function asUuid(id: string): string {
  if (UUID.test(id)) return id;
  const hex = createHash('sha256').update(id).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The ARN of the AWS managed key `alias/aws/dynamodb` of a region, which DynamoDB uses when
 * SSESpecification enables KMS without naming a key. Stable per region.
 */
export function managedKeyArn(region: string): string {
  return `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${asUuid(`aws/dynamodb/${region}`)}`;
}
